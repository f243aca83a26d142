"""Tables flattened into one line of text, cut back into one line per row.

A page's `text_content()`, and the text versions archivers and some portals keep, print
the three tables with nothing between their cells: `…其他一、本年新收政府信息公开申请数量
801000081二、上年结转政府信息公开申请数量0000000三、本年度办理结果（一）予以公开…`. The
row labels are the template's own, so the line is cut before each of them (and before
the appeals line's figures); each row then reads as its label with its figures glued on,
which `parsers.digit_runs` splits where the printed totals allow. Only the stretch from
the first table heading to section 五 is cut, so labels quoted in the prose stay whole.
"""

from __future__ import annotations

import re
from functools import cache

from parsers.key_schema import load_key_schema
from parsers.text_normalize import normalize_text

MIN_FLATTENED_LINE = 300  # a table's rows on one line run to thousands of characters
_START = re.compile(r"第二十条第|二、主动公开政府信息情况")
_END = re.compile(r"五、[^,，。]{0,6}存在的主要问题")
# The appeals header ends in 总计 and the 15 figures follow it (glued or spaced).
_APPEALS_FIGURES = re.compile(r"(?<=尚未审结总计)\s*(?=\d)")
# The appeals heading, also as misprinted (四、政府信息公开行政法复议、行政诉讼情况).
_APPEALS_HEADING = re.compile(r"(四、政府信息公开行政\S{0,2}复议、?行政诉讼情况)")
# "一、本年新收政府信息公开申请数量 713000074": a run a space apart from its label is
# glued back, so it reads as one row's figures, never as one figure.
_SPACED_RUN = re.compile(r"(?<=[^\d\s])[ \t]+(?=\d+(?:\.\d+)?[ \t]*$)", re.M)
# Row and group labels that are not in the key list under their printed name.
_MORE_LABELS = (
    "三、本年度办理结果", "（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理",
    "第二十条第", "规范性文件", "行政复议行政诉讼",
)


@cache
def _cut_before() -> re.Pattern[str]:
    """One alternation of every label a flattened table row starts with."""
    schema = load_key_schema()
    labels: set[str] = set(_MORE_LABELS)
    for spec in schema["tables"]["requests"]["rows"].values():
        labels.add(spec.split(" (", 1)[0].rsplit("/", 1)[-1])
    for template in schema["tables"]["active"]["templates"].values():
        labels.update(row["label"] for row in template["rows"].values())
    labels.update(schema["sections"].values())
    texts = sorted({normalize_text(label) for label in labels if label}, key=len, reverse=True)
    return re.compile("|".join(re.escape(text) for text in texts))


def unflatten(text: str) -> str:
    """`text` with each flattened table line cut into one line per row; other text as it is."""
    lines = text.splitlines()
    if not any(len(line) >= MIN_FLATTENED_LINE for line in lines):
        return text
    return "\n".join(_cut(line) if len(line) >= MIN_FLATTENED_LINE else line for line in lines)


def _cut(line: str) -> str:
    start = _START.search(line)
    if start is None:
        return line
    end = _END.search(line, start.start())
    stop = end.start() if end else len(line)
    tables = _APPEALS_FIGURES.sub("\n", line[start.start() : stop])
    tables = _cut_before().sub(lambda match: "\n" + match.group(0), tables)
    tables = _APPEALS_HEADING.sub(r"\n\1\n", tables)
    tables = _SPACED_RUN.sub("", tables)
    return line[: start.start()] + "\n" + tables + "\n" + line[stop:]

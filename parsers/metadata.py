"""Title, reporting body, reporting year and publication date of a report.

Why the care: the year users filter by is the year REPORTED ON (a 2021 report is
published in January 2022), the agency is whatever precedes that year in the title
(which PDF and Word extraction split over lines, or spread with spaces: "工作年 度报告"),
and a publication date is recorded only when the page states one: a CMS meta tag, a
"发布日期" line or a bracketed date under the title, never a date guessed from the body
(the statistics period) or from volatile page chrome (today's date in a footer).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from parsers.vocabulary import BREADCRUMB, BULLET, COLUMN_NAME
from parsers.vocabulary import CJK as _CJK

# Spaces inside Chinese text are layout artefacts ("卫东区人民政府办公室 2024 年...年 度报告").
_LAYOUT_SPACE = re.compile(rf"(?<=[{_CJK}\d])\s+(?=[{_CJK}])|(?<=[{_CJK}])\s+(?=\d)")
_CN_DIGITS = str.maketrans("〇零○Ο一二三四五六七八九", "0000123456789")
_CN_YEAR = re.compile(r"[〇零○Ο一二三四五六七八九]{4}(?=\s*年)")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_DATE = r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"
_LABELLED_DATE = re.compile(rf"(?:发布|公开|发文|印发)(?:日期|时间)\s*[::]?\s*{_DATE}")
_DATE_LINE = re.compile(rf"^[(\[【]?\s*{_DATE}\s*日?\s*[)\]】]?$")
_PERIOD = re.compile(r"((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日\s*(?:起\s*)?(?:至|到|-|—)")
_REPORT_WORD = re.compile(r"报告|年报")
_SENTENCE_PUNCT = re.compile(r"[。,，;；:：>》|]")
# Words that start a title line which has no agency in it: the agency is the line above.
_NO_AGENCY_START = re.compile(r"^(?:(?:19|20)\d{2}\s*年|年度|度|政府信息公开|关于)")
# [ \t], never \s: an empty "发布机构:" must not take the next line's label (栏目).
_SOURCE_LINE = re.compile(r"(?:信息来源|来源|发布机构|发布单位)[ \t]*[::][ \t]*([^\s::|]{2,30})")
# The "标题: … / 发布时间: … / 文号: / 发布机构: / 栏目: … / 原文链接: …" block archivers
# and copy-paste put above a text version: field label -> Metadata field.
_HEADER_FIELDS = {
    "标题": "title", "题目": "title", "文章标题": "title", "名称": "title",
    "发布时间": "published", "发布日期": "published", "公开日期": "published",
    "成文日期": "written", "文号": "number", "发文字号": "number", "索引号": "index",
    "发布机构": "issuer", "发文机关": "issuer", "发布单位": "issuer", "信息来源": "issuer",
    "来源": "issuer", "栏目": "column", "所属栏目": "column", "主题分类": "column",
    "原文链接": "source_url", "原文地址": "source_url", "链接": "source_url", "网址": "source_url",
}
_HEADER_LINE = re.compile(
    r"^[ \t]*(" + "|".join(sorted(_HEADER_FIELDS, key=len, reverse=True)) + r")[ \t]*[::][ \t]*(.*?)[ \t]*$"
)


PUBLISHED_META = (
    "pubdate",
    "publishdate",
    "publish_date",
    "publishtime",
    "firstpublishedtime",
    "article:published_time",
    "og:published_time",
    "dc.date.issued",
    "dcterms.issued",
)


@dataclass
class Metadata:
    title: str | None = None
    agency: str | None = None
    year: int | None = None
    published: str | None = None
    column: str | None = None  # from a header block: the column the document was filed in
    source_url: str | None = None  # from a header block: where the text was copied from
    warnings: list[str] = field(default_factory=list)


def read_header_block(text: str) -> tuple[dict[str, str], str]:
    """The leading "标题: … / 发布时间: …" lines as fields, and the text after them.

    Only a block of at least two such lines at the very top counts (a report's own
    "来源:" line further down is not a header). An empty field ("发布机构:") is absent,
    never the next line's label.
    """
    lines = text.splitlines()
    fields: dict[str, str] = {}
    matched = 0
    end = 0
    for index, line in enumerate(lines):
        if not line.strip():
            end = index + 1
            continue
        match = _HEADER_LINE.match(line)
        if match is None:
            break
        matched += 1
        end = index + 1
        name, value = _HEADER_FIELDS[match.group(1)], match.group(2).strip()
        if value and name not in fields:
            fields[name] = value
    if matched < 2:
        return {}, text
    return fields, "\n".join(lines[end:])


def clean_title(raw: str) -> str:
    """Join a title's lines, drop layout spaces and a trailing site-name suffix."""
    title = " ".join(part.strip() for part in raw.splitlines() if part.strip())
    title = _LAYOUT_SPACE.sub("", title).strip()
    for sep in ("_", " - ", "—", "|"):
        head, _, tail = title.rpartition(sep)
        if head and _REPORT_WORD.search(head) and not _REPORT_WORD.search(tail):
            title = head.strip()
    return title


def arabic_years(text: str) -> str:
    """二〇二一年 -> 2021年, so every later pattern sees digits."""
    return _CN_YEAR.sub(lambda m: m.group(0).translate(_CN_DIGITS), text)


def title_from_text(text: str, max_lines: int = 25) -> str | None:
    """The report's heading in its first lines, rejoined when extraction split it."""
    lines = [line.strip() for line in text.splitlines() if line.strip()][:max_lines]
    for i, line in enumerate(lines):
        if len(line) > 80 or "。" in line or _is_furniture(line):
            continue
        if not (_YEAR.search(arabic_years(line)) or "政府信息公开" in line):
            continue
        following = lines[i + 1] if i + 1 < len(lines) else ""
        compact = _LAYOUT_SPACE.sub("", line)
        parts = [line]
        if _REPORT_WORD.search(line):
            ends_early = not compact.endswith(("报告", "年报"))
            if ends_early and _is_title_fragment(following) and _REPORT_WORD.search(following):
                parts.append(following)
        elif len(following) <= 12 and _REPORT_WORD.search(following) and _is_title_fragment(line):
            # "…政府信息公开工作年" + "度报告": the heading broke before its last word
            parts.append(following)
        else:
            continue
        above = lines[i - 1] if i > 0 else ""
        if above and _NO_AGENCY_START.search(compact) and _is_title_fragment(above) and not _is_furniture(above):
            parts.insert(0, lines[i - 1])
        return clean_title("\n".join(parts))
    return None


def _is_furniture(line: str) -> bool:
    """A list bullet, a breadcrumb, a header-block line or a bare column name: the page's
    or the archiver's, never the document's own title."""
    compact = _LAYOUT_SPACE.sub("", line)
    return bool(
        BULLET.match(line) or BREADCRUMB.search(line) or _HEADER_LINE.match(line)
        or COLUMN_NAME.fullmatch(compact)
    )


def _is_title_fragment(line: str) -> bool:
    return len(line) <= 40 and not _SENTENCE_PUNCT.search(line) and not _DATE_LINE.match(line)


def agency_from_title(title: str) -> str | None:
    """The reporting body: what precedes the year ("深州市人民政府办公室2021年...")."""
    title = arabic_years(_LAYOUT_SPACE.sub("", title))
    match = _YEAR.search(title)
    if match is None:
        return None
    before = title[: match.start()].strip(" 《\"“")
    if before.startswith("关于"):  # "关于做好2021年度…的通知": a notice names no reporting body
        return None
    before = re.sub(r"^(?:一图读懂|一图看懂|图解)|的$", "", before).strip(" 《\"“")
    if "关于" in before:
        # "X办公室关于印发Y市2021年…的通知" reports for Y; "X关于2021年…" for X.
        issuer, subject = before.split("关于", 1)
        subject = re.sub(r"^(?:印发|发布|公布)", "", subject).strip(" 《\"“")
        before = subject or issuer.strip()
    if before:
        return before
    # "2021年深州市人民政府政府信息公开工作年度报告": the agency follows the year.
    after = title[match.end() :]
    after = re.sub(r"^度", "", after)
    head = after.split("政府信息公开", 1)[0].strip()
    return head or None


def year_from_title(title: str) -> int | None:
    match = _YEAR.search(arabic_years(_LAYOUT_SPACE.sub("", title)))
    return int(match.group(1)) if match else None


def iso_date(value: str | None) -> str | None:
    """`2022-01-12 10:30`, `2022/1/12`, `2022年1月12日` -> `2022-01-12`; else None."""
    if not value:
        return None
    match = re.search(_DATE, value)
    if match is None:
        return None
    try:
        return date(*(int(g) for g in match.groups())).isoformat()
    except ValueError:
        return None


def _labelled_date(page_text: str, title: str | None) -> str | None:
    """The "发布日期：…" line next to the page's title.

    Sidebars and "related articles" lists carry their own 发布时间 lines, often before
    the article in document order, so the one near the title wins; the first on the page
    is used only when the title is not found in the page text.
    """
    start = page_text.find(title) if title else -1
    if start != -1:
        window = page_text[max(start - 300, 0) : start + len(title) + 400]
        match = _LABELLED_DATE.search(window, pos=min(start, 300))
        match = match or _LABELLED_DATE.search(window)
    else:
        match = _LABELLED_DATE.search(page_text)
    return iso_date(match.group(0)) if match else None


def _stated_published(
    html_meta: dict[str, str],
    page_text: str,
    title: str | None,
    body_lines: list[str],
    title_line: int | None,
) -> tuple[str | None, str]:
    """The publication date the page states, and where it was found."""
    for name in PUBLISHED_META:
        found = iso_date(html_meta.get(name))
        if found:
            return found, f"meta {name}"
    found = _labelled_date(page_text, title)
    if found:
        return found, "date line"
    if title_line is not None:
        for line in body_lines[title_line + 1 : title_line + 3]:
            if _DATE_LINE.match(line):
                return iso_date(line), "date under the title"
    return None, ""


def read_metadata(
    text: str,
    *,
    html_meta: dict[str, str] | None = None,
    page_text: str | None = None,
    title_hint: str | None = None,
    date_hint: str | None = None,
) -> Metadata:
    """Metadata from the body text (normalized), plus page metadata when there is a page.

    `html_meta` maps lower-cased meta names to content; `page_text` is the whole page's
    text (a date line often sits in the page chrome above the body); `title_hint` and
    `date_hint` are what a format's own metadata or trafilatura found, used last.
    """
    html_meta = html_meta or {}
    meta = Metadata()
    header, body = read_header_block(text)
    meta.column, meta.source_url = header.get("column"), header.get("source_url")
    body_title = title_from_text(body)
    candidates = [
        clean_title(t)
        for t in (html_meta.get("articletitle"), header.get("title"), body_title, title_hint)
        if t and t.strip() and not _is_furniture(t.strip())
    ]
    meta.title = candidates[0] if candidates else None

    for candidate in candidates:
        meta.year = meta.year or year_from_title(candidate)
        meta.agency = meta.agency or agency_from_title(candidate)
    if meta.year is None:
        period = _PERIOD.search(arabic_years(text))
        if period:
            meta.year = int(period.group(1))
        else:
            meta.warnings.append("metadata: reporting year not stated in title or text")
    if meta.agency is None and header.get("issuer"):
        meta.agency = header["issuer"]
        meta.warnings.append("metadata: agency not in title; taken from the header's 发布机构")
    if meta.agency is None:
        meta.agency = _agency_fallback(html_meta, page_text or body, meta.warnings)

    body_lines = [line.strip() for line in body.splitlines() if line.strip()]
    title_line = _line_index(body_lines, body_title)
    published, source = _stated_published(
        html_meta, page_text or body, meta.title, body_lines, title_line
    )
    if published is None and iso_date(header.get("published")):
        published, source = iso_date(header.get("published")), "header block"
    if published is None and date_hint:
        published, source = iso_date(date_hint), "document metadata"
    if published and meta.year and int(published[:4]) < meta.year:
        meta.warnings.append(
            f"metadata: {source} date {published} precedes reporting year {meta.year}; dropped"
        )
        published = None
    meta.published = published
    return meta


def _line_index(lines: list[str], title: str | None) -> int | None:
    """Index of the last body line belonging to the title (dates sit right under it)."""
    if not title:
        return None
    for i, line in enumerate(lines[:30]):
        compact = _LAYOUT_SPACE.sub("", line)
        if compact and compact in title and _REPORT_WORD.search(compact):
            return i
    return None


def _agency_fallback(html_meta: dict[str, str], page_text: str, warnings: list[str]) -> str | None:
    """Agency from the CMS's source fields when the title names none."""
    for name in ("contentsource", "source", "sitename"):
        value = (html_meta.get(name) or "").strip()
        if value:
            warnings.append(f"metadata: agency not in title; taken from meta {name}")
            return value
    match = _SOURCE_LINE.search(page_text)
    if match:
        warnings.append("metadata: agency not in title; taken from the source line")
        return match.group(1)
    return None

"""Figures the report states in words, checked against the figures its tables print.

Section 一 (and often 三) retells the requests table in sentences: 受理政府信息公开申请
21 件, 办结 1191 件（含上年结转 189 件）, 1 件结转下年度继续办理. When the two disagree
(a county's narrative says 17 requests where its table prints 95), one of them is wrong
and a reader should know; no other check can see it, because each table adds up on its
own. These are checks of their own family, `narrative`, reported and warned about, and
never used to fill or overwrite a printed cell: the sentence may be the wrong one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.model import CanonicalTable, Check

_NUMBER = r"[ \t]*(\d+)[ \t]*件"
_LINE_BREAK = re.compile(r"[ \t]*\n[ \t]*")
_NO_SPLIT = r"[^。；;，,]"  # stay inside one clause
_NOT_APPEAL = r"(?:(?!复议|诉讼)[^。；;，,])"  # 收到行政复议申请 3 件 is not a request count


@dataclass(frozen=True)
class NarrativeFigure:
    row: str  # the requests row whose 总计 the sentence states
    value: int
    quote: str  # the words it was read from


# requests row -> patterns, first match in the text wins. Each names the figure's own
# clause, so "收到申请 34 件，上年结转 2 件" gives 34 to one row and 2 to the other.
_PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {
    "received": (
        re.compile(
            rf"(?:收到|受理|新收)(?:和办理)?{_NOT_APPEAL}{{0,10}}?(?:申请|依申请公开)"
            rf"{_NOT_APPEAL}{{0,4}}?{_NUMBER}"
        ),
        re.compile(r"(未收到|没有收到)(?:任何)?(?:政府信息公开|依申请公开)?申请"),
    ),
    "carried_over": (
        re.compile(rf"上一?年度?结转(?:的)?(?:政府信息公开)?(?:申请)?{_NUMBER}"),
    ),
    "total_processed": (
        re.compile(rf"(?:办结|已经?答复|答复政府信息公开申请)(?:政府信息公开申请)?{_NUMBER}"),
    ),
    "carried_forward": (
        re.compile(rf"{_NUMBER}{_NO_SPLIT}{{0,20}}?(?:结转|顺延|转)(?:至|到)?下一?年度"),
        re.compile(rf"(?:结转|转)(?:至|到)?下一?年度(?:继续)?(?:办理)?{_NO_SPLIT}{{0,8}}?{_NUMBER}"),
    ),
}


def narrative_figures(text: str) -> list[NarrativeFigure]:
    """The request counts the text states in words, one per row at most (the first)."""
    text = _LINE_BREAK.sub("", text)  # PDF and Word text breaks sentences at line ends
    found: list[NarrativeFigure] = []
    for row, patterns in _PATTERNS.items():
        matches = [m for pattern in patterns if (m := pattern.search(text))]
        if not matches:
            continue
        first = min(matches, key=lambda m: m.start())
        number = first.group(1)
        value = int(number) if number.isdigit() else 0  # 未收到…申请: none received
        found.append(NarrativeFigure(row, value, first.group(0).strip()))
    return found


def check_narrative(text: str, tables: dict[str, CanonicalTable]) -> tuple[list[Check], list[str]]:
    """A `narrative` check per stated figure whose table cell was printed, and a warning
    per disagreement. Figures with no printed cell to compare are not checks."""
    checks: list[Check] = []
    warnings: list[str] = []
    requests = tables.get("requests", {})
    for figure in narrative_figures(text):
        printed = requests.get(figure.row, {}).get("total")
        if printed is None:
            continue
        ok = printed == figure.value
        checks.append(
            Check("narrative", "requests", figure.value, printed, ok, row=figure.row, col="total")
        )
        if not ok:
            warnings.append(
                f"narrative: the text says {figure.quote!r} ({figure.value}), the table prints"
                f" {printed} for requests {figure.row} / total"
            )
    return checks, warnings

"""Split a report's body into its six sections (一、总体情况 ... 六、其他需要报告的事项).

A line starting "一、" is not enough to open a section: the statistics tables hold rows
"一、本年新收政府信息公开申请数量" and "四、结转下年度继续办理", and section 五 often has
its own "一、2024年存在问题" sub-headings. A heading must carry its section's words, and
the chosen headings must rise in both numeral and section order; among the chains that
do, the best scored wins (line starts and the template's own numbering preferred), so
one stray sub-heading cannot swallow the real headings after it. Legacy (2008-2018)
reports number seven sections (四 is fees); their keywords map them onto the same six.
Some reports number the sections "第一部分" or "(一)" instead (see `split_sections`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMERALS = {n: i for i, n in enumerate("一二三四五六七八九十", start=1)}

# A numeral + separator at a line start or right after a sentence/cell end.
_HEADING = re.compile(
    r"(?:^|(?<=[。；;!?！？|]))[ \t\u3000]*(?P<num>[一二三四五六七八九十])\s*[、.．,，]\s*"
    r"(?P<head>[^\n]{0,60})",
    re.M,
)
# "第一部分 总体情况": never a sub-heading, so preferred whenever a report uses it.
_PART_HEADING = re.compile(
    r"(?:^|(?<=[。；;!?！？|]))[ \t\u3000]*第(?P<num>[一二三四五六七八九十])部分\s*[、.．,，:：]?\s*"
    r"(?P<head>[^\n]{0,60})",
    re.M,
)
# "(一)总体情况" (full- or half-width brackets): usually a sub-heading ("(一)主动公开"
# under 一、总体情况), so only at a line start and only when no 一、 headings are found.
_PAREN_HEADING = re.compile(
    r"^[ \t\u3000]*[(（]\s*(?P<num>[一二三四五六七八九十])\s*[)）]\s*[、.．,，]?\s*"
    r"(?P<head>[^\n]{0,60})",
    re.M,
)

# What each canonical section's heading says, within a few characters of its numeral.
_SECTION_WORDS = {
    "1": re.compile(r"^.{0,6}?(?:总体情况|概述|基本情况|总体概况|概况)"),
    "2": re.compile(r"^.{0,6}?主动公开"),
    "3": re.compile(r"^.{0,4}?(?:收到和处理|依申请公开|公开申请|收到和答复)"),
    "4": re.compile(r"^.{0,12}?(?:行政复议|行政诉讼)"),
    "5": re.compile(r"^.{0,10}?(?:存在的?主要问题|存在的?问题|主要问题|问题及|改进)"),
    "6": re.compile(r"^.{0,4}?(?:其[他它]需要报告|其[他它]需要说明|其[他它]事项)"),
}


@dataclass(frozen=True)
class _Candidate:
    start: int
    numeral: int
    section: int
    score: float


def _candidates(text: str, heading: re.Pattern[str]) -> list[_Candidate]:
    found = []
    for match in heading.finditer(text):
        head = re.sub(r"\s+", "", match.group("head"))
        numeral = _NUMERALS[match.group("num")]
        line_start = match.start() == 0 or text[match.start() - 1] == "\n"
        for key, words in _SECTION_WORDS.items():
            if words.search(head):
                section = int(key)
                # 2019+ number sections 1-6; legacy reports put fees at 四 and shift 4-6 by one.
                usual = numeral == section or (section >= 4 and numeral == section + 1)
                score = 1 + 0.5 * line_start + 0.25 * usual
                found.append(_Candidate(match.start(), numeral, section, score))
                break
    return found


def _best_chain(candidates: list[_Candidate]) -> list[_Candidate]:
    """Highest-scoring sequence rising in position, numeral and section."""
    best: list[tuple[float, int]] = []  # per candidate: (chain score ending here, previous)
    for i, cand in enumerate(candidates):
        score, prev = cand.score, -1
        for j in range(i):
            other = candidates[j]
            rises = other.numeral < cand.numeral and other.section < cand.section
            if rises and best[j][0] + cand.score > score:
                score, prev = best[j][0] + cand.score, j
        best.append((score, prev))
    if not best:
        return []
    i = max(range(len(best)), key=lambda k: best[k][0])
    chain = []
    while i != -1:
        chain.append(candidates[i])
        i = best[i][1]
    return chain[::-1]


def split_sections(text: str) -> dict[str, str]:
    """{"1": "一、总体情况\\n...", ...}: each section from its heading to the next one.

    Sections the report lacks are absent, not empty strings. Reports number their six
    sections 一、 … 六、, some "第一部分" … or "(一)" …: "第一部分" headings win when
    there are two or more (their sub-headings are often 一、二、); otherwise 一、 headings,
    and "(一)" headings only when fewer than two 一、 headings are found, because in most
    reports "(一)" numbers the sub-headings inside a section.
    """
    parts = _best_chain(_candidates(text, _PART_HEADING))
    chain = parts
    if len(parts) < 2:
        chain = _best_chain(_candidates(text, _HEADING))
        if len(chain) < 2:
            alternatives = (chain, _best_chain(_candidates(text, _PAREN_HEADING)), parts)
            chain = max(alternatives, key=len)  # the first of the longest: 一、 on a tie
    sections: dict[str, str] = {}
    ends = [following.start for following in chain[1:]] + [len(text)]
    for cand, end in zip(chain, ends[: len(chain)], strict=True):
        sections[str(cand.section)] = text[cand.start : end].strip()
    return sections

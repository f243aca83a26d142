"""Is this document an annual report, and which template does it follow?

Portals file many look-alikes beside the reports: notices and letters telling
departments to compile or submit their reports, enterprise annual reports
(企业年度报告公示), yearbooks, "一图读懂" graphic digests, the report column's own list
page, error pages. The words are `parsers.vocabulary`'s, shared with the crawler. They must come out as `is_report: false` with a
reason a user can read, never as an exception and never with tables forced onto them.
The template comes from the tables when they were read; otherwise from the reporting
year, and reports for 2008-2018 are `legacy` whatever tables they carry, because the
pre-2019 statistics table has other rows and must never fill the 2019/2021 keys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.model import Template
from parsers.vocabulary import (
    BULLET,
    CJK,
    ENTERPRISE,
    ENTERPRISE_FILING,
    ERROR_PAGE,
    GRAPHIC,
    NOTICE,
    NOTICE_PREFIX,
    REPORT_TITLE,
    YEAR,
    YEARBOOK,
)

# The parser's own notice rule on top of the shared words: a title ending in 通知/函, or
# "关于…年度报告…" that is not itself a report's title.
_NOTICE_ENDING = re.compile(r"(?:关于|做好|报送|编制|编写|发布).*年度?报告.*(?:通知|函)$|通知$|^关于.*的函$")
_LISTED_DATE = re.compile(r"[\s(\[【]*(?:19|20)\d\d[-/.年]\d{1,2}[-/.月]\d{1,2}日?[)\]】]?\s*$")
_DATE_AFTER = re.compile(r"[\s(\[【]*(?:19|20)\d\d[-/.年]\d{1,2}[-/.月]\d{1,2}")
_MIN_REPORT_CHARS = 200
_MIN_LISTED_REPORTS = 3
# A report title inside a flattened list line: "… 标题 发布日期 平潭综合实验区2025年度政府
# 信息公开工作年度报告 2026-03-10 平潭综合实验区2024年度…".
_TITLE_IN_LINE = re.compile(
    rf"[{CJK}]{{2,30}}?(?:19|20)\d\d年度?(?:政府)?信息公开工作(?:年度)?报告"
)
LEGACY_YEARS = range(2008, 2019)


@dataclass
class Classification:
    is_report: bool
    reason: str | None
    template: Template | None


def classify(
    *,
    title: str | None,
    text: str,
    sections: dict[str, str],
    year: int | None,
    table_template: str | None,
) -> Classification:
    """Decide from the title first (it names what the page is), then the body."""
    title = title or ""
    body_chars = len(re.sub(r"\s+", "", text))
    if body_chars == 0:
        return Classification(False, "empty page: no text", None)
    if body_chars < _MIN_REPORT_CHARS and ERROR_PAGE.search(f"{title}\n{text}"):
        return Classification(False, "error page (page not found)", None)
    if GRAPHIC.search(title):
        return Classification(False, f"graphic digest of a report, not the report: {title}", None)
    if ENTERPRISE.search(title) or (not title and ENTERPRISE_FILING.search(text[:500])):
        return Classification(False, "enterprise annual report (企业年度报告), not a government one", None)
    if YEARBOOK.search(title):
        return Classification(False, f"yearbook, not an annual report: {title}", None)
    has_tables = table_template is not None
    # "关于印发《…年度报告》的通知" sometimes carries the whole report: the body decides.
    if is_notice_title(title) and not (has_tables and len(sections) >= 3):
        return Classification(False, f"notice, not a report: {title}", None)
    # a page with the template's sections or tables is a report whatever titles it lists
    listed = set() if len(sections) >= 3 or has_tables else listed_report_titles(text)
    if len(listed) >= _MIN_LISTED_REPORTS:
        return Classification(
            False, f"list of {len(listed)} report titles (a report column's page), not a report", None
        )
    if not (REPORT_TITLE.search(title) or len(sections) >= 3 or has_tables):
        return Classification(
            False, "no report title, section headings or statistics tables found", None
        )
    if body_chars < _MIN_REPORT_CHARS and not has_tables:
        return Classification(
            False,
            "names a report but holds too little text (the report is probably an attachment)",
            None,
        )
    return Classification(True, None, template_for(year, table_template, sections))


def is_notice_title(title: str) -> bool:
    """A notice, letter or meeting about the reports (the shared words), by its title."""
    if _NOTICE_ENDING.search(title):
        return True
    return bool(REPORT_TITLE.search(title) and (NOTICE.search(title) or NOTICE_PREFIX.search(title)))


def listed_report_titles(text: str) -> set[str]:
    """Distinct report titles standing alone on their lines: the items of a list page.

    A column's list page is a bulleted list of "<body><year>年…年度报告" titles, each with
    its date; a report names at most itself (and maybe last year's report in a sentence).
    """
    found: set[str] = set()
    for line in text.splitlines():
        item = _LISTED_DATE.sub("", BULLET.sub("", line.strip()))
        plain = not any(mark in item for mark in "。，,；;")
        if plain and 8 <= len(item) <= 60 and YEAR.search(item) and REPORT_TITLE.search(item):
            found.add(item)
        elif len(item) > 60:  # titles one after another on one flattened line
            found.update(
                match.group(0) for match in _TITLE_IN_LINE.finditer(item)
                if _DATE_AFTER.match(item, match.end())
            )
    return found


def template_for(
    year: int | None, table_template: str | None, sections: dict[str, str]
) -> Template | None:
    if year is not None and year in LEGACY_YEARS:
        return "legacy"
    if table_template in ("2021", "2019"):
        return table_template  # type: ignore[return-value]
    if year is None or not sections:
        return None
    if year >= 2021:
        return "2021"
    if year >= 2019:
        return "2019"
    return None

"""Is this document an annual report, and which template does it follow?

Portals file many look-alikes beside the reports: notices telling departments to
compile or submit their reports, enterprise annual reports (企业年度报告公示), yearbooks,
"一图读懂" graphic digests, error pages. They must come out as `is_report: false` with a
reason a user can read, never as an exception and never with tables forced onto them.
The template comes from the tables when they were read; otherwise from the reporting
year, and reports for 2008-2018 are `legacy` whatever tables they carry, because the
pre-2019 statistics table has other rows and must never fill the 2019/2021 keys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.model import Template

_ERROR_PAGE = re.compile(
    r"404|页面不存在|页面未找到|找不到(?:该|此|您要访问的)?页面|访问的页面|"
    r"Not Found|无法访问|出错了|已被删除|信息不存在"
)
_NOTICE = re.compile(r"(?:关于|做好|报送|编制|编写|发布).*年度?报告.*(?:通知|函)$|通知$|^关于.*的函$")
_ENTERPRISE = re.compile(r"企业(?:年度报告|年报)|年报公示|年度报告公示")
_GRAPHIC = re.compile(r"一图读懂|一图看懂|图解|图说|动漫解读|视频解读")
_REPORT_TITLE = re.compile(r"政府信息公开.*(?:年度报告|年报)|(?:年度报告|年报).*政府信息公开")
_MIN_REPORT_CHARS = 200
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
    if body_chars < _MIN_REPORT_CHARS and _ERROR_PAGE.search(f"{title}\n{text}"):
        return Classification(False, "error page (page not found)", None)
    if _GRAPHIC.search(title):
        return Classification(False, f"graphic digest of a report, not the report: {title}", None)
    if _ENTERPRISE.search(title) or (not title and _ENTERPRISE.search(text[:500])):
        return Classification(False, "enterprise annual report (企业年度报告), not a government one", None)
    if "年鉴" in title:
        return Classification(False, f"yearbook, not an annual report: {title}", None)
    has_tables = table_template is not None
    # "关于印发《…年度报告》的通知" sometimes carries the whole report: the body decides.
    if _NOTICE.search(title) and not (has_tables and len(sections) >= 3):
        return Classification(False, f"notice, not a report: {title}", None)
    if not (_REPORT_TITLE.search(title) or len(sections) >= 3 or has_tables):
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

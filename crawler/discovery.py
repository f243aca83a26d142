"""Finding the annual reports on a portal: which links lead where, which titles are reports.

Portals differ in layout but agree on words: the disclosure section is 政府信息公开 / 信息公开
(zfxxgk, xxgk in URLs), its report column 政府信息公开年报 / 年度报告 (ndbg, nb), and report
titles follow "<机关><年份>年政府信息公开工作年度报告". The same words also appear in things
that are not reports — notices about compiling the reports, enterprise annual reports,
yearbooks, 一图读懂 graphics — so every title is classified, and look-alikes rejected with
the reason kept for the per-portal summary.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import unquote, urlsplit


class LinkKind(StrEnum):
    REPORT = "report"
    GRAPHIC = "graphic"  # 一图读懂 and friends: linked to the report, never taken for it
    NOTICE = "notice"  # about compiling / submitting / evaluating the reports
    ENTERPRISE = "enterprise"  # 企业年报: market-regulation filings, not disclosure reports
    YEARBOOK = "yearbook"
    OTHER = "other"


REJECTED_KINDS = frozenset({LinkKind.GRAPHIC, LinkKind.NOTICE, LinkKind.ENTERPRISE, LinkKind.YEARBOOK})


@dataclass(frozen=True)
class TitleClass:
    kind: LinkKind
    year: int | None
    reason: str = ""


def normalize(text: str) -> str:
    """NFKC (full-width digits and brackets) without any whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


YEAR = re.compile(r"((?:19|20)\d\d)(?=年|年度|\D|$)")
REPORT_WORDS = re.compile(r"(?:政府|政务)?信息公开(?:工作)?(?:\d{4}年度?)?(?:年度)?(?:工作)?(?:的)?(?:年度报告|年报|报告)")
GRAPHIC = re.compile(r"一图(?:读懂|看懂|解读|速览|了解)|图解|图说|图读|漫画|H5|长图|视频解读")
ENTERPRISE = re.compile(r"企业(?:年度)?年报|企业年度报告|年报公示|个体工商户|农民专业合作社|市场主体")
YEARBOOK = re.compile(r"年鉴")
NOTICE = re.compile(
    r"通知|通报|函$|的函|编制|报送|做好|撰写|填报|审核|核查|抽查|评议|评估|考核|检查|培训|会议|"
    r"模板|格式|说明会|意见征集|情况的报告$"
)
NOTICE_PREFIX = re.compile(r"^关于(?!.*\d{4}年度?政府信息公开工作(?:的)?年度报告$)")


def classify_title(title: str) -> TitleClass:
    """What a listed title is; reports carry the year they cover."""
    text = normalize(title)
    year_match = YEAR.search(text)
    year = int(year_match.group(1)) if year_match else None
    if GRAPHIC.search(text):
        return TitleClass(LinkKind.GRAPHIC, year, "graphic of a report")
    if ENTERPRISE.search(text):
        return TitleClass(LinkKind.ENTERPRISE, year, "enterprise annual report")
    if YEARBOOK.search(text):
        return TitleClass(LinkKind.YEARBOOK, year, "yearbook")
    if not REPORT_WORDS.search(text) or "信息公开" not in text or year is None:
        return TitleClass(LinkKind.OTHER, year)  # no year: a column name, not a report
    if NOTICE.search(text) or NOTICE_PREFIX.search(text):
        return TitleClass(LinkKind.NOTICE, year, "notice about the reports")
    return TitleClass(LinkKind.REPORT, year)


def path_words(url: str) -> list[str]:
    """The URL's path segments and query values, lower-cased, split on punctuation."""
    parts = urlsplit(url)
    return [w for w in re.split(r"[/_.\-=&?]+", unquote(parts.path + "?" + parts.query).lower()) if w]


DISCLOSURE_TEXT = re.compile(r"^(?:政府)?信息公开(?:专栏|平台|目录|网)?$|^政务公开$|^政府信息公开")
DISCLOSURE_URL_WORDS = {"zfxxgk", "xxgk", "zwgk", "gk", "xxgkml", "govinfo", "zfxxgkpt"}
NOT_DISCLOSURE_TEXT = re.compile(r"指南|制度|申请|年报|年度报告|规定|目录$")


def disclosure_score(text: str, url: str) -> int:
    """How strongly a homepage link looks like the way into the disclosure section (0 = not)."""
    text = normalize(text)
    if NOT_DISCLOSURE_TEXT.search(text):
        return 0
    score = 0
    if DISCLOSURE_TEXT.search(text):
        score += 2 if "信息公开" in text else 1
    if DISCLOSURE_URL_WORDS & set(path_words(url)):
        score += 1
    return score


COLUMN_TEXT = re.compile(r"年报|年度报告")
COLUMN_URL_WORDS = {"ndbg", "nb", "gknb", "xxgknb", "xxgkndbg", "zfxxgkndbg", "zfxxgknb", "gzndbg", "ndgzbg"}


def is_report_column(text: str, url: str) -> bool:
    """A link to a column listing annual reports (not to a single report, not 企业年报)."""
    text = normalize(text)
    if ENTERPRISE.search(text) or GRAPHIC.search(text):
        return False
    if COLUMN_TEXT.search(text):
        # "清河县2023年政府信息公开工作年度报告" is a report, not a column; columns have no year.
        return not YEAR.search(text) and len(text) <= 24
    return bool(COLUMN_URL_WORDS & set(path_words(url))) and not text[:1].isdigit() and len(text) <= 12


ORG_SUFFIX = re.compile(
    r"(?:局|委|委员会|办|办公室|镇|乡|街道|街道办事处|办事处|中心|院|所|站|队|政府|人民政府|"
    r"分局|管委会|管理委员会|工委|署|馆|会)(?:信息公开)?$"
)
ORG_LIST_TEXT = re.compile(r"^(?:部门|乡镇|乡镇街道|镇街|街道|区直部门|县直部门|市直部门|部门和乡镇|乡镇\(街道\))(?:信息公开|政府信息公开|公开)?$")


NOT_ORG_TEXT = re.compile(r"新闻|互动|首页|网站|地图|信箱|留言|专题|访谈|下载|帮助|登录|注册|English", re.I)


def is_org_section(text: str) -> bool:
    """A link to a department's, township's or street office's own disclosure pages."""
    text = normalize(text)
    if not text or len(text) > 24 or COLUMN_TEXT.search(text) or NOT_ORG_TEXT.search(text):
        return False
    return bool(ORG_SUFFIX.search(text) or ORG_LIST_TEXT.search(text))


def year_wanted(year: int | None, years: set[int] | None) -> bool:
    """The `-a years=` filter; a report whose title has no year is kept (the parser decides)."""
    return years is None or year is None or year in years

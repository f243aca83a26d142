"""Finding the annual reports on a portal: which links lead where, which titles are reports.

Portals differ in layout but agree on words: the disclosure section is 政府信息公开 / 信息公开
(zfxxgk, xxgk in URLs), its report column 政府信息公开年报 / 年度报告 (ndbg, nb), and report
titles follow "<机关><年份>年政府信息公开工作年度报告". The same words also appear in things
that are not reports — notices about compiling the reports, enterprise annual reports,
yearbooks, 一图读懂 graphics — so every title is classified, and look-alikes rejected with
the reason kept for the per-portal summary.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import unquote, urlsplit

# The report / look-alike vocabulary is the parser's, so both decide alike.
from parsers.vocabulary import (
    ANNUAL_WORDS,
    ENTERPRISE,
    GRAPHIC,
    NOTICE,
    NOTICE_PREFIX,
    OTHER_REPORT_WORDS,
    REPORT_TAILS,
    REPORT_WORDS,
    YEAR,
    YEARBOOK,
)


class LinkKind(StrEnum):
    REPORT = "report"
    GRAPHIC = "graphic"  # 一图读懂 and friends: linked to the report, never taken for it
    NOTICE = "notice"  # about compiling / submitting / evaluating the reports
    ENTERPRISE = "enterprise"  # 企业年报: market-regulation filings, not disclosure reports
    YEARBOOK = "yearbook"
    # Annual reports of another kind that share the words: 统计年报, 决算报告, 绩效报告...
    OTHER_REPORT = "other_report"
    OTHER = "other"


REJECTED_KINDS = frozenset({LinkKind.GRAPHIC, LinkKind.NOTICE, LinkKind.ENTERPRISE,
                            LinkKind.YEARBOOK, LinkKind.OTHER_REPORT})


@dataclass(frozen=True)
class TitleClass:
    kind: LinkKind
    year: int | None
    reason: str = ""


def normalize(text: str) -> str:
    """NFKC (full-width digits and brackets) without any whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


# List pages cut long titles short ("县教育局2023年政府信息公开工作年度...").
ELLIPSIS = re.compile(r"(?:\.{2,}|…+|。{2,})$")


def classify_title(title: str, *, column_year: int | None = None) -> TitleClass:
    """What a listed title is; reports carry the year they cover.

    ``column_year`` is the year of the column the title is listed in ("2023年"): many
    portals list "城关镇政府信息公开工作年度报告" under a year column and nowhere else say
    which year it covers. A title with no year outside such a column is a column name.
    """
    text = normalize(title)
    truncated = bool(ELLIPSIS.search(text))
    text = ELLIPSIS.sub("", text)
    year_match = YEAR.search(text)
    year = int(year_match.group(1)) if year_match else None
    if GRAPHIC.search(text):
        return TitleClass(LinkKind.GRAPHIC, year, "graphic of a report")
    if ENTERPRISE.search(text):
        return TitleClass(LinkKind.ENTERPRISE, year, "enterprise annual report")
    if YEARBOOK.search(text):
        return TitleClass(LinkKind.YEARBOOK, year, "yearbook")
    disclosure = "信息公开" in text and "环境信息" not in text
    if not disclosure:
        if (year or column_year) and ANNUAL_WORDS.search(text) and OTHER_REPORT_WORDS.search(text):
            return TitleClass(LinkKind.OTHER_REPORT, year or column_year, "another kind of annual report")
        return TitleClass(LinkKind.OTHER, year)
    if not (REPORT_WORDS.search(text) or (truncated and cut_report_title(text))):
        return TitleClass(LinkKind.OTHER, year)
    if NOTICE.search(text) or NOTICE_PREFIX.search(text):
        return TitleClass(LinkKind.NOTICE, year, "notice about the reports")
    if year is None:
        if column_year is None or not names_its_body(text):
            return TitleClass(LinkKind.OTHER, None)  # a column name, not a report
        year = column_year
    return TitleClass(LinkKind.REPORT, year)


def cut_report_title(text: str) -> bool:
    """A title cut short after 信息公开 whose remainder starts a report title's ending."""
    tail = text.rsplit("信息公开", 1)[1] if "信息公开" in text else None
    return tail is not None and any(ending.startswith(tail) for ending in REPORT_TAILS)


def names_its_body(text: str) -> bool:
    """"城关镇政府信息公开工作年度报告" names who reports; "政府信息公开年度报告" is a column."""
    body = re.split(r"(?:政府|政务)?信息公开", text, maxsplit=1)[0]
    return bool(re.sub(r"^关于|(?:19|20)\d\d年度?", "", body))


def column_year(title: str) -> int | None:
    """The year a column is named after ("2023年", "2023年度", "2023"), else None."""
    match = re.fullmatch(r"((?:19|20)\d\d)(?:年度?)?", normalize(title))
    return int(match.group(1)) if match else None


SCRIPTED_REDIRECT = re.compile(
    r"""(?:window\.|self\.|top\.|document\.)?location(?:\.href)?\s*=\s*["']([^"']+)["']|"""
    r"""location\.(?:replace|assign)\(\s*["']([^"']+)["']\s*\)"""
)


def scripted_redirects(html: str) -> list[str]:
    """Where a homepage that is only a script sends the browser (``location.href = "..."``).

    Many portals' ``/`` is such a stub in front of the real ``/index.shtml`` or
    ``/col/col123/index.html``; Scrapy follows ``<meta refresh>`` but runs no script.
    """
    return [a or b for a, b in SCRIPTED_REDIRECT.findall(html)]


def path_words(url: str) -> list[str]:
    """The URL's path segments and query values, lower-cased, split on punctuation."""
    parts = urlsplit(url)
    return [w for w in re.split(r"[/_.\-=&?]+", unquote(parts.path + "?" + parts.query).lower()) if w]


DISCLOSURE_TEXT = re.compile(r"^(?:政府)?信息公开(?:专栏|平台|目录|网)?$|^政务公开(?:专栏|平台)?$|^政府信息公开")
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
    host_label = (urlsplit(url).hostname or "").split(".")[0]  # xxgk.qinghe.gov.cn
    if DISCLOSURE_URL_WORDS & {*path_words(url), host_label}:
        score += 1
    return score


COLUMN_TEXT = re.compile(r"年报|年度报告|信息公开(?:工作)?报告")
COLUMN_URL_WORDS = {"ndbg", "nb", "gknb", "xxgknb", "xxgkndbg", "zfxxgkndbg", "zfxxgknb", "gzndbg", "ndgzbg"}


def is_report_column(text: str, url: str) -> bool:
    """A link to a column listing annual reports (not to a single report, not 企业年报,
    not the 统计年报 / 决算报告 columns beside it)."""
    text = normalize(text)
    if ENTERPRISE.search(text) or GRAPHIC.search(text):
        return False
    if OTHER_REPORT_WORDS.search(text) and "信息公开" not in text:
        return False
    if COLUMN_TEXT.search(text):
        # "清河县2023年政府信息公开工作年度报告" is a report, not a column; columns have no year.
        return not YEAR.search(text) and len(text) <= 24
    return bool(COLUMN_URL_WORDS & set(path_words(url))) and not text[:1].isdigit() and len(text) <= 12


ORG_SUFFIX = re.compile(
    r"(?:局|委|委员会|办|办公室|镇|乡|街道|街道办事处|办事处|中心|院|所|站|队|政府|人民政府|"
    r"分局|管委会|管理委员会|工委|署|馆|会)(?:信息公开)?$"
)
ORG_LIST_TEXT = re.compile(
    r"^(?:区直|县直|市直)?(?:部门|单位|乡镇|乡镇街道|镇街|街道|部门和乡镇|部门乡镇|乡镇\(街道\)|镇\(街道\))"
    r"(?:政府)?(?:信息公开|政务公开|公开)?(?:目录|平台|专栏)?$"
)


NOT_ORG_TEXT = re.compile(r"新闻|互动|首页|网站|地图|信箱|留言|专题|访谈|下载|帮助|登录|注册|English", re.I)


def is_org_section(text: str) -> bool:
    """A link to a department's, township's or street office's own disclosure pages."""
    text = normalize(text)
    if not text or len(text) > 24 or COLUMN_TEXT.search(text) or NOT_ORG_TEXT.search(text):
        return False
    return bool(ORG_SUFFIX.search(text) or ORG_LIST_TEXT.search(text))


SUBSECTION_TEXT = re.compile(
    r"^(?:法定)?主动公开(?:内容|目录|信息|政府信息)?$|^(?:政府)?信息公开目录$|^政府信息公开内容$"
)
SUBSECTION_URL_WORDS = {"fdzdgknr", "fdzdgk", "zdgk", "zdgknr", "zdgkml", "xxgkml"}


def is_subsection(text: str, url: str) -> bool:
    """A branch of the disclosure tree that holds the 年报 column: 法定主动公开内容 and kin."""
    text = normalize(text)
    if SUBSECTION_TEXT.search(text):
        return True
    return bool(SUBSECTION_URL_WORDS & set(path_words(url))) and not COLUMN_TEXT.search(text) \
        and not NOT_DISCLOSURE_TEXT.search(text) and len(text) <= 12 and "公开" in text


def portal_domain(url: str) -> str:
    """The domain a portal's pages live under, subdomains included.

    A county's own gov.cn domain (``www.qinghe.gov.cn`` -> ``qinghe.gov.cn``) covers the
    ``xxgk.`` / ``zwgk.`` hosts its disclosure section often lives on; a county hosted
    under its city's or province's domain (``wzs.hainan.gov.cn``) gets only its own host,
    or it would wander into its neighbours' and the province's sites.
    """
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    labels = host.split(".")
    if host.endswith(".gov.cn") and len(labels) >= 3:
        registrable = ".".join(labels[-3:])
        if host in (registrable, "www." + registrable):
            return registrable
    return host.removeprefix("www.")


Scope = frozenset[tuple[str, str]]  # (domain, path prefix) pairs a portal's crawl keeps to


def portal_scope(homepage: str, entries: Iterable[str | None] = ()) -> Scope:
    """Where a portal's crawl may go: its domain, and the registry's known entry points.

    An entry on another domain is usually the county's corner of a shared platform
    (``xxgk.<province>.gov.cn/<county>/``): only its folder is the portal's, the rest of the
    platform belongs to the neighbours.
    """
    scope = frozenset({(portal_domain(homepage), "/")})
    for entry in entries:
        if entry:
            scope = widened(scope, entry)
    return scope


def widened(scope: Scope, url: str) -> Scope:
    """The scope plus a place the portal itself sent us (a registry entry, a redirect).

    A site root brings its whole domain (the portal moved to a new domain); a deeper URL
    only its folder (the portal's corner of a shared platform).
    """
    if in_scope(url, scope):
        return scope
    parts = urlsplit(url)
    folder = parts.path.rsplit("/", 1)[0] + "/"
    if folder == "/":
        return scope | {(portal_domain(url), "/")}
    return scope | {((parts.hostname or "").lower(), folder)}


def in_scope(url: str, scope: Scope, *, leaf: bool = False) -> bool:
    """Whether a URL is within a portal's scope (its domains and their subdomains).

    ``leaf`` (a report page listed in the portal's own column) may sit anywhere on an entry's
    host: shared platforms file documents outside the county's folder.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    path = parts.path or "/"
    return any((host == domain or host.endswith("." + domain)) and (leaf or path.startswith(prefix))
               for domain, prefix in scope)


def year_wanted(year: int | None, years: set[int] | None) -> bool:
    """The `-a years=` filter; a report whose title has no year is kept (the parser decides)."""
    return years is None or year is None or year in years

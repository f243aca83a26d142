"""The demo and test portal sets, built from content, and their "a month later" state.

A scenario is a list of portals (content + the CMS family that renders it + the faults the
server injects). What must end up in the archive follows from the content, so tests
derive their expectations from here rather than hard-coding URLs.
"""

from __future__ import annotations

import copy
import csv
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from demo.content import Attachment, Column, PortalContent, ReportDoc
from demo.families import FAMILIES, build_site
from demo.reportgen import CLEAN, Variant, report_text, to_docx, to_html, to_pdf
from demo.site import Site

DISALLOWED_PREFIX = "/internal/"


@dataclass
class ScenarioPortal:
    family: str
    content: PortalContent
    # Slugs of listed documents that must never reach the archive as content (soft 404s,
    # robots-disallowed links); look-alikes are excluded by construction.
    excluded: set[str] = field(default_factory=set)
    # Faults the server injects; `first_run` is False for the "a month later" crawl, when
    # transient faults (500s, slowness) are over but moved pages and soft 404s remain.
    faults: Callable[[Site, bool], None] | None = None

    def expected_reports(self) -> list[ReportDoc]:
        return [d for c in self.content.columns for d in c.reports if d.slug not in self.excluded]


@dataclass
class Mutation:
    """What changed between the crawl and the crawl a month later (slugs)."""

    revised: str
    removed: str
    added: str


def report(org: str, year: int, *, slug: str | None = None, revision: int = 0,
           attachments: list[Attachment] | None = None, attachment_only: bool = False,
           published: str | None = None, variant: Variant = CLEAN) -> ReportDoc:
    seed = f"{org}-{year}"
    text = report_text(org, year, seed, revision, variant)
    return ReportDoc(
        slug=slug or f"ndbg{year}{zlib.crc32(seed.encode()) % 10000:04d}",
        title=text.title,
        year=year,
        date=published or f"{year + 1}-01-{20 + year % 7:02d}",
        body_html="" if attachment_only else to_html(text),
        attachments=attachments or [],
        attachment_only=attachment_only,
    )


def pdf_of(org: str, year: int, filename: str, style: str = "relative") -> Attachment:
    return Attachment(filename, to_pdf((org, year, f"{org}-{year}", 0)), style)  # type: ignore[arg-type]


def docx_of(org: str, year: int, filename: str, style: str = "relative") -> Attachment:
    return Attachment(filename, to_docx((org, year, f"{org}-{year}", 0)), style)  # type: ignore[arg-type]


def lookalikes(org: str, year: int) -> list[ReportDoc]:
    """Titles a naive crawler would take for reports; discovery must reject every one."""
    date = f"{year + 1}-01-05"
    notice = "<p>各单位：现就做好年度报告编制和报送工作通知如下。</p>"
    return [
        ReportDoc("tz-bz", f"关于做好{year}年政府信息公开工作年度报告编制和报送工作的通知", year, date, notice),
        ReportDoc("qynb", f"关于开展{year}年度企业年报公示工作的通知", year, f"{year + 1}-01-06", notice),
        ReportDoc("nj", f"{org}年鉴（{year}）", year, f"{year + 1}-01-07", "<p>年鉴目录</p>"),
        ReportDoc("ytdd", f"一图读懂{org}{year}年政府信息公开工作年度报告", year,
                  f"{year + 1}-01-31", "<p><img src='/images/ytdd.png' alt='一图读懂'></p>"),
    ]


def standard_portal(portal_id: str, name: str, code: str, family: str, *, years: range,
                    encoding: str = "utf-8") -> ScenarioPortal:
    """A portal with its own column (reports for `years` plus look-alikes) and a department."""
    dept = name.removesuffix("人民政府") + "发展和改革局"
    columns = [
        Column("政府信息公开年报", [report(name, y) for y in years], lookalikes(name, years[-1])),
        Column(dept, [report(dept, y) for y in years[-2:]], slug="fgj"),
    ]
    return ScenarioPortal(family, PortalContent(portal_id, name, code, encoding, columns))


def many_classic_portals(count: int, reports: int, *, name: str, id_prefix: str,
                         first_year: int) -> list[ScenarioPortal]:
    """`count` classic-family portals, each with one 年报 column of `reports` distinct
    reports from `first_year` on (10 per list page): the benchmarks' crawl load.

    `name` is a format string taking the portal's index, e.g. "基准{:03d}县人民政府".
    """
    portals = []
    for index in range(count):
        org = name.format(index)
        docs = [report(org, first_year + n, slug=f"r{n:03d}", published=f"{first_year + n + 1}-01-15")
                for n in range(reports)]
        content = PortalContent(f"{id_prefix}{index:04d}", org, f"{110101 + index:06d}",
                                columns=[Column("政府信息公开年报", docs)])
        portals.append(ScenarioPortal("classic", content))
    return portals


def fixture() -> list[ScenarioPortal]:
    """Every trap in one set: the test suite and the demo crawl this."""
    county = "清河县人民政府"
    edu, town = "清河县教育局", "城关镇人民政府"
    own = [report(county, y) for y in range(2017, 2025)]
    soft = ReportDoc("gone-page", f"{county}2016年政府信息公开工作年度报告", 2016, "2017-03-30", "<p>x</p>")
    hidden = ReportDoc(DISALLOWED_PREFIX + "draft-2015.html",
                       f"{county}2015年政府信息公开工作年度报告（征求意见稿）", 2015, "2016-03-30", "<p>x</p>")
    edu_reports = [
        report(edu, 2023, attachments=[pdf_of(edu, 2023, "附件1.pdf"),
                                       docx_of(edu, 2023, "清河县教育局2023年报告.docx", "percent")]),
        report(edu, 2024),
    ]
    town_reports = [
        report(town, 2023, attachment_only=True,
               attachments=[pdf_of(town, 2023, "城关镇2023年政府信息公开工作年度报告.pdf", "raw_chinese")]),
        report(town, 2024, attachments=[docx_of(town, 2024, "城关镇2024年年报.docx", "downfile")]),
    ]
    classic = PortalContent("qinghe", county, "130534", "utf-8", [
        Column("政府信息公开年报", [*own, soft, hidden], lookalikes(county, 2024)),
        Column(edu, edu_reports, slug="jyj"),
        Column(town, town_reports, slug="cgz"),
    ], robots_disallow=[DISALLOWED_PREFIX])
    by_year = {d.year: d.slug for d in own}

    def classic_faults(site: Site, first_run: bool) -> None:
        move(site, by_year[2020])
        site.soft_404(site.doc_paths[soft.slug])
        if first_run:
            site.fail_times(site.doc_paths[by_year[2022]], 2)
            site.slow(site.doc_paths[by_year[2021]], 1.5)

    gbk_name = "喆城区人民政府"  # 喆 is in GBK but not GB2312, and the page declares gb2312
    gbk = standard_portal("zhecheng", gbk_name, "410105", "classic", years=range(2021, 2024),
                          encoding="gbk")
    gbk.content.columns[0].reports[0].attachments = [
        pdf_of(gbk_name, 2021, "喆城区2021年度报告.pdf", "downfile")]
    portals = [
        ScenarioPortal("classic", classic, {soft.slug, hidden.slug}, classic_faults),
        gbk,
    ]
    codes = iter(["320102", "330106", "440305", "510104", "610113"])
    for family in FAMILIES:
        if family != "classic":
            portals.append(standard_portal(f"{family}-demo", f"{family.upper()}示范县人民政府",
                                           next(codes), family, years=range(2014, 2025)))
    return portals


def move(site: Site, slug: str) -> None:
    """The page moved: the old URL answers 301 to the new one, as after a CMS migration."""
    old = site.doc_paths[slug]
    new = old.replace(".html", "_1.html")
    site.add(new, site.pages.pop(old))
    site.redirect(old, new)
    site.doc_paths[slug] = new
    site.doc_paths[f"{slug}@moved_from"] = old


def a_month_later(portals: list[ScenarioPortal]) -> tuple[list[ScenarioPortal], Mutation]:
    """One report revised, one removed (now 404), one added; every other byte unchanged."""
    later = copy.deepcopy(portals)
    own = later[0].content.columns[0]
    county = later[0].content.name
    by_year = {d.year: d for d in own.reports}
    revised = by_year[2023]
    revised.body_html = to_html(report_text(county, 2023, f"{county}-2023", revision=1))
    own.reports.remove(by_year[2019])
    added = report(county, 2025)
    own.reports.append(added)
    return later, Mutation(revised=revised.slug, removed=by_year[2019].slug, added=added.slug)


def build_sites(portals: list[ScenarioPortal], base_urls: dict[str, str], *,
                first_run: bool = True) -> dict[str, Site]:
    sites = {}
    for portal in portals:
        site = build_site(portal.family, portal.content, base_urls[portal.content.id])
        if portal.faults:
            portal.faults(site, first_run)
        sites[portal.content.id] = site
    return sites


def write_registry(path: str | Path, portals: list[ScenarioPortal], base_urls: dict[str, str]) -> Path:
    """The scenario as a registry CSV, so the spider reads fixtures exactly like real portals."""
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "name", "region_code", "level", "url"])
        for portal in portals:
            content = portal.content
            writer.writerow([content.id, content.name, content.region_code, "county",
                             base_urls[content.id] + "/"])
    return path


READER_PORTAL = "xiushui"
READER_DEPARTMENT = "秀水县财政局"
# What the reader's portal shows, by year: its own reports miss 2021; the 2023 report's
# printed 本年新收 total is 3 more than its parts, so two identities fail (the row's sum
# and the 总计 column's balance); the department's 2023 report prints "/" for
# empty rows and leaves one 自然人 cell empty (inferred from the row's 总计); its 2024
# report came out in April, after the 31 January deadline, and is revised a month later.
READER_FAILING = Variant(misprinted_totals=(("一、本年新收政府信息公开申请数量", 3),))
READER_BLANK_INFERRED = Variant(
    blank_rows=("2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确", "2.重复申请"),
    unprinted=(("一、本年新收政府信息公开申请数量", 0),),
)


def reader_portal() -> ScenarioPortal:
    """A portal whose reports show every reader feature of the archive."""
    county = "秀水县人民政府"
    own = [
        report(county, 2019, variant=Variant(template="2019")),
        report(county, 2020, variant=Variant(template="2019")),
        report(county, 2022),
        report(county, 2023, variant=READER_FAILING),
        report(county, 2024),
    ]
    department = [
        report(READER_DEPARTMENT, 2023, variant=READER_BLANK_INFERRED),
        report(READER_DEPARTMENT, 2024, published="2025-04-18"),
    ]
    content = PortalContent(READER_PORTAL, county, "140105", "utf-8", [
        Column("政府信息公开年报", own, lookalikes(county, 2024)),
        Column(READER_DEPARTMENT, department, slug="czj"),
    ])
    return ScenarioPortal("classic", content)


def demo() -> list[ScenarioPortal]:
    """What `zfxxgk demo` serves: the fixture set (every CMS family, every trap) and the
    reader's portal (a failing report, blank and inferred cells, the 2019 template, a late
    report, a missing year; `revised_later` revises one report for the second crawl)."""
    return [*fixture(), reader_portal()]


def revised_later(portals: list[ScenarioPortal]) -> list[ScenarioPortal]:
    """The demo a month later: the department's late 2024 report revised, nothing else."""
    later = copy.deepcopy(portals)
    portal = next(p for p in later if p.content.id == READER_PORTAL)
    revised = portal.content.columns[1].reports[-1]
    revised.body_html = to_html(
        report_text(READER_DEPARTMENT, 2024, f"{READER_DEPARTMENT}-2024", revision=1))
    return later


SCENARIOS: dict[str, Callable[[], list[ScenarioPortal]]] = {"demo": demo, "fixture": fixture}

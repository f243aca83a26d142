"""Fixture portals laid out the way real county portals are, on their own host names.

The CMS-family fixtures test paging; these test finding the reports at all. Each layout
reproduces one seen on real portals:

- the disclosure section on its own host (``xxgk.<county>.gov.cn``), linked from the
  homepage only inside a CSS dropdown menu (Zhejiang's Hanweb sites: ``/col/colNNN/``);
- a left-nav tree where 政府信息公开年报 is a branch of 法定主动公开内容 (fdzdgknr) with one
  column per year, listing the reports of the government, its offices and townships, titles
  cut short with "..." (full title only in the ``title`` attribute, or nowhere) and the year
  only in the column name;
- 部门信息公开 / 乡镇（街道）信息公开 indexes of dozens of units, each unit page repeating the
  whole unit menu, each unit with its own 年报 column;
- the way in as an image-map ``<area>`` or an image link with only ``alt`` text, a ``/``
  that is only a script redirect to the real homepage, and a registry URL on a domain the
  portal has left (301 to the new one);
- a provincial-platform path (``/zfxxgk/fdzdgknr/ndbg/``, Jiangsu), departments on their own
  subdomain (``jyj.<county>.gov.cn``) and JSP lists with ``?cat_id=`` (Sichuan);
- a county hosted under its province's domain (``wzs.hainan.gov.cn``) whose section is a
  folder of the province's shared disclosure platform (``xxgk.hainan.gov.cn``), known from
  the registry's ``disclosure_url``, next to its neighbours' folders;
- look-alikes beside the reports (统计年报, 决算报告, 绩效报告, a company's 年度报告) and
  links to the national platform, the province and a neighbouring county, which the crawl
  must never enter.

Host names resolve to the portals' loopback addresses through `FixtureResolver`, which a
crawl installs with ``-s TWISTED_DNS_RESOLVER=demo.realworld.FixtureResolver
-s FIXTURE_HOSTS=<json>``; every other name fails, so nothing leaves the machine.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer
from twisted.internet.error import DNSLookupError

from demo.reportgen import report_text, to_html
from demo.site import Page, Site

# Portals of the registry (id, name, region code, homepage host) and every host served.
QYX, BXX, CCX, WZS = "qingyuan", "beixi", "changchuan", "wuzhi"
PLATFORM = "xxgk.hnsheng.gov.cn"  # a province's shared disclosure platform
PORTALS = [  # id, name, region code, homepage host, disclosure section (registry) or None
    (QYX, "清源县人民政府", "331081", "www.qyx.gov.cn", None),
    (BXX, "北溪县人民政府", "321023", "www.bxx.gov.cn", None),
    (CCX, "长川县人民政府", "510683", "www.ccxian.gov.cn", None),  # moved to www.ccx.gov.cn
    (WZS, "五指市人民政府", "469001", "wzs.hnsheng.gov.cn", (PLATFORM, "/wzs/index.html")),
]
NATIONAL, PROVINCE, NEIGHBOUR = "www.gov.cn", "www.hbsheng.gov.cn", "www.lsx.gov.cn"
HOSTS = ["www.qyx.gov.cn", "xxgk.qyx.gov.cn", "www.bxx.gov.cn", "www.ccxian.gov.cn", "www.ccx.gov.cn",
         "jyj.ccx.gov.cn", "wzs.hnsheng.gov.cn", PLATFORM, NATIONAL, PROVINCE, NEIGHBOUR]
DEPARTMENTS = [
    "教育局", "公安局", "民政局", "司法局", "财政局", "人力资源和社会保障局", "自然资源局",
    "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局", "文化和旅游局",
    "卫生健康局", "退役军人事务局", "应急管理局", "审计局", "市场监督管理局", "统计局",
    "医疗保障局", "林业局", "发展和改革局", "人民政府办公室", "综合行政执法局",
]
TOWNSHIPS = ["城关镇", "东城街道", "西城街道", "李家乡", "石桥镇", "白马镇"]


class FixtureResolver(CachingThreadedResolver):
    """Resolves the fixture's host names from the ``FIXTURE_HOSTS`` setting, nothing else."""

    hosts: dict[str, str]

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> FixtureResolver:
        resolver = super().from_crawler(crawler, reactor)
        resolver.hosts = json.loads(crawler.settings.get("FIXTURE_HOSTS") or "{}")
        return resolver

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> defer.Deferred[str]:  # noqa: N802 - Twisted API
        address = self.hosts.get(name.lower())
        if address is None:
            return defer.fail(DNSLookupError(f"{name} is not a fixture host"))
        return defer.succeed(address)


@dataclass
class RealWorld:
    """The served sites and what a crawl of them must (and must not) produce."""

    port: int
    sites: dict[str, Site] = field(default_factory=dict)  # host -> its pages
    expected: dict[str, set[str]] = field(default_factory=dict)  # portal id -> report URLs
    lookalikes: set[str] = field(default_factory=set)  # URLs that must never be archived
    # host -> path prefixes the crawl must never request (columns of look-alikes)
    never_requested: dict[str, list[str]] = field(default_factory=dict)

    def url(self, host: str, path: str = "/") -> str:
        return f"http://{host}:{self.port}{path}"

    def site(self, host: str) -> Site:
        return self.sites.setdefault(host, Site())

    def page(self, host: str, path: str, title: str, body: str) -> None:
        html = (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(title)}</title>'
                f'</head><body>{body}<div class="footer">{escape(title)}</div></body></html>')
        self.site(host).add(path, Page(html.encode()))

    def report(self, portal_id: str, host: str, path: str, org: str, year: int) -> str:
        """A report page (what the archive's parser reads as a report); returns its title."""
        text = report_text(org, year, f"{org}-{year}")
        self.page(host, path, text.title,
                  f'<meta name="ArticleTitle" content="{escape(text.title)}">'
                  f'<div class="article">{to_html(text)}</div>')
        self.expected.setdefault(portal_id, set()).add(self.url(host, path))
        return text.title

    def lookalike(self, host: str, path: str, title: str) -> str:
        self.page(host, path, title, f"<h1>{escape(title)}</h1><p>{escape(title)}正文。</p>")
        self.lookalikes.add(self.url(host, path))
        return title


def links(items: list[tuple[str, str]], css: str = "list") -> str:
    return f'<ul class="{css}">' + "".join(
        f'<li><a href="{escape(href)}">{escape(text)}</a></li>' for href, text in items) + "</ul>"


def outside_links(world: RealWorld) -> str:
    """What every county homepage's footer links: places the crawl must not enter."""
    return links([
        (world.url(NATIONAL, "/zhengce/xxgk/index.htm"), "政府信息公开平台"),
        (world.url(PROVINCE, "/xxgk/index.html"), "信息公开"),
        (world.url(NEIGHBOUR, "/"), "临水县人民政府"),
    ], "friends")


def outside_sites(world: RealWorld) -> None:
    """The national platform, the province and the neighbour each publish reports too."""
    for host, org in [(NATIONAL, "国务院办公厅"), (PROVINCE, "河北省人民政府"), (NEIGHBOUR, "临水县人民政府")]:
        world.page(host, "/", org, links([("/xxgk/index.html", "政府信息公开")]))
        world.page(host, "/zhengce/xxgk/index.htm", org, links([("/xxgk/ndbg/", "政府信息公开年报")]))
        world.page(host, "/xxgk/index.html", org, links([("/xxgk/ndbg/", "政府信息公开年报")]))
        title = f"{org}2023年政府信息公开工作年度报告"
        world.page(host, "/xxgk/ndbg/", "年报", links([("/xxgk/ndbg/t1.html", title)]))
        world.lookalike(host, "/xxgk/ndbg/t1.html", title)


def qingyuan(world: RealWorld) -> None:
    """Zhejiang-style: xxgk. host behind a dropdown, 年报 tree by year, unit indexes."""
    www, xxgk = "www.qyx.gov.cn", "xxgk.qyx.gov.cn"
    county = "清源县人民政府"
    world.page(www, "/", county, (
        '<ul class="nav"><li><a href="/">首页</a></li><li><a href="/col/col11/index.html">政务动态</a></li>'
        '<li class="drop"><span>政务公开</span><ul class="dropdown">'
        f'<li><a href="{world.url(xxgk)}">政府信息公开</a></li>'
        '<li><a href="/col/col12/index.html">政策解读</a></li></ul></li>'
        '<li><a href="/col/col13/index.html">互动交流</a></li></ul>' + outside_links(world)))
    for path in ("/col/col11/index.html", "/col/col12/index.html", "/col/col13/index.html"):
        world.page(www, path, county, "<p>栏目内容</p>")
    tree = (
        '<ul class="tree"><li><a href="/col/col1001/index.html">政府信息公开指南</a></li>'
        '<li><a href="/col/col1002/index.html">政府信息公开制度</a></li>'
        '<li><a href="/col/col1100/index.html">法定主动公开内容</a></li>'
        '<li><a href="/col/col1200/index.html">部门信息公开</a></li>'
        '<li><a href="/col/col1300/index.html">乡镇（街道）信息公开</a></li></ul>')
    world.page(xxgk, "/", "清源县政府信息公开", tree + outside_links(world))
    world.page(xxgk, "/col/col1001/index.html", "指南", tree)
    world.page(xxgk, "/col/col1002/index.html", "制度", tree)

    # 法定主动公开内容: 年报 is a branch of the tree (a label, not a link) with one column a
    # year; beside it the columns of other annual reports, and a "latest" list mixing them.
    fdzdgknr = (
        '<ul class="tree"><li><a href="/col/col1100/index.html">法定主动公开内容</a><ul>'
        '<li><a href="/col/col1101/index.html">机构职能</a></li>'
        '<li><a href="/col/col1103/index.html">财政预决算</a></li>'
        '<li><a href="/col/col1104/index.html">统计年报</a></li>'
        '<li><span>政府信息公开年报</span><ul>'
        '<li><a href="/col/col1111/index.html">2023年</a></li>'
        '<li><a href="/col/col1112/index.html">2022年</a></li></ul></li></ul></li></ul>')
    world.never_requested[xxgk] = ["/col/col1103/", "/col/col1104/"]
    latest = [
        ("/art/2024/3/1/art_1104_1.html", world.lookalike(xxgk, "/art/2024/3/1/art_1104_1.html", "清源县2023年统计年报")),
        ("/art/2024/3/2/art_1103_1.html", world.lookalike(xxgk, "/art/2024/3/2/art_1103_1.html", "清源县2023年度财政决算报告")),
        ("/art/2024/3/3/art_1103_2.html", world.lookalike(
            xxgk, "/art/2024/3/3/art_1103_2.html", "清源县财政局2023年度部门整体支出绩效报告")),
        ("/art/2024/3/4/art_1101_1.html", world.lookalike(
            xxgk, "/art/2024/3/4/art_1101_1.html", "清源县城市建设投资有限公司2023年度报告")),
    ]
    world.page(xxgk, "/col/col1100/index.html", "法定主动公开内容", fdzdgknr + links(latest, "latest"))
    world.page(xxgk, "/col/col1101/index.html", "机构职能", fdzdgknr)
    for year, col in ((2023, "1111"), (2022, "1112")):
        column = f"/col/col{col}/"
        own = f"/art/{year + 1}/1/20/art_{col}_1.html"
        office = f"/art/{year + 1}/1/21/art_{col}_2.html"
        cut = f"/art/{year + 1}/1/22/art_{col}_3.html"
        full = world.report(QYX, xxgk, own, county, year)
        world.report(QYX, xxgk, office, "清源县人民政府办公室", year)
        world.report(QYX, xxgk, cut, "清源县机关事务管理中心", year)
        company = world.lookalike(xxgk, f"/art/{year + 1}/4/1/art_{col}_9.html",
                                  f"清源县水务集团有限公司{year}年度报告")
        items = (
            # the title attribute holds what the text cuts short
            f'<li><a href="{own}" title="{escape(full)}">{escape(full[:18])}...</a><span>{year + 1}-01-20</span></li>'
            # the year only in the column name
            f'<li><a href="{office}">清源县人民政府办公室政府信息公开工作年度报告</a></li>'
            # cut short, no title attribute
            f'<li><a href="{cut}">清源县机关事务管理中心{year}年政府信息公开工作年度...</a></li>'
            f'<li><a href="/art/{year + 1}/4/1/art_{col}_9.html">{escape(company)}</a></li>'
        )
        world.page(xxgk, column + "index.html", f"{year}年", fdzdgknr + f'<ul class="list">{items}</ul>')

    # Unit indexes: dozens of units, each page repeating the whole unit menu.
    units = [(f"/col/col2{i:03d}/index.html", f"清源县{name}") for i, name in enumerate(DEPARTMENTS)]
    towns = [(f"/col/col3{i:03d}/index.html", name) for i, name in enumerate(TOWNSHIPS)]
    world.page(xxgk, "/col/col1200/index.html", "部门信息公开", tree + links(units, "units"))
    world.page(xxgk, "/col/col1300/index.html", "乡镇（街道）信息公开", tree + links(towns, "units"))
    for path, org in units + towns:
        base = path.removesuffix("index.html")
        column = base.replace("/col/col", "/col/col9")
        menu = links(units + towns, "unit-menu")
        world.page(xxgk, path, org, tree + links([
            (base + "jgzn.html", "机构职能"), (column + "index.html", "政府信息公开年报")], "own") + menu)
        reports = []
        for year in (2023, 2022) if org in dict(units).values() else (2023,):
            detail = f"{column}t{year}.html"
            reports.append((detail, world.report(QYX, xxgk, detail, org, year)))
        accounts = f"{column}js2023.html"
        reports.append((accounts, world.lookalike(xxgk, accounts, f"{org}2023年度部门决算报告")))
        world.page(xxgk, column + "index.html", "政府信息公开年报", tree + links(reports))


def beixi(world: RealWorld) -> None:
    """Jiangsu-style provincial platform path, entered through an image-map area on a
    homepage that ``/`` only reaches by a script redirect."""
    www, county = "www.bxx.gov.cn", "北溪县人民政府"
    world.page(www, "/", county, '<script type="text/javascript">window.location.href="/index.shtml";</script>')
    world.page(www, "/index.shtml", county, (
        '<img src="/images/nav.png" usemap="#nav" alt="">'
        '<map name="nav"><area shape="rect" coords="0,0,120,40" href="/col/col5/index.html" alt="政府信息公开">'
        '<area shape="rect" coords="120,0,240,40" href="/col/col6/index.html" alt="新闻中心"></map>'
        + outside_links(world)))
    world.page(www, "/col/col6/index.html", "新闻中心", "<p>新闻</p>")
    world.page(www, "/col/col5/index.html", "政府信息公开", links([
        ("/zfxxgk/zn/index.html", "政府信息公开指南"), ("/zfxxgk/fdzdgknr/index.html", "法定主动公开内容")]))
    world.page(www, "/zfxxgk/fdzdgknr/index.html", "法定主动公开内容", links([
        ("/zfxxgk/fdzdgknr/zcwj/index.html", "政策文件"), ("/zfxxgk/fdzdgknr/ndbg/index.html", "年度报告"),
        ("/zfxxgk/fdzdgknr/tjxx/index.html", "统计信息")]))
    world.never_requested[www] = ["/zfxxgk/fdzdgknr/tjxx/"]
    items = []
    for year in range(2023, 2016, -1):
        path = f"/zfxxgk/fdzdgknr/ndbg/{year + 1}03/t{year + 1}0325_{year}.html"
        items.append((path, world.report(BXX, www, path, county, year)))
    notice = "/zfxxgk/fdzdgknr/ndbg/202401/t20240105_1.html"
    items.insert(0, (notice, world.lookalike(
        www, notice, "关于做好2023年政府信息公开工作年度报告编制和发布工作的通知")))
    world.page(www, "/zfxxgk/fdzdgknr/ndbg/index.html", "年度报告",
               links(items[:5]) + '<a href="index_1.html">下一页</a>')
    world.page(www, "/zfxxgk/fdzdgknr/ndbg/index_1.html", "年度报告",
               links(items[5:]) + '<a href="index.html">上一页</a>')


def changchuan(world: RealWorld) -> None:
    """Sichuan-style JSP lists, an image link as the way in, a department on a subdomain;
    the registry still has the old domain, which answers 301 to the new one."""
    www, jyj, county = "www.ccx.gov.cn", "jyj.ccx.gov.cn", "长川县人民政府"
    world.site("www.ccxian.gov.cn").redirect("/", world.url(www, "/"))
    world.page(www, "/", county, (
        '<div class="banner"><a href="/info/index.jsp"><img src="/images/xxgk.png" alt="信息公开"></a>'
        '<a href="/news/index.jsp"><img src="/images/xw.png" alt="新闻"></a></div>' + outside_links(world)))
    world.page(www, "/news/index.jsp", "新闻", "<p>新闻</p>")
    world.page(www, "/info/index.jsp", "长川县政府信息公开", links([
        ("/info/iList.jsp?cat_id=15971", "法定主动公开内容"),
        ("/info/iList.jsp?cat_id=15980", "部门信息公开")]))
    world.page(www, "/info/iList.jsp?cat_id=15971", "法定主动公开内容", links([
        ("/info/iList.jsp?cat_id=15972", "政策文件"), ("/info/iList.jsp?cat_id=15990", "政府信息公开年报")]))
    world.page(www, "/info/iList.jsp?cat_id=15980", "部门信息公开", links([
        (world.url(jyj, "/zfxxgk/index.html"), "长川县教育局")]))
    items = []
    for year in (2023, 2022, 2021):
        path = f"/info/iDetail.jsp?cat_id=15990&info_id={year}01"
        title = world.report(CCX, www, path, county, year)
        items.append(f'<li><a href="{escape(path)}" title="{escape(title)}">{escape(title[:16])}…</a></li>')
    world.page(www, "/info/iList.jsp?cat_id=15990", "政府信息公开年报", f'<ul class="list">{"".join(items)}</ul>')
    world.page(jyj, "/zfxxgk/index.html", "长川县教育局", links([("/zfxxgk/fdzdgknr/index.html", "法定主动公开内容")]))
    world.page(jyj, "/zfxxgk/fdzdgknr/index.html", "法定主动公开内容", links([
        ("/zfxxgk/fdzdgknr/ndbg/index.html", "政府信息公开年度报告")]))
    reports = []
    for year in (2023, 2022):
        path = f"/zfxxgk/fdzdgknr/ndbg/t{year}.html"
        reports.append((path, world.report(CCX, jyj, path, "长川县教育局", year)))
    world.page(jyj, "/zfxxgk/fdzdgknr/ndbg/index.html", "年度报告", links(reports))


def wuzhi(world: RealWorld) -> None:
    """A county folder on its province's shared platform, beside a neighbour's folder."""
    home, county = "wzs.hnsheng.gov.cn", "五指市人民政府"
    world.page(home, "/", county, links([(world.url(PLATFORM, "/wzs/index.html"), "政府信息公开")])
               + outside_links(world))
    units = [("/wzs/index.html", "五指市人民政府"), ("/qh/index.html", "琼海市人民政府")]
    world.page(PLATFORM, "/wzs/index.html", "五指市政府信息公开", links([
        ("/wzs/ndbg/index.html", "政府信息公开年报")]) + links(units, "platform-units"))
    items = []
    for year in (2023, 2022):
        # the platform files documents by date, outside the county's folder
        path = f"/xxgk/0200/{year + 1}01/t{year + 1}0120_wzs.html"
        items.append((path, world.report(WZS, PLATFORM, path, county, year)))
    world.page(PLATFORM, "/wzs/ndbg/index.html", "政府信息公开年报", links(items) + links(units, "platform-units"))
    world.page(PLATFORM, "/qh/index.html", "琼海市政府信息公开", links([("/qh/ndbg/index.html", "政府信息公开年报")]))
    title = "琼海市人民政府2023年政府信息公开工作年度报告"
    world.page(PLATFORM, "/qh/ndbg/index.html", "年报", links([("/xxgk/0200/202401/t20240120_qh.html", title)]))
    world.lookalike(PLATFORM, "/xxgk/0200/202401/t20240120_qh.html", title)
    world.never_requested[PLATFORM] = ["/qh/"]


def build(port: int) -> RealWorld:
    world = RealWorld(port)
    for host in HOSTS:
        world.site(host)
    outside_sites(world)
    qingyuan(world)
    beixi(world)
    changchuan(world)
    wuzhi(world)
    return world


def write_registry(path: str | Path, world: RealWorld) -> Path:
    """The counties as a registry CSV (the outside sites are not portals of ours)."""
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "name", "region_code", "level", "url", "disclosure_url"])
        for portal_id, name, code, host, section in PORTALS:
            writer.writerow([portal_id, name, code, "county", world.url(host),
                             world.url(*section) if section else ""])
    return path

"""The real `scrapy crawl county_portals` against portals laid out like real county portals.

One crawl of three counties (see `demo.realworld`), each on gov.cn host names that
the crawl resolves to loopback: the disclosure section on an ``xxgk.`` host behind a
dropdown, a 年报 tree by year under 法定主动公开内容, unit indexes of dozens of departments
and townships, image-map and image-link entrances, a department on its own subdomain, look-
alikes everywhere and links to the national platform, the province and a neighbour.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from demo.realworld import (
    BXX,
    CCX,
    DEPARTMENTS,
    HOSTS,
    NATIONAL,
    NEIGHBOUR,
    PLATFORM,
    PROVINCE,
    QYX,
    TOWNSHIPS,
    WZS,
    RealWorld,
    build,
    write_registry,
)
from demo.server import PortalServer
from tests.support.crawl import query, run_crawl

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("realworld")
    with PortalServer() as server:
        addresses = server.bind(HOSTS)
        port = urlsplit(next(iter(addresses.values()))).port
        assert port is not None
        world = build(port)
        server.start(world.sites)
        registry = write_registry(tmp / "portals.csv", world)
        hosts = {host: urlsplit(url).hostname for host, url in addresses.items()}
        result = run_crawl(registry, tmp / "archive.db", extra={
            "TWISTED_DNS_RESOLVER": "demo.realworld.FixtureResolver",
            "FIXTURE_HOSTS": json.dumps(hosts),
        }, timeout=90)
        assert result.returncode == 0, result.log[-3000:]
        yield {"world": world, "db": tmp / "archive.db", "log": result.log}


def archived(db: Path, portal_id: str | None = None) -> set[str]:
    sql = "SELECT url FROM documents WHERE kind = 'report_page'"
    rows = query(db, sql + " AND portal_id = ?", (portal_id,)) if portal_id else query(db, sql)
    return {url for (url,) in rows}


def test_every_portal_finds_all_its_reports(crawled):
    world: RealWorld = crawled["world"]
    for portal_id in (QYX, BXX, CCX, WZS):
        assert archived(crawled["db"], portal_id) == world.expected[portal_id], portal_id
    # By hand: 清源 2 years x 3 in the year columns + 24 departments x 2 + 6 townships x 1;
    # 北溪 2017-2023 over two list pages; 长川 2021-2023 + its education bureau's 2022-2023;
    # 五指 2022-2023 on the provincial platform.
    assert [len(world.expected[p]) for p in (QYX, BXX, CCX, WZS)] == \
        [6 + 2 * len(DEPARTMENTS) + len(TOWNSHIPS), 7, 5, 2]


def test_section_on_its_own_subdomain_is_entered(crawled):
    world: RealWorld = crawled["world"]
    on_xxgk = {u for u in archived(crawled["db"], QYX) if urlsplit(u).hostname == "xxgk.qyx.gov.cn"}
    assert on_xxgk == world.expected[QYX]
    assert world.url("jyj.ccx.gov.cn", "/zfxxgk/fdzdgknr/ndbg/t2023.html") in archived(crawled["db"], CCX)


def test_portal_that_moved_domain_is_followed(crawled):
    """长川's registry URL (www.ccxian.gov.cn) answers 301 to www.ccx.gov.cn."""
    world: RealWorld = crawled["world"]
    assert [r.path for r in world.sites["www.ccxian.gov.cn"].log] == ["/robots.txt", "/"]
    assert {urlsplit(u).hostname for u in archived(crawled["db"], CCX)} == {"www.ccx.gov.cn", "jyj.ccx.gov.cn"}


def test_year_only_in_column_and_cut_titles_are_taken(crawled):
    """Listed as "清源县人民政府办公室政府信息公开工作年度报告" under "2023年", and as
    "清源县机关事务管理中心2023年政府信息公开工作年度..." with no title attribute."""
    world: RealWorld = crawled["world"]
    got = archived(crawled["db"], QYX)
    for year, column in ((2023, "1111"), (2022, "1112")):
        assert world.url("xxgk.qyx.gov.cn", f"/art/{year + 1}/1/21/art_{column}_2.html") in got
        assert world.url("xxgk.qyx.gov.cn", f"/art/{year + 1}/1/22/art_{column}_3.html") in got
    listed = query(crawled["db"], "SELECT url, anchor_text FROM documents WHERE url = ?",
                   (world.url("xxgk.qyx.gov.cn", "/art/2024/1/20/art_1111_1.html"),))
    assert listed[0][1] == "清源县人民政府2023年政府信息公开工作年度报告"  # the title attribute, not "..."


def test_every_unit_of_the_indexes_is_crawled(crawled):
    """24 departments and 6 townships, each unit page listing all 30: none lost to the limit."""
    world: RealWorld = crawled["world"]
    unit_columns = {urlsplit(u).path.rsplit("/", 1)[0] for u in archived(crawled["db"], QYX)
                    if "/col/col9" in u}
    assert len(unit_columns) == len(DEPARTMENTS) + len(TOWNSHIPS)
    log = world.sites["xxgk.qyx.gov.cn"].requested("/col/col2")
    assert len({r.path for r in log}) == len(DEPARTMENTS)  # each unit page fetched once


def test_lookalikes_are_rejected_not_archived(crawled):
    world: RealWorld = crawled["world"]
    urls = set(query_column(crawled["db"], "SELECT url FROM documents"))
    assert not urls & world.lookalikes
    rejected = {link["url"]: link["reason"] for s in summaries(crawled["db"]) for link in s["rejected_links"]}
    on_portals = {u for u in world.lookalikes if urlsplit(u).hostname not in (NATIONAL, PROVINCE, NEIGHBOUR)}
    reasons = {rejected[u] for u in on_portals if u in rejected}
    assert {"another kind of annual report", "enterprise annual report", "notice about the reports"} <= reasons
    for host, prefixes in world.never_requested.items():  # the 统计年报 / 决算 columns
        for prefix in prefixes:
            assert world.sites[host].requested(prefix) == [], (host, prefix)


def test_never_wanders_off_the_portals(crawled):
    """The national platform, the province and a neighbour are linked from every homepage."""
    world: RealWorld = crawled["world"]
    for host in (NATIONAL, PROVINCE, NEIGHBOUR):
        assert world.sites[host].log == [], host
    hosts = {urlsplit(u).hostname for u in query_column(crawled["db"], "SELECT url FROM documents")}
    assert hosts == {"xxgk.qyx.gov.cn", "www.bxx.gov.cn", "www.ccx.gov.cn", "jyj.ccx.gov.cn", PLATFORM}


def test_shared_platform_keeps_to_the_county_folder(crawled):
    """五指's section is /wzs/ on the province's platform; 琼海's /qh/ is linked from it."""
    world: RealWorld = crawled["world"]
    assert world.sites[PLATFORM].requested("/qh/") == []
    assert world.sites[PLATFORM].requested("/wzs/ndbg/")


def query_column(db: Path, sql: str) -> list:
    return [row[0] for row in query(db, sql)]


def summaries(db: Path) -> list[dict]:
    return [json.loads(s) for s in query_column(db, "SELECT summary FROM run_portals")]

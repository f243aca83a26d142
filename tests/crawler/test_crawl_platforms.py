"""End to end: provincial-platform lists, declared totals and the rendering fallback.

One real `scrapy crawl` of: the TRS 动静结合 portal (20 documents, 10 static, the rest from
``POST /fjdzapp/search``), the same portal with its search API answering 500, a portal whose
pager only a script draws (rendered in the system Chromium), and one portal of each demo
CMS family and of the other provincial platforms (Guangdong's gkmlpt, Zhejiang's Hanweb),
which must never need the browser.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from demo.scenarios import ScenarioPortal, standard_portal
from demo.server import PortalServer
from demo.site import Site
from tests.support.crawl import query, run_crawl, serve
from tests.support.platforms import COLUMN_SIZE, platform_portal

pytestmark = pytest.mark.e2e

SEARCH = "/fjdzapp/search"
ROWS_PREFIX = "/zfxxgk/ndbg/list_"  # where the script-drawn pager loads further rows from
# The demo families and the other provincial platforms: none may need the browser.
OTHER_FAMILIES = ("classic", "trs", "hanweb", "jsonapi", "querypage", "gkmlpt", "hanweb_zj")


def api_down(site: Site, first_run: bool) -> None:
    site.fail_times(SEARCH, 1000, 500)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("platforms")
    broken = platform_portal("trslist-500", "trslist", "坛西县人民政府")
    broken.faults = api_down
    # robots.txt forbids the rows files the script loads: the browser must not get them either.
    forbidden = platform_portal("jspager-robots", "jspager", "禁抓县人民政府", "350182")
    forbidden.content.robots_disallow = [ROWS_PREFIX]
    portals: list[ScenarioPortal] = [
        platform_portal("trslist", "trslist", "平岚县人民政府"),
        broken,
        platform_portal("jspager", "jspager", "脚本县人民政府", "350181"),
        forbidden,
        *[standard_portal(f"{family}-p", f"{family.upper()}对照县人民政府", "130534", family,
                          years=range(2021, 2025))
          for family in OTHER_FAMILIES],
    ]
    with PortalServer() as server:
        urls = serve(server, portals, tmp / "portals.csv")
        result = run_crawl(tmp / "portals.csv", tmp / "archive.db", timeout=400)
        assert result.returncode == 0, result.log[-4000:]
        yield {"portals": {p.content.id: p for p in portals}, "urls": urls, "db": tmp / "archive.db",
               "sites": dict(server.sites), "log": result.log}


def archived(db: Path, portal_id: str) -> set[str]:
    rows = query(db, "SELECT url FROM documents WHERE kind = 'report_page' AND portal_id = ?", (portal_id,))
    return {url for (url,) in rows}


def expected(crawled, portal_id: str, column: int | None = None) -> set[str]:
    portal, site = crawled["portals"][portal_id], crawled["sites"][portal_id]
    columns = portal.content.columns if column is None else [portal.content.columns[column]]
    return {crawled["urls"][portal_id] + site.doc_paths[d.slug] for c in columns for d in c.reports}


def summary(db: Path, portal_id: str) -> dict:
    (row,) = query(db, "SELECT summary FROM run_portals WHERE portal_id = ?", (portal_id,))
    return json.loads(row[0])


def column(summary: dict, path: str) -> dict:
    (found,) = [c for c in summary["columns"] if c["url"].endswith(path)]
    return found


def test_trs_platform_column_is_archived_whole(crawled):
    got = archived(crawled["db"], "trslist")
    assert len(expected(crawled, "trslist", 0)) == COLUMN_SIZE
    assert got == expected(crawled, "trslist")  # 20 + the department's 2
    posts = crawled["sites"]["trslist"].requested(SEARCH)
    assert {r.method for r in posts} == {"POST"}
    assert {(r.form["channelid"], r.form["classsql"], r.form["page"], r.form["prepage"]) for r in posts} \
        == {("229105", "chnlid=1813", "2", "10")}
    own = column(summary(crawled["db"], "trslist"), "/zwgk/zfxxgk/ndbg/")
    assert (own["declared"], own["listed"], own["rendered"]) == (20, 20, False)
    assert summary(crawled["db"], "trslist")["short_columns"] == 0


def test_api_down_is_flagged_declared_20_listed_10(crawled):
    got = archived(crawled["db"], "trslist-500")
    static = sorted(expected(crawled, "trslist-500", 0))
    assert len(got & set(static)) == 10  # the static first page only
    s = summary(crawled["db"], "trslist-500")
    own = column(s, "/zwgk/zfxxgk/ndbg/")
    assert (own["declared"], own["listed"]) == (20, 10)
    assert s["short_columns"] == 1
    assert "declared 20, listed 10" in crawled["log"]


def test_script_pager_is_crawled_through_the_browser(crawled):
    assert archived(crawled["db"], "jspager") == expected(crawled, "jspager")
    own = column(summary(crawled["db"], "jspager"), "/zfxxgk/ndbg/index.html")
    assert (own["declared"], own["listed"], own["rendered"]) == (20, 20, True)
    # The browser's requests went through Scrapy: the site saw the rows file requested.
    assert crawled["sites"]["jspager"].requested("/zfxxgk/ndbg/list_2.htm")


def test_the_browser_obeys_robots_txt(crawled):
    site = crawled["sites"]["jspager-robots"]
    assert site.requested("/zfxxgk/ndbg/index.html")  # the page itself was rendered
    assert site.requested(ROWS_PREFIX) == []  # what robots.txt forbids never reached the site
    own = column(summary(crawled["db"], "jspager-robots"), "/zfxxgk/ndbg/index.html")
    assert (own["declared"], own["listed"], own["rendered"]) == (20, 10, True)


def test_only_short_columns_are_rendered(crawled):
    (stats,) = query(crawled["db"], "SELECT stats FROM crawl_runs")
    # jspager's column, the one behind robots.txt, the broken API's: once each
    assert json.loads(stats[0]).get("zfxxgk/renders") == 3
    rendered = {pid for pid in crawled["portals"]
                if any(c["rendered"] for c in summary(crawled["db"], pid)["columns"])}
    assert rendered == {"jspager", "jspager-robots", "trslist-500"}
    for pid in crawled["portals"]:
        if pid not in rendered:
            assert summary(crawled["db"], pid)["short_columns"] == 0, pid


def test_other_families_are_crawled_whole_without_the_browser(crawled):
    for family in OTHER_FAMILIES:
        pid = f"{family}-p"
        assert archived(crawled["db"], pid) == expected(crawled, pid), family

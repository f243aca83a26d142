"""The platform adapters, declared totals, and navigation words, on fixture pages (in process)."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

import pytest
import scrapy
from parsel import Selector
from scrapy.http import HtmlResponse, TextResponse

from crawler.adapters import ADAPTERS, adapter_named, pick_adapter
from crawler.adapters.base import ADAPTER_META_KEY, CONTEXT_META_KEY, ListEntry, is_pager_link
from crawler.adapters.numbered import NumberedAdapter
from crawler.adapters.totals import declared_in_text
from crawler.adapters.trslist import TrsListAdapter
from crawler.coverage import ColumnLedger, column_of
from crawler.items import CrawlEvent
from crawler.summary import PortalSummary
from tests.support.adapters import BASE_URL, Portal, column_url, fetch, make_portal, walk
from tests.support.platforms import COLUMN_SIZE, platform_portal


def portal(family: str) -> Portal:
    from demo.families import build_site

    scenario = platform_portal(f"{family}-t", family, "平岚县人民政府")
    return Portal(family, scenario.content, build_site(family, scenario.content, BASE_URL), BASE_URL)


@pytest.fixture(scope="module")
def trslist() -> Portal:
    return portal("trslist")


def test_trs_platform_page_is_claimed_by_its_adapter_only(trslist):
    response = fetch(trslist.site, column_url(trslist, 0))
    assert [a.name for a in ADAPTERS if a.detect(response)] == ["trslist", "numbered"]


def test_trs_platform_first_page_static_rows_then_the_search_api(trslist):
    response = fetch(trslist.site, column_url(trslist, 0))
    adapter = TrsListAdapter()
    assert [e.url for e in adapter.entries(response)] == trslist.document_urls(0)[:10]
    assert adapter.declared_total(response) == COLUMN_SIZE  # recordCount: '20'
    (request,) = adapter.next_requests(response)
    assert request.method == "POST" and request.url == BASE_URL + "/fjdzapp/search"
    form = dict(parse_qsl(request.body.decode()))
    # channelid comes from SiteInfo.searchId, defined elsewhere in the page.
    assert form == {"channelid": "229105", "sortfield": "-docorderpri,-docreltime",
                    "classsql": "chnlid=1813", "classcol": "publishyear", "classnum": "100",
                    "classsort": "0", "cache": "true", "prepage": "10", "page": "2"}
    assert request.meta[ADAPTER_META_KEY] == "trslist"


def test_trs_platform_walk_lists_all_twenty_in_order(trslist):
    pages = walk(trslist.site, TrsListAdapter(), column_url(trslist, 0))
    assert [u for _, entries in pages for u in entries] == trslist.document_urls(0)
    titles = [e.title for response, _ in pages for e in TrsListAdapter().entries(response)]
    assert titles == [d.title for d in trslist.documents(0)]


def test_trs_platform_answer_fields_in_any_case(trslist):
    column = column_url(trslist, 0)
    request = scrapy.Request(BASE_URL + "/fjdzapp/search", method="POST", body=b"page=2&prepage=10",
                             meta={"trslist_page": column})
    answer = {"PAGECOUNT": 3, "DATA": [
        {"DocTitle": "平岚县人民政府2009年政府信息公开工作年度报告", "ChnlDocUrl": "./201001/t20100120_1.html",
         "DOCRELTIME": "2010-01-20 09:00:00"},
        {"doctitle": "平岚县人民政府2008年政府信息公开工作年度报告", "docpuburl": BASE_URL + "/x/t2.html",
         "docreltime": "2009-01-20"},
    ]}
    response = TextResponse(request.url, body=json.dumps(answer).encode(), encoding="utf-8", request=request)
    entries = TrsListAdapter().entries(response)
    assert [(e.url, e.date) for e in entries] == [
        (column + "201001/t20100120_1.html", "2010-01-20"), (BASE_URL + "/x/t2.html", "2009-01-20")]
    assert [dict(parse_qsl(r.body.decode()))["page"] for r in TrsListAdapter().next_requests(response)] == ["3"]


def test_trs_platform_page_without_the_search_index_asks_nothing():
    html = ("<html><body><dl><dt><a href='a.html'>x</a></dt><dd>2024-01-02</dd></dl><script>"
            "listModel({quickMode: '动静结合', listArgs: {channelid: SiteInfo.searchId}, "
            "pagebar: {prepage: 10, recordCount: '20'}});</script></body></html>")
    response = HtmlResponse(BASE_URL + "/l/", body=html.encode(), encoding="utf-8")
    assert TrsListAdapter.detect(response)
    assert TrsListAdapter().next_requests(response) == []
    assert TrsListAdapter().declared_total(response) == 20  # still declared: the alarm rings


@pytest.mark.parametrize(("text", "declared"), [
    ("pagebar: {prepage: 10, recordCount: '20'}", 20),
    ('jpage({perPage:15, totalRecord:62, groupSize:3})', 62),
    ("<datastore><totalrecord>7</totalrecord></datastore>", 7),
    ("<span>共 35 条</span> 共4页", 35),
    ("<span>共有128条记录</span>", 128),
    ("共4页 第1页", None),
    ("<p>no total here: 20 reports</p>", None),
])
def test_declared_totals_are_read_from_scripts_and_text(text, declared):
    assert declared_in_text(text) == declared


def test_six_argument_trs_pager_declares_its_records():
    trs = make_portal("trs")
    response = fetch(trs.site, column_url(trs, 1))  # the units' columns use the newer call
    assert adapter_named("trs").declared_total(response) == len(trs.documents(1))


def nav(html: str) -> list[bool]:
    return [is_pager_link(a) for a in Selector(text=html).css("a")]


def test_navigation_words_page_only_inside_a_pager_element():
    assert nav('<div class="header"><a href="/">首页</a><a href="/back">返回</a></div>') == [False, False]
    assert nav('<div class="page"><a href="index.html">首页</a><a href="index_3.html">尾页</a></div>') == [True, True]
    assert nav('<div id="page_div"><span><a href="index_1.html">上一页</a></span></div>') == [True]
    assert nav('<div class="m-pagination"><a href="?p=1">首页</a></div>') == [True]
    assert nav('<div class="homepage-nav"><a href="/">首页</a></div>') == [False]
    # 下一页 and page numbers page a list wherever they sit.
    assert nav('<p><a href="index_1.html">下一页</a> <a href="index_2.html">3</a></p>') == [True, True]


def test_header_home_link_is_no_pager_link_of_a_classic_list():
    classic = make_portal("classic")
    response = fetch(classic.site, column_url(classic, 0))
    assert b'<div class="header"><a href="/">' in response.body
    urls = [r.url for r in NumberedAdapter().next_requests(response)]
    assert BASE_URL + "/" not in urls
    assert urls and all(u.startswith(BASE_URL + "/zfxxgk/ndbg/index") for u in urls)


def test_script_pager_page_declares_more_than_it_lists():
    page = portal("jspager")
    response = fetch(page.site, column_url(page, 0))
    adapter = pick_adapter(response)
    assert adapter.name == "numbered"
    assert adapter.declared_total(response) == COLUMN_SIZE
    assert adapter.next_requests(response) == []  # the header's 首页 is not followed
    ledger = ColumnLedger()
    event = ledger.note("p", response.url, 20, adapter.entries(response), context={})
    assert len(event.listed) == 10  # the dated rows, not the header's links
    (short,) = ledger.to_render()
    assert short.url == response.url and ledger.to_render() == []  # rendered once


def test_further_pages_count_for_the_column_of_their_first_page():
    first = HtmlResponse(BASE_URL + "/l/", body=b"<html></html>", request=scrapy.Request(
        BASE_URL + "/l/", meta={CONTEXT_META_KEY: {"portal": "p", "column": "elsewhere"}}))
    assert column_of(first) == BASE_URL + "/l/"  # reached by discovery: a column of its own
    further = HtmlResponse(BASE_URL + "/l/2", body=b"<html></html>", request=scrapy.Request(
        BASE_URL + "/l/2", meta={CONTEXT_META_KEY: {"portal": "p", "column": BASE_URL + "/l/"},
                                 ADAPTER_META_KEY: "numbered"}))
    assert column_of(further) == BASE_URL + "/l/"


def test_summary_flags_columns_that_listed_fewer_than_declared():
    summary = PortalSummary("p")
    entries = [ListEntry(f"{BASE_URL}/d{i}.html", "t", "2024-01-01") for i in range(10)]
    ledger = ColumnLedger()
    for event in (ledger.note("p", "/a/", 20, entries, context={}),
                  ledger.note("p", "/a/", None, entries[:5], context={}),  # a repeat adds nothing
                  ledger.note("p", "/b/", 10, entries, context={}),
                  ledger.note("p", "/c/", None, entries[:3], context={})):
        summary.add_event(event)
    summary.add_event(CrawlEvent("p", "listed", "/d0.html"))
    row = summary.as_dict()
    assert row["columns"] == [
        {"url": "/a/", "declared": 20, "listed": 10, "rendered": False},
        {"url": "/b/", "declared": 10, "listed": 10, "rendered": False},
        {"url": "/c/", "declared": None, "listed": 3, "rendered": False},
    ]
    assert row["short_columns"] == 1 and "column_counts" not in row
    json.dumps(row)  # stored as JSON


def test_summary_reads_the_same_whatever_order_its_events_arrived_in():
    """Concurrent answers (and distributed workers) reach columns and look-alikes in any
    order; the stored summary of one portal must not depend on it."""
    entries = [ListEntry(f"{BASE_URL}/d{i}.html", "t", "2024-01-01") for i in range(3)]
    ledger = ColumnLedger()
    events = [ledger.note("p", f"/{name}/", None, entries, context={}) for name in ("jyj", "cgz")]
    events += [CrawlEvent("p", "rejected", f"/{n}.html", detail="yearbook", title=n) for n in "zab"]
    forward, backward = PortalSummary("p"), PortalSummary("p")
    for event in events:
        forward.add_event(event)
    for event in reversed(events):
        backward.add_event(event)
    assert forward.as_dict() == backward.as_dict()
    assert [c["url"] for c in forward.as_dict()["columns"]] == ["/cgz/", "/jyj/"]


def test_an_adapter_missing_part_of_the_contract_cannot_be_made():
    from crawler.adapters.base import ListAdapter

    class Half(ListAdapter):
        name = "half"

        @classmethod
        def detect(cls, response):
            return True

        def entries(self, response):
            return []

    with pytest.raises(TypeError, match="next_requests"):
        Half()


def test_registry_cms_pins_the_family_tried_first():
    # A TRS page whose links also carry ?page=N: detection picks TRS, the pin querypage.
    html = ("<html><body><ul><li><a href='list.jsp?page=2'>2</a></li></ul><script>"
            "createPageHTML(3, 0, 'index', 'html');</script></body></html>")
    response = HtmlResponse(BASE_URL + "/list.jsp", body=html.encode(), encoding="utf-8")
    assert pick_adapter(response).name == "trs"
    assert pick_adapter(response, "querypage").name == "querypage"
    assert pick_adapter(response, "hanweb").name == "trs"  # a pin that does not detect: ignored


def test_registry_cms_must_name_an_adapter(tmp_path):
    from crawler.registry import RegistryError, load_registry

    path = tmp_path / "r.csv"
    path.write_text("id,name,region_code,level,url,cms\n"
                    "a,甲县,350128,county,https://www.a.gov.cn/,trslist\n", encoding="utf-8")
    assert load_registry(path)[0].cms == "trslist"
    path.write_text("id,name,region_code,level,url,cms\n"
                    "a,甲县,350128,county,https://www.a.gov.cn/,trs-list\n", encoding="utf-8")
    with pytest.raises(RegistryError, match=r"r.csv:2: cms 'trs-list' is not one of"):
        load_registry(path)


PROVINCE_FAMILIES = {"gkmlpt": "gkmlpt", "hanweb_zj": "hanweb"}  # fixture family -> adapter


@pytest.fixture(scope="module")
def provincial() -> dict[str, Portal]:
    from demo.families import build_site
    from demo.scenarios import standard_portal

    found = {}
    for family in PROVINCE_FAMILIES:
        scenario = standard_portal(f"{family}-t", "省平台示范县人民政府", "440305", family,
                                   years=range(2014, 2025))
        found[family] = Portal(family, scenario.content,
                               build_site(family, scenario.content, BASE_URL), BASE_URL)
    return found


@pytest.mark.parametrize("family", sorted(PROVINCE_FAMILIES))
@pytest.mark.parametrize("column", [0, 1])
def test_provincial_platform_columns_are_walked_whole(provincial, family, column):
    portal = provincial[family]
    start = column_url(portal, column)
    response = fetch(portal.site, start)
    assert [a.name for a in ADAPTERS if a.detect(response)][0] == PROVINCE_FAMILIES[family]
    adapter = pick_adapter(response)
    assert adapter.declared_total(response) == len(portal.documents(column))
    pages = walk(portal.site, adapter, start)
    assert [u for _, entries in pages for u in entries] == portal.document_urls(column)


def test_gkmlpt_reads_the_category_from_the_fragment_and_pages_the_api(provincial):
    portal = provincial["gkmlpt"]
    start = column_url(portal, 0)
    assert start.endswith("/gkmlpt/index#2395")
    pages = walk(portal.site, pick_adapter(fetch(portal.site, start)), start)
    assert [r.url.split("?")[1] for r, _ in pages[1:]] == ["page=1&sid=755041", "sid=755041&page=2"]
    shell = fetch(portal.site, start.split("#")[0])  # no fragment: the tree's 年报 category
    assert [r.url for r in pick_adapter(shell).next_requests(shell)] == [
        BASE_URL + "/gkmlpt/api/all/2395?page=1&sid=755041"]


def test_zhejiang_hanweb_posts_to_its_own_proxy_path(provincial):
    portal = provincial["hanweb_zj"]
    walk(portal.site, pick_adapter(fetch(portal.site, column_url(portal, 0))), column_url(portal, 0))
    assert portal.site.requested("/module/jpage/dataproxy.jsp")
    assert not portal.site.requested("/module/web/jpage/")


def test_bundled_registry_pins_only_platforms_confirmed_for_their_host():
    import csv
    from urllib.parse import urlsplit

    from crawler.registry import BUNDLED_REGISTRY, load_registry

    def host_of(url: str) -> str:
        return (urlsplit(url).hostname or "").removeprefix("www.")

    with BUNDLED_REGISTRY.with_name("platforms.csv").open(encoding="utf-8") as handle:
        confirmed = {row["host"]: row["cms"] for row in csv.DictReader(handle)}
    pinned = {p.id: p.cms for p in load_registry() if p.cms}
    assert pinned == {p.id: confirmed[host_of(p.url)] for p in load_registry()
                      if host_of(p.url) in confirmed}
    assert set(pinned.values()) == {"trslist", "gkmlpt", "hanweb", "querypage"}
    assert len(pinned) == len(confirmed) == 15  # every confirmed host is a bundled portal's


def test_sichuan_ilist_pages_by_cur_page():
    from crawler.adapters.querypage import QueryPageAdapter

    rows = "".join(f'<li><a href="/info/iDetail.jsp?cat_id=15971&info_id={i}" title="绵竹市{2024 - i}年报">'
                   f"绵竹市{2024 - i}年报</a><span>2024-01-{10 + i}</span></li>" for i in range(3))
    html = (f'<html><body><div class="ewb-job"><ul>{rows}</ul></div><div class="page">'
            '<a href="iList.jsp?node_id=GKmzs&cat_id=15971&cur_page=2">2</a>'
            '<a href="iList.jsp?node_id=GKmzs&cat_id=15971&cur_page=3">尾页</a></div></body></html>')
    url = BASE_URL + "/info/iList.jsp?node_id=GKmzs&cat_id=15971&cur_page=1"
    response = HtmlResponse(url, body=html.encode(), encoding="utf-8", request=scrapy.Request(url))
    assert pick_adapter(response).name == "querypage"
    assert [r.url.rsplit("=", 1)[1] for r in QueryPageAdapter().next_requests(response)] == ["2", "3"]
    assert len(QueryPageAdapter().entries(response)) == 3


def test_a_mistyped_browser_path_stops_the_crawl_with_a_clear_error(tmp_path):
    from scrapy.utils.test import get_crawler

    from crawler.rendering import ListRenderer

    crawler = get_crawler(settings_dict={"RENDER_BROWSER": str(tmp_path / "chromum")})
    with pytest.raises(ValueError, match="chromum' is not an executable file"):
        ListRenderer.from_crawler(crawler)
    import sys

    crawler = get_crawler(settings_dict={"RENDER_BROWSER": sys.executable, "RENDER_MAX_PAGES": 3,
                                         "RENDER_TIMEOUT": 9})
    renderer = ListRenderer.from_crawler(crawler)
    assert (renderer.max_pages, renderer.timeout_ms) == (3, 9000)

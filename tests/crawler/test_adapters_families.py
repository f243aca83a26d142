"""The CMS-family adapters against the pages of fixture portals of each family.

The standard fixture portal has 15 documents in its own column (11 reports, 4 look-alikes)
and 2 in a department's column; each family pages them its own way (sizes in the family
modules), so the expected further pages below are counted by hand from those sizes.
"""

from __future__ import annotations

import pytest

from crawler.adapters import ADAPTERS
from crawler.adapters.base import ADAPTER_META_KEY, CONTEXT_META_KEY
from demo.families.querypage import page_param
from tests.support.adapters import (
    FAMILY_ADAPTERS,
    column_url,
    fetch,
    link,
    make_portal,
    walk,
)

FAMILIES = sorted(FAMILY_ADAPTERS)


@pytest.fixture(scope="module")
def portals():
    return {family: make_portal(family) for family in [*FAMILIES, "classic"]}


@pytest.mark.parametrize("family", [*FAMILIES, "classic"])
def test_each_list_page_is_claimed_by_its_own_family_first(portals, family):
    portal = portals[family]
    for column in (0, 1):
        response = fetch(portal.site, column_url(portal, column))
        claimed = [a.name for a in ADAPTERS if a.detect(response)]
        expected = FAMILY_ADAPTERS[family].name if family != "classic" else "numbered"
        assert claimed[0] == expected
        assert claimed[1:] in ([], ["numbered"]), f"{claimed} all claim {response.url}"


@pytest.mark.parametrize("family", FAMILIES)
def test_no_family_claims_the_homepage_or_the_disclosure_section(portals, family):
    portal = portals[family]
    home = fetch(portal.site, portal.url("/"))
    section = fetch(portal.site, link(home, "政府信息公开"))
    for response in (home, section):
        assert [a.name for a in ADAPTERS if a.detect(response)] == ["numbered"]


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("column", [0, 1])
def test_walking_a_column_lists_every_document_once_in_order(portals, family, column):
    portal = portals[family]
    adapter = FAMILY_ADAPTERS[family]()
    pages = walk(portal.site, adapter, column_url(portal, column))
    listed = [url for _, entries in pages for url in entries]
    assert listed == portal.document_urls(column)
    if column == 0:  # 15 documents: every family pages them over three or more pages
        assert sum(1 for _, entries in pages if entries) >= 3


@pytest.mark.parametrize("family", FAMILIES)
def test_entries_carry_the_listed_title_and_date(portals, family):
    portal = portals[family]
    adapter = FAMILY_ADAPTERS[family]()
    entries = [e for response, _ in walk(portal.site, adapter, column_url(portal, 0))
               for e in adapter.entries(response)]
    expected = [(d.title, d.date) for d in portal.documents(0)]
    assert [(e.title, e.date) for e in entries] == expected


def test_gbk_portal_titles_decode_with_gbk_only_characters(portals):
    portal = portals["trs"]
    assert portal.content.encoding == "gbk"
    response = fetch(portal.site, column_url(portal, 0))
    assert b"charset=gb2312" in response.body and "charset" not in response.headers.get(
        "Content-Type", b"").decode()
    titles = [e.title for e in FAMILY_ADAPTERS["trs"]().entries(response)]
    assert "喆城区人民政府2024年政府信息公开工作年度报告" in titles


def next_urls(adapter, response):
    return [r.url for r in adapter.next_requests(response)]


def test_trs_pages_come_from_the_create_page_html_count(portals):
    portal = portals["trs"]
    adapter = FAMILY_ADAPTERS["trs"]()
    first = fetch(portal.site, column_url(portal, 0))
    assert first.url == portal.url("/zwgk/zfxxgk/ndbg/")
    assert b"createPageHTML(countPage, currentPage" in first.body  # the four-argument call
    assert not [a for a in first.css("a::attr(href)").getall() if "index_" in a]  # no links
    assert next_urls(adapter, first) == [portal.url("/zwgk/zfxxgk/ndbg/index_1.html"),
                                         portal.url("/zwgk/zfxxgk/ndbg/index_2.html")]
    second = fetch(portal.site, portal.url("/zwgk/zfxxgk/ndbg/index_1.html"))
    assert next_urls(adapter, second) == [portal.url("/zwgk/zfxxgk/ndbg/index_2.html")]
    last = fetch(portal.site, portal.url("/zwgk/zfxxgk/ndbg/index_2.html"))
    assert next_urls(adapter, last) == []
    # A department column uses the newer six-argument call: 2 documents, one per page.
    dept = fetch(portal.site, column_url(portal, 1))
    assert b"createPageHTML('page_div',2, 1,'index','html',2)" in dept.body
    assert next_urls(adapter, dept) == [portal.url("/zwgk/zfxxgk/bmxxgk/fgj/ndbg/index_1.html")]


def test_querypage_reads_the_total_beyond_the_pager_window(portals):
    portal = portals["querypage"]
    adapter = FAMILY_ADAPTERS["querypage"]()
    first = fetch(portal.site, column_url(portal, 0))
    assert first.url == portal.url("/xxgk/list.aspx?cid=12")
    param = page_param(portal.content)  # which of page/pageIndex/p/pageNo this portal uses
    numbers = [a for a in first.css(".pager a::text").getall() if a.isdigit()]
    assert numbers == ["2", "3"]  # the window: pages 4 and 5 only via 共5页 / 尾页
    assert "共5页" in first.text
    assert next_urls(adapter, first) == [
        portal.url(f"/xxgk/list.aspx?cid=12&{param}={n}") for n in (2, 3, 4, 5)]
    last = fetch(portal.site, portal.url(f"/xxgk/list.aspx?cid=12&{param}=5"))
    assert next_urls(adapter, last) == []


def test_hanweb_further_records_are_posted_to_the_dataproxy(portals):
    portal = portals["hanweb"]
    adapter = FAMILY_ADAPTERS["hanweb"]()
    first = fetch(portal.site, column_url(portal, 0))
    assert first.css("a[href*='/art/']") == []  # the records are XML text, not links
    requests = adapter.next_requests(first)
    # perPage 2 x groupSize 3: records 1-6 embedded, 7-12 and 13-18 from the proxy.
    proxy = portal.url("/module/web/jpage/dataproxy.jsp")
    assert [r.url for r in requests] == [f"{proxy}?startrecord=7&endrecord=12&perpage=2",
                                         f"{proxy}?startrecord=13&endrecord=18&perpage=2"]
    assert {r.method for r in requests} == {"POST"}
    form = dict(p.split("=", 1) for p in requests[0].body.decode().split("&"))
    assert {k: form[k] for k in ("col", "appid", "columnid", "unitid", "path", "permissiontype")} == {
        "col": "1", "appid": "1", "columnid": "3321", "unitid": "8000", "path": "%2F",
        "permissiontype": "0"}
    answer = fetch(portal.site, requests[1])
    assert b"<totalrecord>15</totalrecord>" in answer.body
    assert adapter.next_requests(answer) == []


def test_hanweb_without_a_stated_total_chains_group_by_group(portals):
    portal = portals["hanweb"]
    adapter = FAMILY_ADAPTERS["hanweb"]()
    first = fetch(portal.site, column_url(portal, 0))
    stripped = first.replace(body=first.body.replace(b"totalRecord: 15, ", b""))
    requests = adapter.next_requests(stripped)
    assert [r.url.split("?")[1] for r in requests] == ["startrecord=7&endrecord=12&perpage=2"]
    answer = fetch(portal.site, requests[0])  # states <totalrecord>: the rest follows
    assert [r.url.split("?")[1] for r in adapter.next_requests(answer)] == [
        "startrecord=13&endrecord=18&perpage=2"]


def test_jsonapi_shell_asks_the_api_then_pages_from_its_total(portals):
    portal = portals["jsonapi"]
    adapter = FAMILY_ADAPTERS["jsonapi"]()
    shell = fetch(portal.site, column_url(portal, 0))
    assert adapter.entries(shell) == []
    api = portal.url("/api/cms/content/list?channelId=37&pageSize=5")
    assert next_urls(adapter, shell) == [f"{api}&pageNo=1"]
    first = fetch(portal.site, adapter.next_requests(shell)[0])
    assert next_urls(adapter, first) == [f"{api}&pageNo=2", f"{api}&pageNo=3"]
    assert next_urls(adapter, fetch(portal.site, f"{api}&pageNo=3")) == []
    # The department column names its API in an inline script instead.
    dept = fetch(portal.site, column_url(portal, 1))
    assert not dept.css("[data-api]") and b"var listUrl" in dept.body
    assert next_urls(adapter, dept) == [
        portal.url("/api/cms/content/list?channelId=41&pageSize=1&pageNo=1")]


@pytest.mark.parametrize("family", FAMILIES)
def test_further_pages_route_back_to_the_same_adapter_with_the_context(portals, family):
    portal = portals[family]
    adapter = FAMILY_ADAPTERS[family]()
    start = fetch(portal.site, column_url(portal, 0))
    context = {"portal": portal.content.id, "depth": 0}
    start.request.meta[CONTEXT_META_KEY] = context
    requests = adapter.next_requests(start)
    assert requests
    for request in requests:
        assert request.meta[ADAPTER_META_KEY] == adapter.name
        assert request.meta[CONTEXT_META_KEY] == context

"""The adapters on hand-written pages: the variants and the broken input real portals show."""

from __future__ import annotations

import json

import scrapy
from scrapy.http import HtmlResponse, TextResponse, XmlResponse
from scrapy.http.response.json import JsonResponse

from crawler.adapters.base import MAX_PAGES
from crawler.adapters.hanweb import HanwebAdapter
from crawler.adapters.jsonapi import JsonApiAdapter
from crawler.adapters.querypage import QueryPageAdapter
from crawler.adapters.trs import TrsAdapter

SITE = "http://127.0.0.21:8080"


def html(path: str, body: str) -> HtmlResponse:
    url = SITE + path
    return HtmlResponse(url, body=f"<html><body>{body}</body></html>".encode(), encoding="utf-8",
                        request=scrapy.Request(url))


def answer(path: str, payload: object) -> JsonResponse:
    url = SITE + path
    return JsonResponse(url, body=json.dumps(payload, ensure_ascii=False).encode(),
                        request=scrapy.Request(url))


def urls(requests: list[scrapy.Request]) -> list[str]:
    return [r.url.removeprefix(SITE) for r in requests]


def test_trs_count_from_a_variable_and_pages_counted_by_file_name():
    script = ("<script>var currentPage = 1;var countPage = 4//共多少页\n"
              'createPageHTML(countPage, currentPage, "index", "shtml");</script>')
    page = html("/xxgk/ndbg/index_1.shtml", script)
    assert TrsAdapter.detect(page)
    assert urls(TrsAdapter().next_requests(page)) == ["/xxgk/ndbg/index_2.shtml",
                                                      "/xxgk/ndbg/index_3.shtml"]


def test_trs_mention_without_a_call_is_not_trs_and_huge_counts_are_capped():
    assert not TrsAdapter.detect(html("/a/", "<p>createPageHTML is our pager</p>"))
    page = html("/a/index.html", "<script>createPageHTML(999999, 0, 'index', 'html');</script>")
    assert len(TrsAdapter().next_requests(page)) == MAX_PAGES - 1


def test_trs_list_without_dates_falls_back_to_every_titled_link():
    page = html("/a/index.html", '<ul><li><a href="./t1.html">甲县2023年年报</a></li></ul>'
                "<script>createPageHTML(1, 0, 'index', 'html');</script>")
    assert [e.url for e in TrsAdapter().entries(page)] == [SITE + "/a/t1.html"]


def test_querypage_zero_based_page_index_and_only_same_list_links():
    pager = ('<div>共3页 <a href="list.jsp?pageIndex=0">首页</a> <span>1</span> '
             '<a href="list.jsp?pageIndex=1">下一页</a> <a href="list.jsp?pageIndex=2">尾页</a></div>'
             '<a href="/news/list.jsp?page=9">新闻</a>')
    page = html("/xxgk/list.jsp", pager)
    assert QueryPageAdapter.detect(page)
    assert urls(QueryPageAdapter().next_requests(page)) == ["/xxgk/list.jsp?pageIndex=1",
                                                           "/xxgk/list.jsp?pageIndex=2"]


def test_querypage_ignores_other_lists_and_dateless_links():
    page = html("/xxgk/list.jsp", '<a href="/news/list.jsp?page=2">新闻</a>'
                '<ul><li><a href="/a.html">关于我们</a></li>'
                '<li><a href="/b.html">乙县2022年年报</a><span>2023/1/5</span></li></ul>')
    assert not QueryPageAdapter.detect(page)
    entries = QueryPageAdapter().entries(page)
    assert [(e.url, e.date) for e in entries] == [(SITE + "/b.html", "2023-01-05")]


def test_jsonapi_reads_other_vendors_shapes():
    adapter = JsonApiAdapter()
    rows = answer("/gkml/list.do?catId=5&page=1&rows=2", {
        "rows": [{"docTitle": "丙县2023年年报", "linkUrl": "/c/1.html", "pubDate": 1706745600000},
                 {"docTitle": "丙县2022年年报", "linkUrl": "/c/2.html", "pubDate": "2023/1/9"}],
        "totalCount": 5})
    assert [(e.url, e.title, e.date) for e in adapter.entries(rows)] == [
        (SITE + "/c/1.html", "丙县2023年年报", "2024-02-01"),
        (SITE + "/c/2.html", "丙县2022年年报", "2023-01-09")]
    assert urls(adapter.next_requests(rows)) == ["/gkml/list.do?catId=5&rows=2&page=2",
                                                "/gkml/list.do?catId=5&rows=2&page=3"]
    articles = answer("/api/all/7?page=2", {"articles": [{"title": "丁", "url": "/d.html"}],
                                            "pages": 4})
    assert urls(adapter.next_requests(articles)) == ["/api/all/7?page=3", "/api/all/7?page=4"]


def test_jsonapi_broken_or_unlisted_answers_give_nothing():
    adapter = JsonApiAdapter()
    broken = TextResponse(SITE + "/api/list?pageNo=1", body=b'{"data": [', encoding="utf-8",
                          request=scrapy.Request(SITE + "/api/list?pageNo=1"))
    assert adapter.entries(broken) == [] and adapter.next_requests(broken) == []
    error = answer("/api/list?pageNo=1", {"code": 500, "msg": "系统繁忙", "data": None})
    assert adapter.entries(error) == [] and adapter.next_requests(error) == []


def test_jsonapi_detects_api_markers_only():
    assert JsonApiAdapter.detect(html("/c.html", '<div data-list-api="/api/list?cid=3"></div>'))
    assert not JsonApiAdapter.detect(html("/c.html", '<div data-url="/about.html"></div>'
                                         '<script>var home = "/index.html";</script>'))
    assert not JsonApiAdapter.detect(answer("/api/list?pageNo=1", {"list": []}))


def test_hanweb_skips_records_without_a_link_and_stops_at_the_total():
    body = ('<?xml version="1.0" encoding="UTF-8"?><datastore><recordset>'
            '<record><![CDATA[<li>暂无信息</li>]]></record>'
            '<record><![CDATA[<li><a href="/art/2024/1/2/art_5_9.html">戊县2023年年报</a>'
            '<span>2024-01-02</span></li>]]></record></recordset>'
            "<totalrecord>17</totalrecord></datastore>")
    url = SITE + "/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=15&perpage=5"
    request = scrapy.FormRequest(url, formdata={"columnid": "5", "unitid": "9"})
    page = XmlResponse(url, body=body.encode(), request=request)
    assert HanwebAdapter.detect(page)
    assert [(e.url, e.date) for e in HanwebAdapter().entries(page)] == [
        (SITE + "/art/2024/1/2/art_5_9.html", "2024-01-02")]
    further = HanwebAdapter().next_requests(page)
    assert [r.url.split("?")[1] for r in further] == ["startrecord=16&endrecord=30&perpage=5"]
    assert further[0].body == request.body  # the same column's form, so dupes fingerprint alike


def test_querypage_further_pages_keep_the_lists_own_parameters():
    page = html("/col/list.jsp", '<a href="list.jsp?channel=9&amp;pageNo=2">下一页</a> 共3页')
    assert urls(QueryPageAdapter().next_requests(page)) == ["/col/list.jsp?channel=9&pageNo=2",
                                                           "/col/list.jsp?channel=9&pageNo=3"]


def test_jsonapi_is_not_claimed_by_a_visit_counter_and_keeps_server_rendered_rows():
    counter = '<script>$.get("/api/visit/count?siteId=3");</script>'
    assert not JsonApiAdapter.detect(html("/c.html", counter))
    both = html("/c.html", '<script>var api = "/api/article/list?channelId=3";</script>'
                '<ul><li><a href="/a/1.html">己县2023年年报</a><span>2024-01-03</span></li></ul>')
    assert JsonApiAdapter.detect(both)
    assert [e.url for e in JsonApiAdapter().entries(both)] == [SITE + "/a/1.html"]

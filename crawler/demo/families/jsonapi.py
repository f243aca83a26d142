"""Portals whose column pages are empty shells filled from a JSON list API.

Layout: homepage -> /zfxxgk/index.html (政府信息公开, departments' and townships' entries)
-> 政府信息公开年报 columns /zfxxgk/channel/<channelId>.html holding only a list container
and a script -> /api/cms/content/list?channelId=..&pageNo=..&pageSize=.. answering
{"code": 200, "data": {"list": [{"title", "url", "publishTime"}], "total": N, ...}} ->
detail pages /zfxxgk/content/<channelId>/<yyyymm>/<id>.html. The government's own column
names its API in a ``data-api`` attribute, the others in an inline script, as the two
generations of such templates do.
"""

from __future__ import annotations

import json
import math
import zlib
from html import escape

from crawler.demo.content import Column, PortalContent, ReportDoc
from crawler.demo.families.classic import _Renderer
from crawler.demo.site import Page, Site, SiteRequest

API_PATH = "/api/cms/content/list"
SECTION = "/zfxxgk/index.html"
PAGE_SIZE = 10


def page_size(count: int) -> int:
    """Short enough that a column of three or more documents spans three API pages."""
    return max(1, min(PAGE_SIZE, math.ceil(count / 3)))


def int_param(params: dict[str, str], key: str, default: int) -> int:
    value = params.get(key, "")
    return int(value) if value.isdigit() else default


class JsonApiRenderer(_Renderer):
    def __init__(self, content: PortalContent, base_url: str) -> None:
        super().__init__(content, base_url)
        self.channels: dict[str, list[ReportDoc]] = {}  # channelId -> documents, newest first

    def page(self, title: str, body: str, *, meta: dict[str, str] | None = None) -> Page:
        metas = {"SiteName": self.content.name, "SiteIDCode": f"{self.content.region_code}0001",
                 "viewport": "width=device-width, initial-scale=1", **(meta or {})}
        html = (
            f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="{self.charset}">'
            + "".join(f'<meta name="{k}" content="{escape(v)}">' for k, v in metas.items())
            + f"<title>{escape(title)}-{escape(self.content.name)}</title>"
            '<link rel="stylesheet" href="/static/css/main.css"></head><body>'
            '<header class="site-header"><nav><a href="/">首页</a><a href="/zwdt/">政务动态</a>'
            f'<a href="{SECTION}">政府信息公开</a><a href="/hdjl/">互动交流</a></nav></header>'
            '<main><div class="crumbs"><a href="/">首页</a> / '
            f'<a href="{SECTION}">政府信息公开</a> / <span>{escape(title)}</span></div>'
            f"{body}</main>"
            f'<footer><p>{escape(self.content.name)} 版权所有</p><p><a href="/sitemap/">网站地图</a></p>'
            '</footer><script src="/static/js/vendor.js"></script></body></html>'
        )
        content_type = "text/html" if self.charset != self.content.encoding else (
            f"text/html; charset={self.charset}"
        )
        return Page(html.encode(self.content.encoding), content_type=content_type)

    def channel_id(self, index: int) -> str:
        return str(37 + 4 * index)

    def build(self) -> Site:
        content = self.content
        self.site.add("/", self.page(content.name, (
            f'<section class="hero"><h1>{escape(content.name)}</h1></section>'
            f'<section class="entries"><a href="{SECTION}">政府信息公开</a><a href="/bsfw/">办事服务</a></section>'
        )))
        own, units = "", []
        for index, column in enumerate(content.columns):
            channel = self.channel_id(index)
            list_path = f"/zfxxgk/channel/{channel}.html"
            if index == 0:
                own = f'<li><a href="{list_path}">政府信息公开年报</a></li>'
            else:
                unit_path = f"/zfxxgk/unit/{column.slug or f'bm{index}'}.html"
                units.append(f'<li><a href="{unit_path}">{escape(column.name)}</a></li>')
                self.site.add(unit_path, self.page(column.name, (
                    f'<div class="unit"><h2>{escape(column.name)}</h2><ul>'
                    f'<li><a href="/zfxxgk/unit/{column.slug or index}/jgzn.html">机构职能</a></li>'
                    f'<li><a href="{list_path}">政府信息公开年报</a></li></ul></div>'
                )))
            self.add_column(channel, column, inline_script=index > 0)
        self.site.add(SECTION, self.page("政府信息公开", (
            '<aside><ul class="menu"><li><a href="/zfxxgk/zn.html">政府信息公开指南</a></li>'
            f"{own}</ul></aside>"
            '<section><h3>部门和乡镇信息公开</h3><ul class="units">' + "".join(units) + "</ul></section>"
        )))
        self.site.add_handler(API_PATH, self.list_api)
        if content.robots_disallow:
            self.site.disallow(*content.robots_disallow)
        return self.site

    def detail_path(self, base: str, doc: ReportDoc) -> str:
        if doc.slug.startswith("/"):
            return doc.slug
        number = 100000 + zlib.crc32(doc.slug.encode()) % 900000
        return f"/zfxxgk/content/{base}/{doc.date[:7].replace('-', '')}/{number}.html"

    def add_column(self, channel: str, column: Column, *, inline_script: bool) -> None:  # type: ignore[override]
        docs = sorted([*column.reports, *column.lookalikes], key=lambda d: d.date, reverse=True)
        self.channels[channel] = docs
        api = f"{API_PATH}?channelId={channel}&pageSize={page_size(len(docs))}"
        if inline_script:
            container = (
                '<div class="list-box"><ul id="list"></ul><div id="pager"></div></div>'
                f'<script>var listUrl = "{api}";\n'
                "function load(pageNo){fetch(listUrl + '&pageNo=' + pageNo).then(r => r.json())"
                ".then(render);}\nload(1);</script>"
            )
        else:
            container = (
                f'<div id="app-list" class="list-box" data-api="{api}" data-page-param="pageNo">'
                '<ul class="list"></ul><div class="pagination"></div></div>'
                '<script src="/static/js/list.js"></script>'
            )
        self.site.add(f"/zfxxgk/channel/{channel}.html", self.page(
            column.name, f'<h2 class="column-title">{escape(column.name)}</h2>{container}'))
        reports = {d.year: self.detail_path(channel, d) for d in column.reports}
        for doc in docs:
            self.add_detail(channel, doc, reports.get(doc.year))

    def list_api(self, request: SiteRequest) -> Page:
        """One page of a channel's documents, newest first (pageNo from 1)."""
        params = {**request.query, **request.form}
        channel = params.get("channelId", "")
        if channel not in self.channels:
            answer = {"code": 404, "msg": "栏目不存在", "data": None}
            return Page(json.dumps(answer, ensure_ascii=False).encode(),
                        content_type="application/json;charset=UTF-8", conditional=False)
        docs = self.channels[channel]
        size = min(100, max(1, int_param(params, "pageSize", PAGE_SIZE)))
        number = max(1, int_param(params, "pageNo", 1))
        chunk = docs[(number - 1) * size : number * size]
        answer = {"code": 200, "msg": "success", "data": {
            "list": [{"id": self.detail_path(channel, d).rsplit("/", 1)[1].removesuffix(".html"),
                      "title": d.title, "url": self.detail_path(channel, d),
                      "publishTime": f"{d.date} 09:00:00", "channelId": channel} for d in chunk],
            "total": len(docs), "pageNo": number, "pageSize": size,
        }}
        # A live query: no validators, so every recheck gets the current list.
        return Page(json.dumps(answer, ensure_ascii=False).encode(),
                    content_type="application/json;charset=UTF-8", conditional=False)


def build_site(content: PortalContent, base_url: str) -> Site:
    return JsonApiRenderer(content, base_url).build()

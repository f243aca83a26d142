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
from html import escape
from typing import Any

from demo.content import Column, PortalContent, ReportDoc
from demo.families.render import (
    Renderer,
    article_id,
    int_param,
    link_item,
    live_page,
    meta_tags,
    newest_first,
    page_size,
    unit_slug,
)
from demo.site import Page, Site, SiteRequest

API_PATH = "/api/cms/content/list"
SECTION = "/zfxxgk/index.html"
PAGE_SIZE = 10
MAX_PAGE_SIZE = 100  # the API caps pageSize, as real ones do
LIST_PAGES = 3  # fixture columns span this many API pages
FIRST_CHANNEL_ID = 37
CHANNEL_ID_STEP = 4


def channel_id(index: int) -> str:
    return str(FIRST_CHANNEL_ID + CHANNEL_ID_STEP * index)


def json_page(answer: dict[str, Any]) -> Page:
    return live_page(json.dumps(answer, ensure_ascii=False).encode(), "application/json;charset=UTF-8")


class JsonApiRenderer(Renderer):
    def __init__(self, content: PortalContent, base_url: str) -> None:
        super().__init__(content, base_url)
        self.channel_documents: dict[str, list[ReportDoc]] = {}  # channelId -> newest first
        self.site.add_handler(API_PATH, self.list_api)

    def page(self, title: str, body: str, *, meta: dict[str, str] | None = None) -> Page:
        metas = {"SiteName": self.content.name, "SiteIDCode": self.site_id_code,
                 "viewport": "width=device-width, initial-scale=1", **(meta or {})}
        return self.encoded(
            f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="{self.charset}">{meta_tags(metas)}'
            f"<title>{escape(title)}-{escape(self.content.name)}</title>"
            '<link rel="stylesheet" href="/static/css/main.css"></head><body>'
            '<header class="site-header"><nav><a href="/">首页</a><a href="/zwdt/">政务动态</a>'
            f'<a href="{SECTION}">政府信息公开</a><a href="/hdjl/">互动交流</a></nav></header>'
            '<main><div class="crumbs"><a href="/">首页</a> / '
            f'<a href="{SECTION}">政府信息公开</a> / <span>{escape(title)}</span></div>'
            f"{body}</main>"
            f'<footer><p>{escape(self.content.name)} 版权所有</p><p><a href="/sitemap/">网站地图</a></p>'
            '</footer><script src="/static/js/vendor.js"></script></body></html>'
        )

    def homepage(self) -> str:
        return (
            f'<section class="hero"><h1>{escape(self.content.name)}</h1></section>'
            f'<section class="entries"><a href="{SECTION}">政府信息公开</a><a href="/bsfw/">办事服务</a></section>'
        )

    def add_unit(self, index: int, column: Column, list_url: str) -> str:
        home = f"/zfxxgk/unit/{unit_slug(index, column)}"
        self.site.add(f"{home}.html", self.page(column.name, (
            f'<div class="unit"><h2>{escape(column.name)}</h2><ul>'
            f"{link_item(f'{home}/jgzn.html', '机构职能')}{link_item(list_url, '政府信息公开年报')}</ul></div>"
        )))
        return link_item(f"{home}.html", column.name)

    def add_section(self, own_list_url: str | None, unit_items: list[str]) -> None:
        own = link_item(own_list_url, "政府信息公开年报") if own_list_url else ""
        self.site.add(SECTION, self.page("政府信息公开", (
            '<aside><ul class="menu"><li><a href="/zfxxgk/zn.html">政府信息公开指南</a></li>'
            f"{own}</ul></aside>"
            '<section><h3>部门和乡镇信息公开</h3><ul class="units">' + "".join(unit_items) + "</ul></section>"
        )))

    def article_path(self, column_key: str, doc: ReportDoc) -> str:
        return f"/zfxxgk/content/{column_key}/{doc.date[:7].replace('-', '')}/{article_id(doc)}.html"

    def add_column(self, index: int, column: Column) -> str:
        """The government's own column names its API in ``data-api``, units' in a script."""
        channel = channel_id(index)
        docs = newest_first(column)
        self.channel_documents[channel] = docs
        size = page_size(len(docs), pages=LIST_PAGES, most=PAGE_SIZE)
        api = f"{API_PATH}?channelId={channel}&pageSize={size}"
        if index > 0:
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
        self.add_details(channel, column)
        return f"/zfxxgk/channel/{channel}.html"

    def list_api(self, request: SiteRequest) -> Page:
        """One page of a channel's documents, newest first (pageNo from 1)."""
        params = {**request.query, **request.form}
        channel = params.get("channelId", "")
        if channel not in self.channel_documents:
            return json_page({"code": 404, "msg": "栏目不存在", "data": None})
        docs = self.channel_documents[channel]
        size = min(MAX_PAGE_SIZE, max(1, int_param(params, "pageSize", PAGE_SIZE)))
        number = max(1, int_param(params, "pageNo", 1))
        listed = []
        for doc in docs[(number - 1) * size : number * size]:
            path = self.detail_path(channel, doc)
            listed.append({"id": path.rsplit("/", 1)[1].removesuffix(".html"), "title": doc.title,
                           "url": path, "publishTime": f"{doc.date} 09:00:00", "channelId": channel})
        return json_page({"code": 200, "msg": "success", "data": {
            "list": listed, "total": len(docs), "pageNo": number, "pageSize": size,
        }})


def build_site(content: PortalContent, base_url: str) -> Site:
    return JsonApiRenderer(content, base_url).build()

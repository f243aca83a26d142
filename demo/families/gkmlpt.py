"""Guangdong's 政府信息公开目录管理平台 (``/gkmlpt/``), which every site of the province runs.

Layout: the classic family's homepage and disclosure section, whose menu links the
catalogue (政府信息公开目录, ``/gkmlpt/index``) and its 政府信息公开年报 category
``/gkmlpt/index#<category id>`` (departments: ``/<slug>/gkmlpt/index#<id>``) — one page for
a crawler, which never sends the fragment. The
catalogue page is an application shell: ``window._CONFIG = {SID: '<site id>', TREE: [...],
SERVICE_AREA_ID: ...}`` and an empty ``#app``; the category's documents come from ``GET
<root>api/all/<id>?page=N&sid=<site id>`` answering ``{"total", "classify": {"id", "name",
"post_count"}, "articles": [{"id", "title", "url", "post_url", "created_at",
"display_publish_time", ...}]}``, as public crawlers of gd.gov.cn, yangjiang.gov.cn and
szpsq.gov.cn read them. Documents live at ``<root>content/0/<n>/post_<id>.html``.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime

from demo.content import Column, PortalContent, ReportDoc
from demo.families.classic import SECTION, ClassicRenderer
from demo.families.render import article_id, int_param, live_page, newest_first, unit_slug
from demo.site import Page, Site, SiteRequest

API_PAGE_SIZE = 10  # the real API answers more per page; ten makes the fixture page
FIRST_CATEGORY = 2395
FIRST_SID = 755041


class GkmlptRenderer(ClassicRenderer):
    def add_column(self, index: int, column: Column) -> str:
        root = "/gkmlpt/" if index == 0 else f"/{unit_slug(index, column)}/gkmlpt/"
        category, sid = FIRST_CATEGORY + index, FIRST_SID + index
        docs = newest_first(column)
        tree = [
            {"id": category - 100, "name": "机构职能", "post_count": 3, "children": []},
            {"id": category - 50, "name": "政策文件", "post_count": 41, "children": [
                {"id": category - 49, "name": "规范性文件", "post_count": 12, "children": []}]},
            {"id": category, "name": "政府信息公开年报", "post_count": len(docs), "children": []},
            {"id": category + 1, "name": "依申请公开", "jump_url": "/ysqgk/", "children": []},
        ]
        # A script object literal, not JSON: bare keys, the SID in single quotes.
        body = (f"window._CONFIG = {{SID: '{sid}', TREE: {json.dumps(tree, ensure_ascii=False)}, "
                "SERVICE_AREA_ID: 0, IS_SITE: true}")
        self.site.add(f"{root}index", self.page(column.name, (
            f'<div id="app"></div><script type="text/javascript">{body};</script>'
            f'<script type="text/javascript" src="{root}gkml/pc/js/app.js"></script>'
        )))

        def api(request: SiteRequest) -> Page:
            size, page = API_PAGE_SIZE, max(1, int_param(request.query, "page", 1))
            chunk = docs[(page - 1) * size : page * size] if request.query.get("sid") == str(sid) else []
            answer = {
                "total": len(docs),
                "classify": {"id": category, "name": "政府信息公开年报", "post_count": len(docs)},
                "page": page, "pages": math.ceil(len(docs) / size),
                "articles": [self.article(root, doc) for doc in chunk],
            }
            return live_page(json.dumps(answer, ensure_ascii=False).encode(), "application/json")

        self.site.add_handler(f"{root}api/all/{category}", api)
        self.add_details(root, column)
        return f"{root}index#{category}"

    def add_section(self, own_list_url: str | None, unit_items: list[str]) -> None:
        """The classic section, whose menu first links the catalogue itself
        (政府信息公开目录 -> /gkmlpt/index, no fragment), then its 年报 category."""
        super().add_section(own_list_url, unit_items)
        page = self.site.pages[SECTION]
        catalogue = '<li><a href="/gkmlpt/index">政府信息公开目录</a></li>'
        menu = '<ul class="menu">'.encode(self.content.encoding)
        page.body = page.body.replace(menu, menu + catalogue.encode(self.content.encoding), 1)

    def article_path(self, column_key: str, doc: ReportDoc) -> str:
        number = article_id(doc)
        return f"{column_key}content/0/{number // 1000}/post_{number}.html"

    def article(self, root: str, doc: ReportDoc) -> dict:
        url = self.base_url + self.detail_path(root, doc)
        published = datetime.fromisoformat(f"{doc.date}T09:00:00").replace(tzinfo=UTC)
        return {"id": article_id(doc), "title": doc.title, "url": url, "post_url": url,
                "created_at": f"{doc.date} 09:00:00", "display_publish_time": int(published.timestamp()),
                "document_number": "", "publisher": self.content.name}


def build_site(content: PortalContent, base_url: str) -> Site:
    return GkmlptRenderer(content, base_url).build()

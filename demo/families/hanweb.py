"""Hanweb JCMS (大汉) portals: columns /col/col<id>/index.html whose list is a ``<datastore>``.

Layout: homepage -> /col/col<section>/index.html (政府信息公开, with a column tree and the
departments' and townships' entries) -> 政府信息公开年报 columns /col/col<id>/index.html
embedding the first group of records in ``<script type="text/xml"><datastore>`` and a
``jpage`` pager that POSTs to /module/web/jpage/dataproxy.jsp for the rest -> detail
pages /art/<y>/<m>/<d>/art_<column>_<id>.html.
"""

from __future__ import annotations

import math
import zlib
from html import escape
from urllib.parse import quote

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
)
from demo.site import Page, Site, SiteRequest

PROXY_PATH = "/module/web/jpage/dataproxy.jsp"
SECTION = "/col/col1001/index.html"
GROUP_SIZE = 3  # jpage fetches three pages' worth of records per proxy call
PER_PAGE = 15
GROUPS = 3  # fixture columns span the embedded group plus two proxy groups
# Hanweb numbers columns site-wide; each unit takes three ids: its 年报 column, its own
# entry page and its 机构概况 page.
FIRST_COLUMN_ID = 3321
COLUMN_ID_STEP = 17
FIRST_UNIT_ID = 8000  # the id of the element the pager fills, one per column


def record(href: str, doc: ReportDoc) -> str:
    """One list row as Hanweb stores it in a <record> CDATA section."""
    return (
        f"<record><![CDATA[<li><a href=\"{href}\" target=\"_blank\" title=\"{escape(doc.title)}\">"
        f"{escape(doc.title)}</a><span class=\"bt-data-time\">{doc.date}</span></li>]]></record>"
    )


def column_id(index: int) -> int:
    return FIRST_COLUMN_ID + COLUMN_ID_STEP * index


def column_path(index: int) -> str:
    return f"/col/col{column_id(index)}/index.html"


class HanwebRenderer(Renderer):
    proxy_path = PROXY_PATH  # where jpage posts for further records (Zhejiang: /module/jpage/)

    def __init__(self, content: PortalContent, base_url: str) -> None:
        super().__init__(content, base_url)
        self.webid = 1 + zlib.crc32(content.id.encode()) % 90  # the site's id in the CMS
        self.column_documents: dict[str, list[ReportDoc]] = {}  # columnid -> newest first
        self.site.add_handler(self.proxy_path, self.dataproxy)

    def page(self, title: str, body: str, *, meta: dict[str, str] | None = None,
             sidebar: str = "") -> Page:
        metas = {"SiteName": self.content.name, "SiteIDCode": self.site_id_code, **(meta or {})}
        return self.encoded(
            f"<!DOCTYPE html><html><head>{self.charset_meta()}{meta_tags(metas)}"
            f"<title>{escape(title)} {escape(self.content.name)}</title>"
            '<script src="/module/jslib/jquery/jquery.js"></script></head><body>'
            '<div class="g-head"><div class="m-nav"><a href="/">首页</a>'
            '<a href="/col/col1002/index.html">新闻动态</a>'
            f'<a href="{SECTION}">政府信息公开</a>'
            '<a href="/col/col1003/index.html">政务服务</a></div></div>'
            f'<div class="g-main"><div class="g-left">{sidebar}</div>'
            f'<div class="g-right"><div class="bt-position">您当前的位置：<a href="/">首页</a> &gt; '
            f'<a href="{SECTION}">政府信息公开</a> &gt; {escape(title)}</div>'
            f"{body}</div></div>"
            f'<div class="g-foot">{escape(self.content.name)}主办 '
            '<a href="/col/col1004/index.html">网站地图</a> 技术支持：大汉网络</div></body></html>'
        )

    def homepage(self) -> str:
        return (
            f'<div class="banner">{escape(self.content.name)}</div>'
            f'<ul class="rk"><li><a href="{SECTION}">政府信息公开</a></li>'
            '<li><a href="/col/col1003/index.html">网上办事</a></li></ul>'
        )

    def column_tree(self) -> str:
        """The section's column tree, shown beside the section and its 年报 columns."""
        own = link_item(column_path(0), "政府信息公开年报") if self.content.columns else ""
        return ('<ul class="tree"><li><a href="/col/col1011/index.html">政府信息公开指南</a></li>'
                f'<li><a href="/col/col1012/index.html">政府信息公开制度</a></li>{own}</ul>')

    def add_unit(self, index: int, column: Column, list_url: str) -> str:
        unit_path = f"/col/col{column_id(index) + 1}/index.html"
        self.site.add(unit_path, self.page(column.name, (
            f'<div class="unit"><h2>{escape(column.name)}</h2></div>'
        ), sidebar=(
            f'<ul class="tree">{link_item(f"/col/col{column_id(index) + 2}/index.html", "机构概况")}'
            f"{link_item(list_url, '政府信息公开年报')}</ul>"
        )))
        return link_item(unit_path, column.name)

    def add_section(self, own_list_url: str | None, unit_items: list[str]) -> None:
        self.site.add(SECTION, self.page("政府信息公开", (
            '<div class="gkml"><h3>部门信息公开</h3><ul class="units">' + "".join(unit_items) + "</ul></div>"
        ), sidebar=self.column_tree()))

    def article_path(self, column_key: str, doc: ReportDoc) -> str:
        """Hanweb names articles by date and column: ``column_key`` is the column id."""
        year, month, day = (int(part) for part in doc.date.split("-"))
        return f"/art/{year}/{month}/{day}/art_{column_key}_{article_id(doc)}.html"

    def add_column(self, index: int, column: Column) -> str:
        columnid = str(column_id(index))
        unit_id = str(FIRST_UNIT_ID + index)
        docs = newest_first(column)
        self.column_documents[columnid] = docs
        size = page_size(len(docs), pages=GROUPS * GROUP_SIZE, most=PER_PAGE)
        embedded = "".join(record(self.detail_path(columnid, d), d) for d in docs[: size * GROUP_SIZE])
        webname = self.content.name
        nextgroup = (
            f"{self.proxy_path}?page=1&webid={self.webid}&path=/&columnid={columnid}"
            f"&unitid={unit_id}&webname={quote(webname)}&permissiontype=0"
        )
        body = (
            f'<div class="bt-list-title">{escape(column.name)}</div>'
            f'<div id="{unit_id}"><script type="text/xml"><datastore>'
            f'<nextgroup><![CDATA[<a href="{nextgroup}"></a>]]></nextgroup>'
            f"<recordset>{embedded}</recordset></datastore></script></div>"
            f'<script language="javascript" src="{self.proxy_path.rsplit("/", 1)[0]}/jpage.js"></script>'
            "<script>$(document).ready(function(){"
            f"$('#{unit_id}').jpage({{dataStore: dataStore{unit_id}, perPage: {size}, "
            f"totalRecord: {len(docs)}, groupSize: {GROUP_SIZE}, barPosition: 'bottom', "
            f"proxyUrl: '{self.proxy_path}', dataBefore: '<ul class=\"bt-list\">', dataAfter: '</ul>', "
            f"ajaxParam: {{col: 1, appid: 1, webid: {self.webid}, path: '/', columnid: {columnid}, "
            f"sourceContentType: 1, unitid: {unit_id}, webname: '{webname}', permissiontype: 0}}}});"
            "});</script>"
        )
        self.site.add(column_path(index), self.page(
            column.name if index else "政府信息公开年报", body, sidebar=self.column_tree()))
        self.add_details(columnid, column)
        return column_path(index)

    def dataproxy(self, request: SiteRequest) -> Page:
        """The jpage proxy: records startrecord..endrecord (1-based, inclusive) of a column."""
        params = {**request.query, **request.form}
        docs = self.column_documents.get(params.get("columnid", ""), [])
        start = max(1, int_param(params, "startrecord", 1))
        end = int_param(params, "endrecord", len(docs))
        size = max(1, int_param(params, "perpage", PER_PAGE))
        records = "".join(
            record(self.detail_path(params["columnid"], d), d) for d in docs[start - 1 : end]
        )
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?><datastore>'
            f"<nextgroup><![CDATA[<a href=\"{self.proxy_path}?page={end // size + 1}\"></a>]]></nextgroup>"
            f"<recordset>{records}</recordset><totalrecord>{len(docs)}</totalrecord>"
            f"<totalpage>{math.ceil(len(docs) / size)}</totalpage></datastore>"
        )
        return live_page(xml.encode(), "text/xml;charset=UTF-8")


def build_site(content: PortalContent, base_url: str) -> Site:
    return HanwebRenderer(content, base_url).build()

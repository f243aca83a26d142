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

from crawler.demo.content import Column, PortalContent, ReportDoc
from crawler.demo.families.classic import _Renderer
from crawler.demo.site import Page, Site, SiteRequest

PROXY_PATH = "/module/web/jpage/dataproxy.jsp"
SECTION_ID = 1001
GROUP_SIZE = 3  # jpage fetches three pages' worth of records per proxy call
PER_PAGE = 15


def per_page(count: int) -> int:
    """Short enough that a column spans the embedded group plus two proxy groups."""
    return max(1, min(PER_PAGE, math.ceil(count / (3 * GROUP_SIZE))))


def int_param(params: dict[str, str], key: str, default: int) -> int:
    value = params.get(key, "")
    return int(value) if value.isdigit() else default


def record(href: str, doc: ReportDoc) -> str:
    """One list row as Hanweb stores it in a <record> CDATA section."""
    return (
        f"<record><![CDATA[<li><a href=\"{href}\" target=\"_blank\" title=\"{escape(doc.title)}\">"
        f"{escape(doc.title)}</a><span class=\"bt-data-time\">{doc.date}</span></li>]]></record>"
    )


class HanwebRenderer(_Renderer):
    def __init__(self, content: PortalContent, base_url: str) -> None:
        super().__init__(content, base_url)
        self.webid = 1 + zlib.crc32(content.id.encode()) % 90
        self.columns: dict[str, list[ReportDoc]] = {}  # columnid -> documents, newest first

    def page(self, title: str, body: str, *, meta: dict[str, str] | None = None,
             left: str = "") -> Page:
        metas = {"SiteName": self.content.name, "SiteIDCode": f"{self.content.region_code}0001",
                 **(meta or {})}
        html = (
            "<!DOCTYPE html><html><head>"
            f'<meta http-equiv="Content-Type" content="text/html; charset={self.charset}">'
            + "".join(f'<meta name="{k}" content="{escape(v)}">' for k, v in metas.items())
            + f"<title>{escape(title)} {escape(self.content.name)}</title>"
            '<script src="/module/jslib/jquery/jquery.js"></script></head><body>'
            '<div class="g-head"><div class="m-nav"><a href="/">首页</a>'
            '<a href="/col/col1002/index.html">新闻动态</a>'
            f'<a href="/col/col{SECTION_ID}/index.html">政府信息公开</a>'
            '<a href="/col/col1003/index.html">政务服务</a></div></div>'
            f'<div class="g-main"><div class="g-left">{left}</div>'
            f'<div class="g-right"><div class="bt-position">您当前的位置：<a href="/">首页</a> &gt; '
            f'<a href="/col/col{SECTION_ID}/index.html">政府信息公开</a> &gt; {escape(title)}</div>'
            f"{body}</div></div>"
            f'<div class="g-foot">{escape(self.content.name)}主办 '
            '<a href="/col/col1004/index.html">网站地图</a> 技术支持：大汉网络</div></body></html>'
        )
        content_type = "text/html" if self.charset != self.content.encoding else (
            f"text/html; charset={self.charset}"
        )
        return Page(html.encode(self.content.encoding), content_type=content_type)

    def column_id(self, index: int) -> int:
        return 3321 + 17 * index

    def build(self) -> Site:
        content = self.content
        section = f"/col/col{SECTION_ID}/index.html"
        self.site.add("/", self.page(content.name, (
            f'<div class="banner">{escape(content.name)}</div>'
            f'<ul class="rk"><li><a href="{section}">政府信息公开</a></li>'
            '<li><a href="/col/col1003/index.html">网上办事</a></li></ul>'
        )))
        tree = ['<li><a href="/col/col1011/index.html">政府信息公开指南</a></li>',
                '<li><a href="/col/col1012/index.html">政府信息公开制度</a></li>']
        units = []
        for index, column in enumerate(content.columns):
            list_path = f"/col/col{self.column_id(index)}/index.html"
            if index == 0:
                tree.append(f'<li><a href="{list_path}">政府信息公开年报</a></li>')
            else:
                unit_path = f"/col/col{self.column_id(index) + 1}/index.html"
                units.append(f'<li><a href="{unit_path}">{escape(column.name)}</a></li>')
                self.site.add(unit_path, self.page(column.name, (
                    f'<div class="unit"><h2>{escape(column.name)}</h2></div>'
                ), left=(
                    f'<ul class="tree"><li><a href="/col/col{self.column_id(index) + 2}/index.html">'
                    f'机构概况</a></li><li><a href="{list_path}">政府信息公开年报</a></li></ul>'
                )))
            self.add_column(index, column, '<ul class="tree">' + "".join(tree) + "</ul>")
        self.site.add(section, self.page("政府信息公开", (
            '<div class="gkml"><h3>部门信息公开</h3><ul class="units">' + "".join(units) + "</ul></div>"
        ), left='<ul class="tree">' + "".join(tree) + "</ul>"))
        self.site.add_handler(PROXY_PATH, self.dataproxy)
        if content.robots_disallow:
            self.site.disallow(*content.robots_disallow)
        return self.site

    def detail_path(self, base: str, doc: ReportDoc) -> str:
        """Hanweb names articles by date and column: ``base`` is the column id here."""
        if doc.slug.startswith("/"):
            return doc.slug
        year, month, day = (int(part) for part in doc.date.split("-"))
        number = 100000 + zlib.crc32(doc.slug.encode()) % 900000
        return f"/art/{year}/{month}/{day}/art_{base}_{number}.html"

    def add_column(self, index: int, column: Column, left: str) -> None:  # type: ignore[override]
        column_id = str(self.column_id(index))
        unit_id = str(8000 + index)
        docs = sorted([*column.reports, *column.lookalikes], key=lambda d: d.date, reverse=True)
        self.columns[column_id] = docs
        size = per_page(len(docs))
        embedded = "".join(record(self.detail_path(column_id, d), d) for d in docs[: size * GROUP_SIZE])
        webname = self.content.name
        nextgroup = (
            f"{PROXY_PATH}?page=1&webid={self.webid}&path=/&columnid={column_id}"
            f"&unitid={unit_id}&webname={quote(webname)}&permissiontype=0"
        )
        body = (
            f'<div class="bt-list-title">{escape(column.name)}</div>'
            f'<div id="{unit_id}"><script type="text/xml"><datastore>'
            f'<nextgroup><![CDATA[<a href="{nextgroup}"></a>]]></nextgroup>'
            f"<recordset>{embedded}</recordset></datastore></script></div>"
            '<script language="javascript" src="/module/web/jpage/jpage.js"></script>'
            "<script>$(document).ready(function(){"
            f"$('#{unit_id}').jpage({{dataStore: dataStore{unit_id}, perPage: {size}, "
            f"totalRecord: {len(docs)}, groupSize: {GROUP_SIZE}, barPosition: 'bottom', "
            f"proxyUrl: '{PROXY_PATH}', dataBefore: '<ul class=\"bt-list\">', dataAfter: '</ul>', "
            f"ajaxParam: {{col: 1, appid: 1, webid: {self.webid}, path: '/', columnid: {column_id}, "
            f"sourceContentType: 1, unitid: {unit_id}, webname: '{webname}', permissiontype: 0}}}});"
            "});</script>"
        )
        self.site.add(f"/col/col{column_id}/index.html", self.page(
            column.name if index else "政府信息公开年报", body, left=left))
        reports = {d.year: self.detail_path(column_id, d) for d in column.reports}
        for doc in docs:
            self.add_detail(column_id, doc, reports.get(doc.year))

    def dataproxy(self, request: SiteRequest) -> Page:
        """The jpage proxy: records startrecord..endrecord (1-based, inclusive) of a column."""
        params = {**request.query, **request.form}
        docs = self.columns.get(params.get("columnid", ""), [])
        start = max(1, int_param(params, "startrecord", 1))
        end = int_param(params, "endrecord", len(docs))
        size = max(1, int_param(params, "perpage", PER_PAGE))
        records = "".join(
            record(self.detail_path(params["columnid"], d), d) for d in docs[start - 1 : end]
        )
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?><datastore>'
            f"<nextgroup><![CDATA[<a href=\"{PROXY_PATH}?page={end // size + 1}\"></a>]]></nextgroup>"
            f"<recordset>{records}</recordset><totalrecord>{len(docs)}</totalrecord>"
            f"<totalpage>{math.ceil(len(docs) / size)}</totalpage></datastore>"
        )
        # The proxy is a live query: no validators, so every recheck gets the current list.
        return Page(xml.encode(), content_type="text/xml;charset=UTF-8", conditional=False)


def build_site(content: PortalContent, base_url: str) -> Site:
    return HanwebRenderer(content, base_url).build()

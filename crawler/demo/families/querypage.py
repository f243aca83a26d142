"""Portals on dynamic list pages paged by a query parameter (``list.aspx?cid=12&page=3``).

Layout: homepage -> /xxgk/ (政府信息公开, with the departments' and townships' entries at
/xxgk/bm/<slug>.html) -> 政府信息公开年报 columns /xxgk/list.aspx?cid=<id> paged by a
parameter whose name varies between portals (page, pageIndex, p, pageNo), the pager
showing "共N页" and a window of five page numbers -> detail pages /xxgk/show/<yyyy>/<id>.html.
"""

from __future__ import annotations

import math
import zlib
from html import escape

from crawler.demo.content import Column, PortalContent, ReportDoc
from crawler.demo.families.classic import _Renderer
from crawler.demo.site import NOT_FOUND_BODY, Page, Site, SiteRequest

LIST_PATH = "/xxgk/list.aspx"
SECTION = "/xxgk/"
PAGE_PARAMS = ("page", "pageIndex", "p", "pageNo")
PAGE_SIZE = 20


def page_param(content: PortalContent) -> str:
    """The parameter this portal pages by (stable per portal, so fixtures vary but repeat)."""
    return PAGE_PARAMS[zlib.crc32(content.id.encode()) % len(PAGE_PARAMS)]


def page_size(count: int) -> int:
    """Short enough that a column spans five list pages: more than the pager's window of
    page numbers shows from the first page, so only "共N页"/尾页 tell the total."""
    return max(1, min(PAGE_SIZE, math.ceil(count / 5)))


def int_param(params: dict[str, str], key: str, default: int) -> int:
    value = params.get(key, "")
    return int(value) if value.isdigit() else default


class QueryPageRenderer(_Renderer):
    def __init__(self, content: PortalContent, base_url: str) -> None:
        super().__init__(content, base_url)
        self.param = page_param(content)
        self.columns: dict[str, tuple[Column, list[ReportDoc]]] = {}  # cid -> docs, newest first

    def page(self, title: str, body: str, *, meta: dict[str, str] | None = None) -> Page:
        metas = {"SiteName": self.content.name, "SiteIDCode": f"{self.content.region_code}0001",
                 **(meta or {})}
        html = (
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">'
            '<html xmlns="http://www.w3.org/1999/xhtml"><head>'
            f'<meta http-equiv="Content-Type" content="text/html; charset={self.charset}" />'
            + "".join(f'<meta name="{k}" content="{escape(v)}" />' for k, v in metas.items())
            + f"<title>{escape(title)} - {escape(self.content.name)}</title></head><body>"
            '<form method="post" action="" id="form1"><div class="aspNetHidden">'
            '<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUKLTk1MjI0NzE4OGRk" />'
            '</div><div id="header"><ul id="menu"><li><a href="/">首页</a></li>'
            '<li><a href="/news/">新闻中心</a></li>'
            f'<li><a href="{SECTION}">政府信息公开</a></li><li><a href="/bsfw/">便民服务</a></li></ul></div>'
            f'<div id="location">当前位置：<a href="/">首页</a> &gt; <a href="{SECTION}">政府信息公开</a>'
            f" &gt; {escape(title)}</div><div id=\"content\">{body}</div>"
            f'<div id="footer">{escape(self.content.name)} 主办　<a href="/about/contact.html">联系我们</a>'
            "</div></form></body></html>"
        )
        content_type = "text/html" if self.charset != self.content.encoding else (
            f"text/html; charset={self.charset}"
        )
        return Page(html.encode(self.content.encoding), content_type=content_type)

    def build(self) -> Site:
        content = self.content
        self.site.add("/", self.page(content.name, (
            f'<div class="banner"><h1>{escape(content.name)}</h1></div>'
            f'<div class="quick"><a href="{SECTION}">政府信息公开</a> <a href="/news/">新闻中心</a></div>'
        )))
        own, units = "", []
        for index, column in enumerate(content.columns):
            cid = str(12 + index)
            list_url = f"{LIST_PATH}?cid={cid}"
            if index == 0:
                own = f'<li><a href="{list_url}">政府信息公开年报</a></li>'
            else:
                unit_path = f"/xxgk/bm/{column.slug or f'bm{index}'}.html"
                units.append(f'<li><a href="{unit_path}">{escape(column.name)}</a></li>')
                self.site.add(unit_path, self.page(column.name, (
                    f'<div class="bm"><h2>{escape(column.name)}</h2><ul>'
                    f'<li><a href="/xxgk/bm/{column.slug or index}/jgzn.html">机构职能</a></li>'
                    f'<li><a href="{list_url}">政府信息公开年报</a></li></ul></div>'
                )))
            self.add_column(cid, column)
        self.site.add(SECTION, self.page("政府信息公开", (
            '<div class="xxgk-left"><ul><li><a href="/xxgk/zn.html">政府信息公开指南</a></li>'
            f"{own}</ul></div>"
            '<div class="xxgk-right"><h3>部门和乡镇信息公开</h3><ul>' + "".join(units) + "</ul></div>"
        )))
        self.site.add_handler(LIST_PATH, self.list_page)
        if content.robots_disallow:
            self.site.disallow(*content.robots_disallow)
        return self.site

    def detail_path(self, base: str, doc: ReportDoc) -> str:
        if doc.slug.startswith("/"):
            return doc.slug
        number = 100000 + zlib.crc32(doc.slug.encode()) % 900000
        return f"/xxgk/show/{doc.date[:4]}/{number}.html"

    def add_column(self, cid: str, column: Column) -> None:  # type: ignore[override]
        docs = sorted([*column.reports, *column.lookalikes], key=lambda d: d.date, reverse=True)
        self.columns[cid] = (column, docs)
        reports = {d.year: self.detail_path(cid, d) for d in column.reports}
        for doc in docs:
            self.add_detail(cid, doc, reports.get(doc.year))

    def list_page(self, request: SiteRequest) -> Page:
        """One page of a column's list; the first page also answers without the parameter."""
        cid = request.query.get("cid", "")
        if cid not in self.columns:
            return Page(NOT_FOUND_BODY, status=404)
        column, docs = self.columns[cid]
        size = page_size(len(docs))
        count = max(1, math.ceil(len(docs) / size))
        number = int_param(request.query, self.param, 1)
        rows = "".join(
            f'<tr><td class="title"><a href="{self.detail_path(cid, d)}" target="_blank" '
            f'title="{escape(d.title)}">{escape(d.title)}</a></td><td class="date">{d.date}</td></tr>'
            for d in docs[(number - 1) * size : number * size]
        )
        return self.page("政府信息公开年报" if column is self.content.columns[0] else column.name, (
            f'<div class="list-title">{escape(column.name)}</div>'
            f'<table class="list" width="100%"><tbody>{rows}</tbody></table>'
            f'<div class="pager">{self.pager(cid, number, count)}</div>'
        ))

    def pager(self, cid: str, current: int, count: int) -> str:
        """共N页 第k页 首页 上一页 [five numbers] 下一页 尾页, every link relative."""
        def link(number: int, text: str) -> str:
            return f'<a href="list.aspx?cid={cid}&amp;{self.param}={number}">{text}</a>'

        parts = [f"共{count}页 第{current}页", link(1, "首页")]
        if current > 1:
            parts.append(link(current - 1, "上一页"))
        for number in range(max(1, current - 2), min(count, current + 2) + 1):
            parts.append(f"<span class=\"current\">{number}</span>" if number == current
                         else link(number, str(number)))
        if current < count:
            parts.append(link(current + 1, "下一页"))
        parts.append(link(count, "尾页"))
        return " ".join(parts)


def build_site(content: PortalContent, base_url: str) -> Site:
    return QueryPageRenderer(content, base_url).build()

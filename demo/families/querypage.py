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

from demo.content import Column, PortalContent, ReportDoc
from demo.families.render import (
    XHTML_OPENING,
    Renderer,
    article_id,
    int_param,
    link_item,
    meta_tags,
    newest_first,
    page_size,
    unit_slug,
)
from demo.site import NOT_FOUND_BODY, Page, Site, SiteRequest

LIST_PATH = "/xxgk/list.aspx"
SECTION = "/xxgk/"
PAGE_PARAMS = ("page", "pageIndex", "p", "pageNo")
PAGE_SIZE = 20
FIRST_COLUMN_ID = 12  # the cid of the government's own column; units' follow
# Fixture columns span five list pages: more than the pager's window of page numbers
# shows from the first page, so only "共N页"/尾页 tell the total.
LIST_PAGES = 5
PAGER_WINDOW = 2  # page numbers shown either side of the current one


def page_param(content: PortalContent) -> str:
    """The parameter this portal pages by (stable per portal, so fixtures vary but repeat)."""
    return PAGE_PARAMS[zlib.crc32(content.id.encode()) % len(PAGE_PARAMS)]


class QueryPageRenderer(Renderer):
    def __init__(self, content: PortalContent, base_url: str) -> None:
        super().__init__(content, base_url)
        self.param = page_param(content)
        self.lists: dict[str, tuple[Column, list[ReportDoc]]] = {}  # cid -> column, newest first
        self.site.add_handler(LIST_PATH, self.list_page)

    def page(self, title: str, body: str, *, meta: dict[str, str] | None = None) -> Page:
        metas = {"SiteName": self.content.name, "SiteIDCode": self.site_id_code, **(meta or {})}
        return self.encoded(
            f"{XHTML_OPENING}<head>{self.charset_meta(xhtml=True)}{meta_tags(metas, xhtml=True)}"
            f"<title>{escape(title)} - {escape(self.content.name)}</title></head><body>"
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

    def homepage(self) -> str:
        return (
            f'<div class="banner"><h1>{escape(self.content.name)}</h1></div>'
            f'<div class="quick"><a href="{SECTION}">政府信息公开</a> <a href="/news/">新闻中心</a></div>'
        )

    def add_column(self, index: int, column: Column) -> str:
        cid = str(FIRST_COLUMN_ID + index)
        self.lists[cid] = (column, newest_first(column))
        self.add_details(cid, column)
        return f"{LIST_PATH}?cid={cid}"

    def add_unit(self, index: int, column: Column, list_url: str) -> str:
        home = f"/xxgk/bm/{unit_slug(index, column)}"
        self.site.add(f"{home}.html", self.page(column.name, (
            f'<div class="bm"><h2>{escape(column.name)}</h2><ul>'
            f"{link_item(f'{home}/jgzn.html', '机构职能')}{link_item(list_url, '政府信息公开年报')}</ul></div>"
        )))
        return link_item(f"{home}.html", column.name)

    def add_section(self, own_list_url: str | None, unit_items: list[str]) -> None:
        own = link_item(own_list_url, "政府信息公开年报") if own_list_url else ""
        self.site.add(SECTION, self.page("政府信息公开", (
            '<div class="xxgk-left"><ul><li><a href="/xxgk/zn.html">政府信息公开指南</a></li>'
            f"{own}</ul></div>"
            '<div class="xxgk-right"><h3>部门和乡镇信息公开</h3><ul>' + "".join(unit_items) + "</ul></div>"
        )))

    def article_path(self, column_key: str, doc: ReportDoc) -> str:
        return f"/xxgk/show/{doc.date[:4]}/{article_id(doc)}.html"

    def list_page(self, request: SiteRequest) -> Page:
        """One page of a column's list; the first page also answers without the parameter."""
        cid = request.query.get("cid", "")
        if cid not in self.lists:
            return Page(NOT_FOUND_BODY, status=404)
        column, docs = self.lists[cid]
        size = page_size(len(docs), pages=LIST_PAGES, most=PAGE_SIZE)
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
        for number in range(max(1, current - PAGER_WINDOW), min(count, current + PAGER_WINDOW) + 1):
            parts.append(f"<span class=\"current\">{number}</span>" if number == current
                         else link(number, str(number)))
        if current < count:
            parts.append(link(current + 1, "下一页"))
        parts.append(link(count, "尾页"))
        return " ".join(parts)


def build_site(content: PortalContent, base_url: str) -> Site:
    return QueryPageRenderer(content, base_url).build()

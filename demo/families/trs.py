"""TRS WCM (拓尔思) portals: static list pages whose pager exists only as a script.

Layout: homepage -> /zwgk/zfxxgk/ (the disclosure section) -> 政府信息公开年报 column
/zwgk/zfxxgk/ndbg/ and the departments' and townships' sections /zwgk/zfxxgk/bmxxgk/<slug>/
each with its own ndbg/ column -> list pages index.html, index_1.html, ... whose only pager
is ``createPageHTML(...)`` (the old four-argument call on the government's own column, the
newer six-argument one on the others) -> detail pages <yyyymm>/t<yyyymmdd>_<id>.html.
"""

from __future__ import annotations

from html import escape

from demo.content import Column, PortalContent, ReportDoc
from demo.families.render import (
    XHTML_OPENING,
    Renderer,
    article_id,
    link_item,
    meta_tags,
    newest_first,
    page_size,
    static_list_name,
    unit_slug,
)
from demo.site import Page, Site

SECTION = "/zwgk/zfxxgk/"
PAGE_SIZE = 15  # TRS templates' usual list length
LIST_PAGES = 3  # fixture columns span this many list pages
Crumbs = list[tuple[str, str]]  # (name, href) of the breadcrumb trail after 首页
SECTION_CRUMBS: Crumbs = [("政府信息公开", SECTION)]


def unit_home(index: int, column: Column) -> str:
    return f"{SECTION}bmxxgk/{unit_slug(index, column)}/"


class TrsRenderer(Renderer):
    def page(self, title: str, body: str, *, meta: dict[str, str] | None = None,
             crumbs: Crumbs | None = None) -> Page:
        metas = {"SiteName": self.content.name, "SiteDomain": self.base_url,
                 "SiteIDCode": self.site_id_code, **(meta or {})}
        trail = " &gt; ".join(
            f'<a href="{href}" class="CurrChnlCls">{escape(name)}</a>'
            for name, href in [("首页", "/"), *(crumbs or [])]
        )
        return self.encoded(
            f"{XHTML_OPENING}<head>{self.charset_meta(xhtml=True)}{meta_tags(metas, xhtml=True)}"
            f"<title>{escape(title)}_{escape(self.content.name)}</title>"
            '<script type="text/javascript" src="/images/jquery.min.js"></script></head><body>'
            f'<div class="top"><div class="logo"><a href="/">{escape(self.content.name)}</a></div>'
            '<div class="nav"><ul><li><a href="/">网站首页</a></li><li><a href="/zwyw/">政务要闻</a></li>'
            f'<li><a href="{SECTION}">政府信息公开</a></li><li><a href="/zmhd/">政民互动</a></li>'
            '<li><a href="/bsfw/">办事服务</a></li></ul></div></div>'
            f'<div class="main"><div class="position">当前位置：{trail}</div>{body}</div>'
            f'<div class="footer"><p>主办单位：{escape(self.content.name)}办公室　'
            '<a href="/wzdt/">网站地图</a>　<a href="/lxwm/">联系我们</a></p>'
            f"<p>网站标识码：{self.site_id_code}　ICP备案号：冀ICP备05012345号</p></div>"
            "</body></html>"
        )

    def homepage(self) -> str:
        return (
            f'<div class="banner"><h1>{escape(self.content.name)}</h1></div>'
            '<div class="zwyw"><h3><a href="/zwyw/">政务要闻</a></h3></div>'
            f'<div class="rk"><a href="{SECTION}">政府信息公开</a> <a href="/zwgk/">政务公开</a></div>'
        )

    def add_unit(self, index: int, column: Column, list_url: str) -> str:
        home = unit_home(index, column)
        self.site.add(home, self.page(column.name, (
            f'<div class="bmnav"><h2>{escape(column.name)}</h2><ul>'
            '<li><a href="./jgzn/">机构职能</a></li><li><a href="./zcwj/">政策文件</a></li>'
            f"{link_item(list_url, '政府信息公开年报')}</ul></div>"
        ), crumbs=[*SECTION_CRUMBS, (column.name, home)]))
        return link_item(home, column.name)

    def add_section(self, own_list_url: str | None, unit_items: list[str]) -> None:
        own = link_item(own_list_url, "政府信息公开年报") if own_list_url else ""
        self.site.add(SECTION, self.page("政府信息公开", (
            '<div class="left"><ul class="gkml">'
            '<li><a href="./zfxxgkzn/">政府信息公开指南</a></li>'
            '<li><a href="./zfxxgkzd/">政府信息公开制度</a></li>'
            '<li><a href="./fdzdgknr/">法定主动公开内容</a></li>'
            f"{own}</ul></div>"
            '<div class="right"><h3>部门和乡镇（街道）信息公开</h3><ul class="bmlist">'
            + "".join(unit_items) + "</ul></div>"
        ), crumbs=SECTION_CRUMBS))
        # The 法定主动公开内容 catalogue the section links to: on TRS sites the 年报 column
        # sits in it too, so discovery reaches the column by both paths.
        self.site.add(SECTION + "fdzdgknr/", self.page("法定主动公开内容", (
            '<div class="left"><ul class="gkml">'
            + (link_item(f"{SECTION}ndbg/", "政府信息公开年报") if own_list_url else "")
            + "</ul></div>"
        ), crumbs=[*SECTION_CRUMBS, ("法定主动公开内容", SECTION + "fdzdgknr/")]))

    def article_path(self, column_key: str, doc: ReportDoc) -> str:
        return f"{column_key}{doc.date[:7].replace('-', '')}/t{doc.date.replace('-', '')}_{article_id(doc)}.html"

    def list_href(self, base: str, doc: ReportDoc) -> str:
        """TRS lists link their own articles relative to the column: ``./202401/t..._123.html``."""
        path = self.detail_path(base, doc)
        return path if doc.slug.startswith("/") else "./" + path.removeprefix(base)

    def add_column(self, index: int, column: Column) -> str:
        """The government's own column keeps the old four-argument pager, units' the newer."""
        if index == 0:
            base, crumbs = f"{SECTION}ndbg/", SECTION_CRUMBS
        else:
            base = f"{unit_home(index, column)}ndbg/"
            crumbs = [*SECTION_CRUMBS, (column.name, unit_home(index, column))]
        docs = newest_first(column)
        size = page_size(len(docs), pages=LIST_PAGES, most=PAGE_SIZE)
        pages = [docs[i : i + size] for i in range(0, len(docs), size)] or [[]]
        crumbs = [*crumbs, ("政府信息公开年报", base)]
        for number, chunk in enumerate(pages):
            items = "".join(
                f'<li><span class="date">{d.date}</span><a href="{self.list_href(base, d)}" '
                f'target="_blank" title="{escape(d.title)}">{escape(d.title)}</a></li>'
                for d in chunk
            )
            page = self.page(column.name, (
                f'<div class="listTitle">{escape(column.name)}</div>'
                f'<ul class="list">{items}</ul>'
                '<div class="page" id="page_div"><script type="text/javascript">'
                f"{pager_script(number, len(pages), len(docs), legacy=index == 0)}</script></div>"
            ), crumbs=crumbs)
            self.site.add(base + static_list_name(number), page)
            if number == 0:
                self.site.add(base, page)  # the directory URL serves index.html
        self.add_details(base, column)
        return "./ndbg/"  # linked relative to the section or the unit's home, as TRS does


def pager_script(number: int, count: int, records: int, *, legacy: bool) -> str:
    """The createPageHTML call of list page ``number`` (from 0) of ``count``: the old
    four-argument form with its variables, or the newer one naming the pager's div."""
    if not legacy:
        return f"createPageHTML('page_div',{count}, {number + 1},'index','html',{records});"
    return (
        f"var currentPage = {number};//所在页从0开始\n"
        "var prevPage = currentPage-1//上一页\n"
        "var nextPage = currentPage+1//下一页\n"
        f"var countPage = {count}//共多少页\n"
        'createPageHTML(countPage, currentPage, "index", "html");'
    )


def build_site(content: PortalContent, base_url: str) -> Site:
    return TrsRenderer(content, base_url).build()

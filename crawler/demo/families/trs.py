"""TRS WCM (拓尔思) portals: static list pages whose pager exists only as a script.

Layout: homepage -> /zwgk/zfxxgk/ (the disclosure section) -> 政府信息公开年报 column
/zwgk/zfxxgk/ndbg/ and the departments' and townships' sections /zwgk/zfxxgk/bmxxgk/<slug>/
each with its own ndbg/ column -> list pages index.html, index_1.html, ... whose only pager
is ``createPageHTML(...)`` (the old four-argument call on the government's own column, the
newer six-argument one on the others) -> detail pages <yyyymm>/t<yyyymmdd>_<id>.html.
"""

from __future__ import annotations

import math
import zlib
from html import escape

from crawler.demo.content import Column, PortalContent, ReportDoc
from crawler.demo.families.classic import _Renderer
from crawler.demo.site import Page, Site

SECTION = "/zwgk/zfxxgk/"
PAGE_SIZE = 15  # TRS templates' usual list length


def page_size(count: int) -> int:
    """Short enough that a column of three or more documents spans three list pages."""
    return max(1, min(PAGE_SIZE, math.ceil(count / 3)))


class TrsRenderer(_Renderer):
    def page(self, title: str, body: str, *, meta: dict[str, str] | None = None,
             crumbs: list[tuple[str, str]] | None = None) -> Page:
        metas = {"SiteName": self.content.name, "SiteDomain": self.base_url,
                 "SiteIDCode": f"{self.content.region_code}0001", **(meta or {})}
        trail = " &gt; ".join(
            f'<a href="{href}" class="CurrChnlCls">{escape(name)}</a>'
            for name, href in [("首页", "/"), *(crumbs or [])]
        )
        html = (
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">'
            '<html xmlns="http://www.w3.org/1999/xhtml"><head>'
            f'<meta http-equiv="Content-Type" content="text/html; charset={self.charset}" />'
            + "".join(f'<meta name="{k}" content="{escape(v)}" />' for k, v in metas.items())
            + f"<title>{escape(title)}_{escape(self.content.name)}</title>"
            '<script type="text/javascript" src="/images/jquery.min.js"></script></head><body>'
            f'<div class="top"><div class="logo"><a href="/">{escape(self.content.name)}</a></div>'
            '<div class="nav"><ul><li><a href="/">网站首页</a></li><li><a href="/zwyw/">政务要闻</a></li>'
            f'<li><a href="{SECTION}">政府信息公开</a></li><li><a href="/zmhd/">政民互动</a></li>'
            '<li><a href="/bsfw/">办事服务</a></li></ul></div></div>'
            f'<div class="main"><div class="position">当前位置：{trail}</div>{body}</div>'
            f'<div class="footer"><p>主办单位：{escape(self.content.name)}办公室　'
            '<a href="/wzdt/">网站地图</a>　<a href="/lxwm/">联系我们</a></p>'
            f"<p>网站标识码：{self.content.region_code}0001　ICP备案号：冀ICP备05012345号</p></div>"
            "</body></html>"
        )
        return self.encoded(html)

    def encoded(self, html: str) -> Page:
        """Encoded as the portal is; GBK portals name their charset only in the meta tag."""
        content_type = "text/html" if self.charset != self.content.encoding else (
            f"text/html; charset={self.charset}"
        )
        return Page(html.encode(self.content.encoding), content_type=content_type)

    def column_base(self, index: int, column: Column) -> str:
        return f"{SECTION}ndbg/" if index == 0 else f"{SECTION}bmxxgk/{column.slug or f'bm{index}'}/ndbg/"

    def build(self) -> Site:
        content = self.content
        self.site.add("/", self.page(content.name, (
            f'<div class="banner"><h1>{escape(content.name)}</h1></div>'
            '<div class="zwyw"><h3><a href="/zwyw/">政务要闻</a></h3></div>'
            f'<div class="rk"><a href="{SECTION}">政府信息公开</a> <a href="/zwgk/">政务公开</a></div>'
        )))
        section = [("政府信息公开", SECTION)]
        own, others = "", []
        for index, column in enumerate(content.columns):
            base = self.column_base(index, column)
            if index == 0:
                own = '<li><a href="./ndbg/">政府信息公开年报</a></li>'
                self.add_column(base, column, section, legacy_pager=True)
                continue
            home = base.removesuffix("ndbg/")
            others.append(f'<li><a href="{home}">{escape(column.name)}</a></li>')
            crumbs = [*section, (column.name, home)]
            self.site.add(home, self.page(column.name, (
                f'<div class="bmnav"><h2>{escape(column.name)}</h2><ul>'
                '<li><a href="./jgzn/">机构职能</a></li><li><a href="./zcwj/">政策文件</a></li>'
                '<li><a href="./ndbg/">政府信息公开年报</a></li></ul></div>'
            ), crumbs=crumbs))
            self.add_column(base, column, crumbs, legacy_pager=False)
        self.site.add(SECTION, self.page("政府信息公开", (
            '<div class="left"><ul class="gkml">'
            '<li><a href="./zfxxgkzn/">政府信息公开指南</a></li>'
            '<li><a href="./zfxxgkzd/">政府信息公开制度</a></li>'
            '<li><a href="./fdzdgknr/">法定主动公开内容</a></li>'
            f"{own}</ul></div>"
            '<div class="right"><h3>部门和乡镇（街道）信息公开</h3><ul class="bmlist">'
            + "".join(others) + "</ul></div>"
        ), crumbs=section))
        if content.robots_disallow:
            self.site.disallow(*content.robots_disallow)
        return self.site

    def detail_path(self, base: str, doc: ReportDoc) -> str:
        if doc.slug.startswith("/"):
            return doc.slug
        number = 100000 + zlib.crc32(doc.slug.encode()) % 900000
        return f"{base}{doc.date[:7].replace('-', '')}/t{doc.date.replace('-', '')}_{number}.html"

    def add_column(self, base: str, column: Column, crumbs: list[tuple[str, str]] | None = None,
                   *, legacy_pager: bool = True) -> None:
        docs = sorted([*column.reports, *column.lookalikes], key=lambda d: d.date, reverse=True)
        size = page_size(len(docs))
        pages = [docs[i : i + size] for i in range(0, len(docs), size)] or [[]]
        crumbs = [*(crumbs or []), ("政府信息公开年报", base)]
        for number, chunk in enumerate(pages):
            items = "".join(
                f'<li><span class="date">{d.date}</span>'
                f'<a href="./{self.detail_path(base, d).removeprefix(base)}" target="_blank" '
                f'title="{escape(d.title)}">{escape(d.title)}</a></li>'
                if not d.slug.startswith("/") else
                f'<li><span class="date">{d.date}</span><a href="{d.slug}" target="_blank" '
                f'title="{escape(d.title)}">{escape(d.title)}</a></li>'
                for d in chunk
            )
            if legacy_pager:
                script = (
                    f"var currentPage = {number};//所在页从0开始\n"
                    "var prevPage = currentPage-1//上一页\n"
                    "var nextPage = currentPage+1//下一页\n"
                    f"var countPage = {len(pages)}//共多少页\n"
                    'createPageHTML(countPage, currentPage, "index", "html");'
                )
            else:
                script = f"createPageHTML('page_div',{len(pages)}, {number + 1},'index','html',{len(docs)});"
            name = "index.html" if number == 0 else f"index_{number}.html"
            page = self.page(column.name, (
                f'<div class="listTitle">{escape(column.name)}</div>'
                f'<ul class="list">{items}</ul>'
                f'<div class="page" id="page_div"><script type="text/javascript">{script}</script></div>'
            ), crumbs=crumbs)
            self.site.add(base + name, page)
            if number == 0:
                self.site.add(base, page)  # the directory URL serves index.html
        reports = {d.year: self.detail_path(base, d) for d in column.reports}
        for doc in docs:
            self.add_detail(base, doc, reports.get(doc.year))


def build_site(content: PortalContent, base_url: str) -> Site:
    return TrsRenderer(content, base_url).build()

"""The reference CMS family: static pages, lists paged by "首页 上一页 1 2 3 下一页 尾页".

Layout: homepage -> /zfxxgk/index.html (the disclosure section, listing departments and
townships) -> each body's 政府信息公开年报 column -> list pages index.html, index_1.html... ->
detail pages <yyyymm>/t<yyyymmdd>_<slug>.html -> attachments.
"""

from __future__ import annotations

from html import escape

from demo.content import Column, PortalContent, ReportDoc
from demo.families.render import (
    Renderer,
    link_item,
    meta_tags,
    newest_first,
    static_list_name,
    unit_slug,
)
from demo.site import Page, Site

PAGE_SIZE = 10
SECTION = "/zfxxgk/index.html"


class ClassicRenderer(Renderer):
    def page(self, title: str, body: str, *, meta: dict[str, str] | None = None) -> Page:
        return self.encoded(
            f"<!DOCTYPE html><html><head>{self.charset_meta()}{meta_tags(meta or {})}"
            f"<title>{escape(title)}</title>"
            f"</head><body><div class=\"header\"><a href=\"/\">首页</a> "
            f"<a href=\"{SECTION}\">政府信息公开</a> <a href=\"/xwzx/\">新闻中心</a> "
            f"<a href=\"/hdjl/\">互动交流</a></div>{body}"
            f"<div class=\"footer\">主办：{escape(self.content.name)}</div></body></html>"
        )

    def homepage(self) -> str:
        return (
            f"<h1>{escape(self.content.name)}</h1><ul class=\"nav\">"
            "<li><a href=\"/zwgk/\">政务公开</a></li>"
            f"<li><a href=\"{SECTION}\">政府信息公开</a></li></ul>"
        )

    def add_unit(self, index: int, column: Column, list_url: str) -> str:
        home = f"/zfxxgk/{unit_slug(index, column)}/"
        self.site.add(f"{home}index.html", self.page(column.name, (
            f"<h2>{escape(column.name)}信息公开</h2><ul>"
            f"{link_item(f'{home}jgzn/', '机构职能')}{link_item(list_url, '政府信息公开年报')}</ul>"
        )))
        return link_item(f"{home}index.html", column.name)

    def add_section(self, own_list_url: str | None, unit_items: list[str]) -> None:
        own = link_item(own_list_url, "政府信息公开年报") if own_list_url else ""
        self.site.add(SECTION, self.page("政府信息公开", (
            "<h2>政府信息公开</h2><ul class=\"menu\">"
            "<li><a href=\"/zfxxgk/zn/\">政府信息公开指南</a></li>"
            "<li><a href=\"/zfxxgk/zd/\">政府信息公开制度</a></li>"
            f"{own}</ul>"
            "<h3>部门和乡镇信息公开</h3><ul class=\"depts\">" + "".join(unit_items) + "</ul>"
        )))

    def article_path(self, column_key: str, doc: ReportDoc) -> str:
        return f"{column_key}{doc.date[:7].replace('-', '')}/t{doc.date.replace('-', '')}_{doc.slug}.html"

    def add_column(self, index: int, column: Column) -> str:
        base = "/zfxxgk/ndbg/" if index == 0 else f"/zfxxgk/{unit_slug(index, column)}/ndbg/"
        docs = newest_first(column)
        pages = [docs[i : i + PAGE_SIZE] for i in range(0, len(docs), PAGE_SIZE)] or [[]]
        for number, chunk in enumerate(pages):
            items = "".join(
                f'<li><a href="{self.detail_path(base, d)}" title="{escape(d.title)}">'
                f"{escape(d.title)}</a><span>{d.date}</span></li>"
                for d in chunk
            )
            self.site.add(base + static_list_name(number), self.page(column.name, (
                f"<h2>{escape(column.name)}</h2><ul class=\"list\">{items}</ul>"
                f"<div class=\"page\">{pager(number, len(pages))}</div>"
            )))
        self.add_details(base, column)
        return f"{base}index.html"


def pager(current: int, total: int) -> str:
    """首页 上一页 1 2 3 下一页 尾页, as these CMSs print it."""
    def link(number: int, text: str) -> str:
        return f'<a href="{static_list_name(number)}">{text}</a>'

    parts = [link(0, "首页")]
    if current > 0:
        parts.append(link(current - 1, "上一页"))
    for number in range(total):
        parts.append(f"<span>{number + 1}</span>" if number == current else link(number, str(number + 1)))
    if current < total - 1:
        parts.append(link(current + 1, "下一页"))
    parts.append(link(total - 1, "尾页"))
    return " ".join(parts)


def build_site(content: PortalContent, base_url: str) -> Site:
    return ClassicRenderer(content, base_url).build()

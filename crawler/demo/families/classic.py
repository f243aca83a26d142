"""The reference CMS family: static pages, lists paged by "首页 上一页 1 2 3 下一页 尾页".

Layout: homepage -> /zfxxgk/index.html (the disclosure section, listing departments and
townships) -> each body's 政府信息公开年报 column -> list pages index.html, index_1.html... ->
detail pages t20240120_<slug>.html -> attachments, linked in the four styles portals use.
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from urllib.parse import quote

from crawler.demo.content import Attachment, Column, PortalContent, ReportDoc
from crawler.demo.site import Page, Site

PAGE_SIZE = 10
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "wps": "application/octet-stream",
    "ofd": "application/ofd",
    "zip": "application/zip",
}


def declared_charset(encoding: str) -> str:
    """GBK portals commonly declare gb2312 while serving GBK-only characters (a real trap)."""
    return "gb2312" if encoding.lower() in {"gbk", "gb2312", "gb18030"} else encoding


class _Renderer:
    def __init__(self, content: PortalContent, base_url: str) -> None:
        self.content = content
        self.base_url = base_url
        self.site = Site()
        self.charset = declared_charset(content.encoding)

    def page(self, title: str, body: str, *, meta: dict[str, str] | None = None) -> Page:
        metas = "".join(
            f'<meta name="{name}" content="{escape(value)}">' for name, value in (meta or {}).items()
        )
        html = (
            f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" '
            f'content="text/html; charset={self.charset}">{metas}<title>{escape(title)}</title>'
            f"</head><body><div class=\"header\"><a href=\"/\">首页</a> "
            f"<a href=\"/zfxxgk/index.html\">政府信息公开</a> <a href=\"/xwzx/\">新闻中心</a> "
            f"<a href=\"/hdjl/\">互动交流</a></div>{body}"
            f"<div class=\"footer\">主办：{escape(self.content.name)}</div></body></html>"
        )
        # GBK portals send no charset in the header: the meta tag is all a client gets.
        content_type = "text/html" if self.charset != self.content.encoding else (
            f"text/html; charset={self.charset}"
        )
        return Page(html.encode(self.content.encoding), content_type=content_type)

    def column_base(self, index: int, column: Column) -> str:
        return "/zfxxgk/ndbg/" if index == 0 else f"/zfxxgk/{column.slug or f'bm{index}'}/ndbg/"

    def build(self) -> Site:
        content = self.content
        self.site.add("/", self.page(content.name, (
            f"<h1>{escape(content.name)}</h1><ul class=\"nav\">"
            "<li><a href=\"/zwgk/\">政务公开</a></li>"
            "<li><a href=\"/zfxxgk/index.html\">政府信息公开</a></li></ul>"
        )))
        section_links = []
        for index, column in enumerate(content.columns):
            base = self.column_base(index, column)
            if index == 0:
                own = f'<li><a href="{base}index.html">政府信息公开年报</a></li>'
            else:
                dept_index = base.removesuffix("ndbg/") + "index.html"
                section_links.append(f'<li><a href="{dept_index}">{escape(column.name)}</a></li>')
                self.site.add(dept_index, self.page(column.name, (
                    f"<h2>{escape(column.name)}信息公开</h2><ul>"
                    f'<li><a href="{base.removesuffix("ndbg/")}jgzn/">机构职能</a></li>'
                    f'<li><a href="{base}index.html">政府信息公开年报</a></li></ul>'
                )))
            self.add_column(base, column)
        self.site.add("/zfxxgk/index.html", self.page("政府信息公开", (
            "<h2>政府信息公开</h2><ul class=\"menu\">"
            "<li><a href=\"/zfxxgk/zn/\">政府信息公开指南</a></li>"
            "<li><a href=\"/zfxxgk/zd/\">政府信息公开制度</a></li>"
            f"{own if content.columns else ''}</ul>"
            "<h3>部门和乡镇信息公开</h3><ul class=\"depts\">" + "".join(section_links) + "</ul>"
        )))
        if content.robots_disallow:
            self.site.disallow(*content.robots_disallow)
        return self.site

    def detail_path(self, base: str, doc: ReportDoc) -> str:
        if doc.slug.startswith("/"):
            return doc.slug
        return f"{base}{doc.date[:7].replace('-', '')}/t{doc.date.replace('-', '')}_{doc.slug}.html"

    def add_column(self, base: str, column: Column) -> None:
        docs = sorted([*column.reports, *column.lookalikes], key=lambda d: d.date, reverse=True)
        pages = [docs[i : i + PAGE_SIZE] for i in range(0, len(docs), PAGE_SIZE)] or [[]]
        report_paths = {(d.year, self.detail_path(base, d)) for d in column.reports}
        for number, chunk in enumerate(pages):
            items = "".join(
                f'<li><a href="{self.detail_path(base, d)}" title="{escape(d.title)}">'
                f"{escape(d.title)}</a><span>{d.date}</span></li>"
                for d in chunk
            )
            name = "index.html" if number == 0 else f"index_{number}.html"
            self.site.add(base + name, self.page(column.name, (
                f"<h2>{escape(column.name)}</h2><ul class=\"list\">{items}</ul>"
                f"<div class=\"page\">{pager(number, len(pages))}</div>"
            )))
        for doc in docs:
            related = next((p for y, p in sorted(report_paths) if y == doc.year), None)
            self.add_detail(base, doc, related)

    def add_detail(self, base: str, doc: ReportDoc, related: str | None) -> None:
        path = self.detail_path(base, doc)
        folder = path.rsplit("/", 1)[0] + "/"
        links = []
        for number, attachment in enumerate(doc.attachments):
            href, served = self.attachment_link(folder, doc, number, attachment)
            links.append(f'<p>附件：<a href="{href}">{escape(attachment.filename)}</a></p>')
            self.site.doc_paths[f"{doc.slug}:{attachment.filename}"] = served
        body = "<p>（详见附件）</p>" if doc.attachment_only else doc.body_html
        if "一图读懂" in doc.title and related:
            body += f'<p><a href="{related}">点击查看报告全文</a></p>'
        modified = datetime.fromisoformat(doc.date).replace(hour=9, tzinfo=UTC)
        page = self.page(doc.title, (
            f'<div class="article"><h1>{escape(doc.title)}</h1>'
            f'<div class="info">发布时间：{doc.date}</div>'
            f'<div class="content">{body}{"".join(links)}</div></div>'
        ), meta={
            "ArticleTitle": doc.title,
            "PubDate": f"{doc.date} 09:00",
            "SiteIDCode": f"{self.content.region_code}0001",
            "ColumnName": "政府信息公开年报",
        })
        page.last_modified = modified
        self.site.add(path, page)
        self.site.doc_paths[doc.slug] = path

    def attachment_link(
        self, folder: str, doc: ReportDoc, number: int, attachment: Attachment
    ) -> tuple[str, str]:
        """The href the page shows and the path (plus query) the site serves it at."""
        ext = attachment.filename.rsplit(".", 1)[-1].lower()
        content_type = CONTENT_TYPES.get(ext, "application/octet-stream")
        stamp = doc.date.replace("-", "")
        if attachment.href_style == "downfile":
            query = f"classid=0&filename={stamp}{number:02d}{doc.slug[-6:]}.{ext}"
            served = f"/module/download/downfile.jsp?{query}"
            self.site.add(served, Page(attachment.body, content_type="application/octet-stream",
                                       headers={"Content-Disposition": self.disposition(attachment)}))
            return served, served
        if attachment.href_style == "relative":
            served = f"{folder}P0{stamp}{number:02d}{len(doc.slug):03d}.{ext}"
            href = served.rsplit("/", 1)[1]
        else:
            served = folder + attachment.filename
            href = quote(attachment.filename) if attachment.href_style == "percent" else attachment.filename
            href = folder + href
        self.site.add(served, Page(attachment.body, content_type=content_type))
        return href, served

    def disposition(self, attachment: Attachment) -> str:
        """RFC 5987 on UTF-8 portals; raw GBK bytes in a quoted filename on GBK portals."""
        if self.content.encoding.lower().startswith("gb"):
            raw = attachment.filename.encode("gbk").decode("latin-1")
            return f'attachment; filename="{raw}"'
        return f"attachment; filename=\"report.{attachment.filename.rsplit('.', 1)[-1]}\"; filename*=UTF-8''{quote(attachment.filename)}"


def pager(current: int, total: int) -> str:
    """首页 上一页 1 2 3 下一页 尾页, as these CMSs print it."""
    def name(n: int) -> str:
        return "index.html" if n == 0 else f"index_{n}.html"

    parts = [f'<a href="{name(0)}">首页</a>']
    if current > 0:
        parts.append(f'<a href="{name(current - 1)}">上一页</a>')
    for n in range(total):
        parts.append(f"<span>{n + 1}</span>" if n == current else f'<a href="{name(n)}">{n + 1}</a>')
    if current < total - 1:
        parts.append(f'<a href="{name(current + 1)}">下一页</a>')
    parts.append(f'<a href="{name(total - 1)}">尾页</a>')
    return " ".join(parts)


def build_site(content: PortalContent, base_url: str) -> Site:
    return _Renderer(content, base_url).build()

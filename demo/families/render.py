"""What every fixture CMS family renders the same way: encoding, report pages, attachments.

A family module (classic, querypage, trs, hanweb, jsonapi) subclasses `Renderer` and writes
only what makes it that family: its page shell, where it puts articles, and how its lists
show and page. What a portal publishes the same way whatever its CMS — report pages with
their metadata, attachments linked in the four styles portals use, the GBK portal that
declares gb2312 — is written here once, so every family carries the same traps and a fix
to one of them reaches all five.
"""

from __future__ import annotations

import math
import zlib
from datetime import UTC, datetime
from html import escape
from urllib.parse import quote

from demo.content import Attachment, Column, PortalContent, ReportDoc
from demo.site import Page, Site

# Article ids as these CMSs print them: six digits, stable per document (from its slug).
FIRST_ARTICLE_ID = 100000
ARTICLE_ID_COUNT = 900000
PUBLISHED_AT = "09:00"  # the time of day report pages say they were published
ATTACHMENT_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "wps": "application/octet-stream",
    "ofd": "application/ofd",
    "zip": "application/zip",
}
GB_ENCODINGS = frozenset({"gbk", "gb2312", "gb18030"})
# The opening of pages from XHTML-era templates (TRS, ASP.NET), still common on portals.
XHTML_OPENING = (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
    '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">'
    '<html xmlns="http://www.w3.org/1999/xhtml">'
)


def declared_charset(encoding: str) -> str:
    """GBK portals commonly declare gb2312 while serving GBK-only characters (a real trap)."""
    return "gb2312" if encoding.lower() in GB_ENCODINGS else encoding


def int_param(params: dict[str, str], key: str, default: int) -> int:
    """A numeric request parameter; missing or not a number means the default, as on the CMSs."""
    value = params.get(key, "")
    return int(value) if value.isdigit() else default


def page_size(count: int, *, pages: int, most: int) -> int:
    """A list length that spreads ``count`` documents over ``pages`` pages, ``most`` at most.

    Fixture columns hold about a dozen documents: at a CMS's real list length they would
    fit on one page and leave the family's paging untried.
    """
    return max(1, min(most, math.ceil(count / pages)))


def newest_first(column: Column) -> list[ReportDoc]:
    """A column's documents in list order: reports and look-alikes mixed, newest first."""
    return sorted([*column.reports, *column.lookalikes], key=lambda d: d.date, reverse=True)


def static_list_name(number: int) -> str:
    """The file of list page ``number`` (from 0) on CMSs that publish lists as static files."""
    return "index.html" if number == 0 else f"index_{number}.html"


def unit_slug(index: int, column: Column) -> str:
    """The path segment of a unit (department, township): its slug, else its position."""
    return column.slug or f"bm{index}"


def article_id(doc: ReportDoc) -> int:
    return FIRST_ARTICLE_ID + zlib.crc32(doc.slug.encode()) % ARTICLE_ID_COUNT


def meta_tags(metas: dict[str, str], *, xhtml: bool = False) -> str:
    """``<meta name=.. content=..>`` tags; XHTML-era templates close them with `` />``."""
    end = " />" if xhtml else ">"
    return "".join(f'<meta name="{name}" content="{escape(value)}"{end}' for name, value in metas.items())


def link_item(href: str, text: str) -> str:
    return f'<li><a href="{href}">{escape(text)}</a></li>'


def live_page(body: bytes, content_type: str) -> Page:
    """A dynamic list endpoint's answer. It carries no validators: a live query has no
    version to revalidate, so every monthly recheck gets the current list."""
    return Page(body, content_type=content_type, conditional=False)


class Renderer:
    """Renders one portal's `PortalContent` as the `Site` a CMS family would serve.

    Every family lays a portal out the same way (`add_pages`): a homepage, a disclosure
    section listing the government's own 年报 column and its units (departments,
    townships), and for each unit an entry page linking the unit's own 年报 column. A family
    fills in the hooks below with its markup and URL scheme, and calls `add_details` for
    each column, which adds the column's document pages and attachments.
    """

    def __init__(self, content: PortalContent, base_url: str) -> None:
        self.content = content
        self.base_url = base_url
        self.site = Site()
        self.charset = declared_charset(content.encoding)

    def build(self) -> Site:
        self.add_pages()
        if self.content.robots_disallow:
            self.site.disallow(*self.content.robots_disallow)
        return self.site

    def add_pages(self) -> None:
        self.site.add("/", self.page(self.content.name, self.homepage()))
        own_list_url, unit_items = None, []
        for index, column in enumerate(self.content.columns):
            list_url = self.add_column(index, column)
            if index == 0:
                own_list_url = list_url
            else:
                unit_items.append(self.add_unit(index, column, list_url))
        self.add_section(own_list_url, unit_items)

    # -- family hooks ----------------------------------------------------------------
    def page(self, title: str, body: str, *, meta: dict[str, str] | None = None) -> Page:
        """``body`` inside the family's page shell, with ``meta`` as extra meta tags."""
        raise NotImplementedError

    def homepage(self) -> str:
        """The homepage's body, which links the disclosure section."""
        raise NotImplementedError

    def add_column(self, index: int, column: Column) -> str:
        """Add the column's list (pages or endpoint data) and its documents; returns the
        list's URL as the section or unit page links it. Column 0 is the government's own."""
        raise NotImplementedError

    def add_unit(self, index: int, column: Column, list_url: str) -> str:
        """Add a unit's entry page, linking its column at ``list_url``; returns the
        section's list item for the unit."""
        raise NotImplementedError

    def add_section(self, own_list_url: str | None, unit_items: list[str]) -> None:
        """Add the disclosure section: the government's own 年报 column (None when the
        portal has no column) and the units' list items."""
        raise NotImplementedError

    def article_path(self, column_key: str, doc: ReportDoc) -> str:
        """Where the family publishes ``doc``; ``column_key`` is the family's handle on its
        column (a base path or a column id)."""
        raise NotImplementedError

    # -- shared ----------------------------------------------------------------------
    @property
    def site_id_code(self) -> str:
        """The 网站标识码 government sites carry in a meta tag: region code + serial."""
        return f"{self.content.region_code}0001"

    def charset_meta(self, *, xhtml: bool = False) -> str:
        """The http-equiv tag that declares the page's charset (on GBK portals, the only place)."""
        end = " />" if xhtml else ">"
        return f'<meta http-equiv="Content-Type" content="text/html; charset={self.charset}"{end}'

    def encoded(self, html: str) -> Page:
        """The page in the portal's encoding; GBK portals name their charset only in the
        meta tag, so the header carries none and a client must read the page to decode it."""
        if self.charset != self.content.encoding:
            return Page(html.encode(self.content.encoding), content_type="text/html")
        return Page(html.encode(self.content.encoding), content_type=f"text/html; charset={self.charset}")

    def detail_path(self, column_key: str, doc: ReportDoc) -> str:
        """The document's page path: its slug when that is a path (e.g. a robots-disallowed
        page), else where the family publishes articles."""
        return doc.slug if doc.slug.startswith("/") else self.article_path(column_key, doc)

    def add_details(self, column_key: str, column: Column) -> None:
        """Every document page of the column; a graphic about a report links to it."""
        report_of_year: dict[int, str] = {}
        for report in column.reports:
            report_of_year.setdefault(report.year, self.detail_path(column_key, report))
        for doc in newest_first(column):
            self.add_detail(column_key, doc, report_of_year.get(doc.year))

    def add_detail(self, column_key: str, doc: ReportDoc, related_report: str | None) -> None:
        path = self.detail_path(column_key, doc)
        folder = path.rsplit("/", 1)[0] + "/"
        links = []
        for number, attachment in enumerate(doc.attachments):
            href, served = self.add_attachment(folder, doc, number, attachment)
            links.append(f'<p>附件：<a href="{href}">{escape(attachment.filename)}</a></p>')
            self.site.doc_paths[f"{doc.slug}:{attachment.filename}"] = served
        body = "<p>（详见附件）</p>" if doc.attachment_only else doc.body_html
        if "一图读懂" in doc.title and related_report:
            body += f'<p><a href="{related_report}">点击查看报告全文</a></p>'
        page = self.page(doc.title, (
            f'<div class="article"><h1>{escape(doc.title)}</h1>'
            f'<div class="info">发布时间：{doc.date}</div>'
            f'<div class="content">{body}{"".join(links)}</div></div>'
        ), meta={
            "ArticleTitle": doc.title,
            "PubDate": f"{doc.date} {PUBLISHED_AT}",
            "SiteIDCode": self.site_id_code,
            "ColumnName": "政府信息公开年报",
        })
        page.last_modified = datetime.fromisoformat(f"{doc.date}T{PUBLISHED_AT}").replace(tzinfo=UTC)
        self.site.add(path, page)
        self.site.doc_paths[doc.slug] = path

    def add_attachment(
        self, folder: str, doc: ReportDoc, number: int, attachment: Attachment
    ) -> tuple[str, str]:
        """Serve the attachment; returns the href the page shows and the path (plus query)
        the site serves it at, which differ for relative and percent-encoded links."""
        ext = attachment.filename.rsplit(".", 1)[-1].lower()
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
            name = quote(attachment.filename) if attachment.href_style == "percent" else attachment.filename
            href = folder + name
        content_type = ATTACHMENT_CONTENT_TYPES.get(ext, "application/octet-stream")
        self.site.add(served, Page(attachment.body, content_type=content_type))
        return href, served

    def disposition(self, attachment: Attachment) -> str:
        """RFC 5987 on UTF-8 portals; raw GBK bytes in a quoted filename on GBK portals."""
        if self.content.encoding.lower().startswith("gb"):
            raw = attachment.filename.encode("gbk").decode("latin-1")
            return f'attachment; filename="{raw}"'
        ext = attachment.filename.rsplit(".", 1)[-1]
        return f"attachment; filename=\"report.{ext}\"; filename*=UTF-8''{quote(attachment.filename)}"

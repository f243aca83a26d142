"""What a demo/fixture portal publishes, independent of the CMS that renders it.

Scenarios describe portals as content (reports, look-alikes, attachments); each CMS family
in `demo.families` renders the same content its own way. Tests can then state what
must end up in the archive from the content alone, whichever family served it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

HrefStyle = Literal["relative", "percent", "raw_chinese", "downfile"]


@dataclass
class Attachment:
    """A file linked from a report page.

    ``href_style`` says how the page links it: a relative ASCII path, a percent-encoded
    Chinese name, the raw Chinese name in the href, or ``downfile.jsp?filename=<id>`` whose
    real name only comes in the Content-Disposition header.
    """

    filename: str
    body: bytes
    href_style: HrefStyle = "relative"


@dataclass
class ReportDoc:
    """One detail page: a report, or a look-alike that must not be taken for one."""

    # Unique within the portal; families derive the page path from it. A slug starting with
    # "/" is the path itself, in every family (e.g. a page under a robots-disallowed prefix).
    slug: str
    title: str
    year: int
    date: str  # publication date, YYYY-MM-DD
    body_html: str  # the article body, tables included
    attachments: list[Attachment] = field(default_factory=list)
    attachment_only: bool = False  # the page only links the attachment holding the report


@dataclass
class Column:
    """A list of documents: the portal's own 年报 column or a department's/township's."""

    name: str  # e.g. "政府信息公开年报", or "县教育局" for a department's column
    reports: list[ReportDoc] = field(default_factory=list)
    lookalikes: list[ReportDoc] = field(default_factory=list)
    slug: str = ""  # path segment; families fall back to the column's index


@dataclass
class PortalContent:
    id: str
    name: str
    region_code: str
    encoding: str = "utf-8"
    columns: list[Column] = field(default_factory=list)
    robots_disallow: list[str] = field(default_factory=list)

"""Declared against listed, per column: the crawl's own alarm for a pager it misreads.

A column is known by the URL of its first list page; its further pages (and the API
answers an adapter asks for) carry that URL in the request's context. For each column the
spider keeps the largest total any of its pages declared and the documents its pages
listed. A column that listed fewer than it declared is *short*: the summary flags it, and
the rendering fallback (`crawler.rendering`) gets one try at it.

Documents are the dated rows when the page dates any: the generic adapter reads every
titled link, and the header's and footer's links must not make up for missing rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scrapy.http import Response

from crawler.adapters.base import ADAPTER_META_KEY, CONTEXT_META_KEY, ListEntry
from crawler.items import CrawlEvent

COLUMN_KEY = "column"  # in the request context: the first list page of the column
RENDER_META = "rendered_list"  # on a request for the rendering fallback


def column_of(response: Response) -> str:
    """The column a list response belongs to: its own URL when it is a column's first page
    (reached by discovery), the context's column when an adapter or the renderer asked."""
    context = response.meta.get(CONTEXT_META_KEY) or {}
    continued = response.meta.get(ADAPTER_META_KEY) or response.meta.get(RENDER_META)
    return (context.get(COLUMN_KEY) or response.url) if continued else response.url


def documents(entries: list[ListEntry]) -> tuple[str, ...]:
    """The URLs of the entries that are list rows: the dated ones, or all when none is dated."""
    dated = [entry.url for entry in entries if entry.date]
    return tuple(dated) if dated else tuple(entry.url for entry in entries)


@dataclass
class ColumnCount:
    portal_id: str
    url: str
    declared: int | None = None
    listed: set[str] = field(default_factory=set)
    rendered: bool = False
    context: dict = field(default_factory=dict)  # the spider's context of its first page

    @property
    def short(self) -> bool:
        return self.declared is not None and len(self.listed) < self.declared


class ColumnLedger:
    """The spider's running count of every column of the run."""

    def __init__(self) -> None:
        self.columns: dict[tuple[str, str], ColumnCount] = {}

    def note(self, portal_id: str, column: str, declared: int | None, entries: list[ListEntry],
             *, context: dict, rendered: bool = False) -> CrawlEvent:
        """Count one read list page; returns the event that tells the run summary."""
        count = self.columns.setdefault((portal_id, column), ColumnCount(portal_id, column, context=context))
        if declared is not None:
            count.declared = max(declared, count.declared or 0)
        listed = documents(entries)
        count.listed.update(listed)
        return CrawlEvent(portal_id, "column", column, declared=declared, listed=listed,
                          rendered=rendered)

    def to_render(self) -> list[ColumnCount]:
        """Short columns the renderer has not tried yet; marked tried."""
        found = [c for c in self.columns.values() if c.short and not c.rendered]
        for count in found:
            count.rendered = True
        return found

"""What the spider yields; the archive pipeline consumes all of it.

`FetchRecord` (from the archive's contract) is the item for every fetched report page or
attachment: the spider hands over bytes and HTTP facts, the archive decides what changed
and parses. The two small items here carry what is not a document fetch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from archive.records import FetchRecord

EventKind = Literal["listed", "rejected", "error", "robots", "dropped", "budget", "column"]


@dataclass
class PortalRows:
    """The registry rows of this crawl, so the archive knows every portal (even empty ones)."""

    rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class CrawlEvent:
    """Something the per-portal summary counts that is not a document fetch.

    listed: a report link found on a list page; rejected: a look-alike (reason says which,
    graphics keep their link); error: a section/list page failed; robots: robots.txt forbade
    a link; column: one list page of a column (``url``, its first page) was read, with the
    total it declares and the documents it lists (`crawler.coverage`).
    """

    portal_id: str
    kind: EventKind
    url: str
    detail: str = ""
    title: str = ""
    declared: int | None = None
    listed: tuple[str, ...] = ()
    rendered: bool = False


__all__ = ["CrawlEvent", "FetchRecord", "PortalRows"]

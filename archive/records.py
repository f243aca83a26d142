"""What the crawler hands the archive: one record per HTTP fetch, whatever its outcome.

The crawler's pipeline builds a `FetchRecord` for every request it makes for a report
page or attachment (200, 304, 404, soft 404, network error) and calls
`Archive.record(fetch)`; the archive alone decides what that means for documents and
versions, so change detection lives in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

DocumentKind = Literal["report_page", "attachment", "local_file"]
# Answers that say a document is no longer there (with soft 404s): the archive marks it gone.
GONE_STATUSES = frozenset({404, 410})


def utc_now() -> str:
    """The fetch-time format of every record: ISO 8601, UTC, whole seconds."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class FetchRecord:
    url: str  # the canonical URL of the document (the final URL after redirects)
    fetched_at: str  # ISO 8601, UTC, e.g. 2026-11-23T15:30:00Z
    status: int | None  # HTTP status; None when no response came (error says why)
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    error: str | None = None  # network error, or why a 200 is not content ("soft 404: ...")
    soft_404: bool = False  # a 200 page that says 页面不存在 or is a bot wall: not content
    kind: DocumentKind = "report_page"
    run_id: int | None = None
    portal_id: str | None = None
    referrer: str | None = None  # the page whose link led here
    anchor_text: str | None = None
    parent_url: str | None = None  # for attachments: the report page that links them
    redirected_from: list[str] = field(default_factory=list)  # requested URLs, in order
    filename: str | None = None  # from Content-Disposition or the URL path
    # Set by a crawl that hands records over a queue (the distributed crawl): a record
    # delivered twice after a crash is recorded once (`Archive.record` returns the first).
    fetch_uuid: str | None = None


@dataclass
class RecordOutcome:
    """What `Archive.record` did, for the crawler's per-portal summary."""

    fetch_id: int
    document_id: int | None = None
    version_id: int | None = None
    new_document: bool = False
    new_version: bool = False
    gone: bool = False  # the document was marked gone by this fetch
    report_id: int | None = None
    is_report: bool | None = None

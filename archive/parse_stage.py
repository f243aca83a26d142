"""Run the parser over one stored body without ever losing the body.

The archive stores the raw bytes before it parses them, so whatever the parser does
(refuses an unreadable file, raises on a document it has never seen) only decides the
report row's `status`: ok, not_report, unreadable or parse_error, with the reason.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from parsers.errors import UnreadableDocument
from parsers.model import Report


@dataclass(frozen=True)
class Parsed:
    status: str  # ok | not_report | unreadable | parse_error
    reason: str | None
    report: Report | None
    text_sha256: str | None  # fingerprint of the extracted body text; None without a report


def text_fingerprint(text: str) -> str:
    """sha256 of the body text with whitespace runs collapsed (re-indented HTML is no change)."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def parse_body(
    body: bytes,
    *,
    filename: str | None = None,
    content_type: str | None = None,
    url: str | None = None,
) -> Parsed:
    from parsers import parse_document  # heavy (trafilatura, pdfplumber): load on first parse

    try:
        report = parse_document(body, filename=filename, content_type=content_type, url=url)
    except UnreadableDocument as exc:
        return Parsed("unreadable", exc.reason, None, None)
    except Exception as exc:  # any parser bug must cost one report row, never the fetch
        return Parsed("parse_error", f"{type(exc).__name__}: {exc}", None, None)
    status = "ok" if report.is_report else "not_report"
    return Parsed(status, report.reason, report, text_fingerprint(report.text))

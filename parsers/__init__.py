"""Document -> canonical annual report. Knows nothing of Scrapy or SQLite.

The entry points are imported on first use, so `import parsers` (done by every
`zfxxgk` subcommand and the crawler) does not pay for lxml, trafilatura and the
format readers until a document is actually parsed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from parsers.errors import UnreadableDocument
from parsers.model import Report

if TYPE_CHECKING:
    from parsers.report import parse_document, parse_extracted, parse_html, parse_text

__all__ = [
    "Report",
    "UnreadableDocument",
    "parse_document",
    "parse_extracted",
    "parse_html",
    "parse_text",
]

_LAZY = {"parse_document", "parse_extracted", "parse_html", "parse_text"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from parsers import report

        return getattr(report, name)
    raise AttributeError(f"module 'parsers' has no attribute {name!r}")

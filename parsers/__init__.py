"""Document -> canonical annual report. Knows nothing of Scrapy or SQLite.

Imports no other package of the project: the archive and the crawler import it.
Two modules are pure data the others may import without loading any reader:
`parsers.vocabulary` (the words that tell a report from its look-alikes, also the
crawler's) and `parsers.key_schema` (the canonical key list, report_tables.json).

The entry points are imported on first use, so `import parsers` (done by every
`zfxxgk` subcommand and the crawler) does not pay for lxml, trafilatura and the
format readers until a document is actually parsed. `PARSER_VERSION` (see
`parsers.version`) names the output the parser produces; bump it by hand when that
output changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from parsers.errors import UnreadableDocument
from parsers.model import Report
from parsers.version import PARSER_VERSION

if TYPE_CHECKING:
    from parsers.report import parse_document, parse_extracted, parse_html, parse_text

__all__ = [
    "PARSER_VERSION",
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

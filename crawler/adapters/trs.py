"""TRS WCM (拓尔思) lists: static ``index.html``, ``index_1.html``, … paged only by a script.

TRS publishes every list page as a static file and writes the pager at view time with
``createPageHTML(countPage, currentPage, "index", "html")`` (newer templates:
``createPageHTML('pageDiv', countPage, currentPage, 'index', 'html', records)``), so the
static HTML holds no next link at all: the page count has to be read from the script.
"""

from __future__ import annotations

import re
from typing import ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse

from crawler.adapters.base import MAX_PAGES, ListAdapter, ListEntry, listed_entries
from crawler.adapters.numbered import NumberedAdapter

CALL = re.compile(r"createPageHTML\s*\(([^)]*)\)")
# A variable the call may pass instead of a literal: ``var countPage = 5//共多少页``.
VARIABLE = r"\b(?:var|let|const)?\s*{name}\s*=\s*['\"]?(\d+)"
TOKEN = re.compile(r"""\s*(?:'([^']*)'|"([^"]*)"|([^,]+?))\s*(?:,|$)""")


def call_arguments(script: str) -> list[str] | None:
    """The arguments of the createPageHTML call, quotes stripped, variables resolved."""
    match = CALL.search(script)
    if not match:
        return None
    args = []
    for quoted1, quoted2, bare in TOKEN.findall(match.group(1)):
        value = quoted1 or quoted2 or bare.strip()
        if bare and not value.isdigit():
            resolved = re.search(VARIABLE.format(name=re.escape(value)), script)
            value = resolved.group(1) if resolved else value
        args.append(value)
    return args


def pager(response: TextResponse) -> tuple[int, str, str] | None:
    """(page count, page name, extension) from the page's createPageHTML call."""
    for script in response.xpath("//script[not(@src)]/text()").getall():
        args = call_arguments(script)
        if not args:
            continue
        if not args[0].isdigit():  # newer form: the pager's div id comes first
            args = args[1:]
        if len(args) >= 4 and args[0].isdigit():
            return int(args[0]), args[2] or "index", args[3] or "html"
    return None


def declared_records(response: TextResponse) -> int | None:
    """The record count the newer six-argument call passes last (the old form states only
    the page count)."""
    for script in response.xpath("//script[not(@src)]/text()").getall():
        args = call_arguments(script)
        if args and not args[0].isdigit() and len(args) >= 6 and args[5].isdigit():
            return int(args[5])
    return None


class TrsAdapter(ListAdapter):
    name: ClassVar[str] = "trs"

    @classmethod
    def detect(cls, response: TextResponse) -> bool:
        return "createPageHTML" in response.text and pager(response) is not None

    def entries(self, response: Response) -> list[ListEntry]:
        if not isinstance(response, TextResponse):
            return []
        # TRS list templates almost always print the date; when one does not, fall back
        # to every titled link and let discovery classify them.
        return listed_entries(response) or NumberedAdapter().entries(response)

    def declared_total(self, response: Response) -> int | None:
        if not isinstance(response, TextResponse):
            return None
        return declared_records(response) or super().declared_total(response)

    def next_requests(self, response: Response) -> list[scrapy.Request]:
        if not isinstance(response, TextResponse):
            return []
        found = pager(response)
        if found is None:
            return []
        count, stem, ext = found
        # Which page this is comes from the file name, not the script's currentPage, whose
        # base (0 or 1) differs between TRS template versions.
        filename = urlsplit(response.url).path.rsplit("/", 1)[-1] or f"{stem}.{ext}"
        match = re.fullmatch(rf"{re.escape(stem)}(?:_(\d+))?\.{re.escape(ext)}", filename)
        if match is None:
            return []
        here = int(match.group(1) or 0)
        return [
            self.follow_list(response, f"{stem}_{number}.{ext}")
            for number in range(here + 1, min(count, MAX_PAGES))
        ]

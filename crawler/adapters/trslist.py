"""TRS intensive-platform lists, "动静结合" (static first page, later pages from a search API).

The provincial platforms TRS runs for whole provinces (Fujian's: every county and
department site answers ``POST /fjdzapp/search``) publish a column's first page as static
rows and build every later page in the browser. An avalon template (``ms-repeat="list"``,
``ms-attr-href="el.chnldocurl"``, ``ms-text="el.doctitle"``) is bound to the answers of the
platform's list module, which the page starts with::

    listModel({quickMode: "动静结合",
               listArgs: {channelid: SiteInfo.searchId, classsql: "chnlid=1813", ...},
               pagebar: {prepage: 10, recordCount: '20', ...}})

The module posts ``listArgs`` plus ``page=N&prepage=M`` as a form and gets
``{pageCount, data: [{doctitle, chnldocurl | docpuburl, docreltime, ...}]}`` back; field
names come in any case. Values the call names by variable (``SiteInfo.searchId``) are
looked up in the page's own scripts. None of the later pages is a link.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urljoin

import scrapy
from scrapy.http import Response, TextResponse

from crawler.adapters.base import (
    MAX_PAGES,
    ListAdapter,
    ListEntry,
    first_per_url,
    listed_entries,
)
from crawler.adapters.jsonapi import first_of, iso_date

MARKER = re.compile(r"\blistModel\s*\(\s*\{")
# The platform's list endpoint when the call does not name one (the same path on every
# site of the Fujian platform).
DEFAULT_SEARCH_PATH = "/fjdzapp/search"
STATIC_MODE = "动静结合"  # the first page is static rows; the API serves page 2 on
JS_PAIR = re.compile(r"""(\w+)\s*:\s*(?:'([^']*)'|"([^"]*)"|([^,\s}]+))""")
TITLE_KEYS = ("doctitle", "title")
URL_KEYS = ("chnldocurl", "docpuburl", "url")
DATE_KEYS = ("docreltime", "docpubtime", "crtime")
PAGE_META = "trslist_page"  # the column page an API request belongs to (relative URLs)
DEFAULT_PER_PAGE = 10


def object_literal(text: str, name: str) -> str | None:
    """The body of ``name: {...}`` in a script (braces balanced, strings not parsed)."""
    match = re.search(rf"\b{name}\s*:\s*\{{", text)
    if not match:
        return None
    depth, start = 1, match.end()
    for index in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[index], 0)
        if depth == 0:
            return text[start:index]
    return None


def js_pairs(body: str, page: str) -> dict[str, str]:
    """``key: value`` pairs of an object literal; a bare name (``SiteInfo.searchId``) is
    resolved from where the page's scripts define its last part (``searchId: '229105'``)."""
    pairs = {}
    for key, single, double, bare in JS_PAIR.findall(body):
        value = single or double
        if bare:
            value = bare if bare.isdigit() else resolve(bare, page)
            if value is None:
                continue
        pairs[key] = value
    return pairs


def resolve(name: str, page: str) -> str | None:
    last = name.rsplit(".", 1)[-1]
    match = re.search(rf"""\b{re.escape(last)}\s*[:=]\s*['"]([^'"]+)['"]""", page)
    return match.group(1) if match else None


def list_call(response: TextResponse) -> str | None:
    """The script that starts the list module, or None when the page has none."""
    for script in response.xpath("//script[not(@src)]/text()").getall():
        if MARKER.search(script):
            return script
    return None


def decoded(response: Response) -> dict[str, Any] | None:
    text = response.text.lstrip() if isinstance(response, TextResponse) else ""
    if not text.startswith("{"):
        return None
    try:
        answer = json.loads(text)
    except ValueError:
        return None
    return {str(k).lower(): v for k, v in answer.items()} if isinstance(answer, dict) else None


def as_int(value: Any) -> int | None:
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else None


class TrsListAdapter(ListAdapter):
    name: ClassVar[str] = "trslist"

    @classmethod
    def detect(cls, response: TextResponse) -> bool:
        return "listModel" in response.text and list_call(response) is not None

    def entries(self, response: Response) -> list[ListEntry]:
        if not isinstance(response, TextResponse):
            return []
        answer = decoded(response)
        if answer is None:  # the column page: its static rows
            return listed_entries(response)
        base = response.meta.get(PAGE_META) or response.url
        records = [r for r in answer.get("data") or [] if isinstance(r, dict)]
        return first_per_url(
            ListEntry(url=urljoin(base, str(url).strip()),
                      title=str(first_of(record, TITLE_KEYS) or "").strip(),
                      date=iso_date(first_of(record, DATE_KEYS)))
            for record in records
            if (url := first_of(record, URL_KEYS)) and first_of(record, TITLE_KEYS)
        )

    def declared_total(self, response: Response) -> int | None:
        if decoded(response) is not None:
            return None  # the answer counts pages; the column page declared the records
        return super().declared_total(response)

    def next_requests(self, response: Response) -> list[scrapy.Request]:
        if not isinstance(response, TextResponse):
            return []
        answer = decoded(response)
        if answer is not None:
            return self.further_api_pages(response, answer)
        script = list_call(response)
        if script is None:
            return []
        page = response.text
        options = js_pairs(script, page)
        args = js_pairs(object_literal(script, "listArgs") or "", page)
        pagebar = js_pairs(object_literal(script, "pagebar") or "", page)
        if "channelid" not in {k.lower() for k in args}:
            return []  # the search index is named where this page cannot see it
        per_page = as_int(pagebar.get("prepage")) or DEFAULT_PER_PAGE
        records = as_int(pagebar.get("recordCount"))
        pages = math.ceil(records / per_page) if records is not None else 2
        first = 2 if options.get("quickMode") == STATIC_MODE and listed_entries(response) else 1
        url = response.urljoin(options.get("url") or options.get("searchUrl") or DEFAULT_SEARCH_PATH)
        form = {**args, "prepage": str(per_page)}
        return [self.api_request(response, url, form, number, response.url)
                for number in range(first, min(pages, MAX_PAGES) + 1)]

    def further_api_pages(self, response: TextResponse, answer: dict[str, Any]) -> list[scrapy.Request]:
        """The pages after the highest one requested so far, when the answer counts more."""
        request = response.request
        if request is None or not request.body:
            return []
        form = dict(parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True))
        here = as_int(form.get("page")) or 1
        count = as_int(answer.get("pagecount")) or 0
        column_page = response.meta.get(PAGE_META) or response.url
        # Pages up to the column page's own count were requested from it already; asking
        # again is free (Scrapy's duplicate filter drops them).
        return [self.api_request(response, response.url, form, number, column_page)
                for number in range(here + 1, min(count, MAX_PAGES) + 1)]

    def api_request(self, response: Response, url: str, form: dict[str, str], number: int,
                    column_page: str) -> scrapy.Request:
        body = urlencode({**form, "page": str(number)})
        request = scrapy.Request(url, method="POST", body=body, meta={PAGE_META: column_page}, headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
            "X-Requested-With": "XMLHttpRequest",
            "Accept": "application/json, text/javascript, */*; q=0.01",
        })
        return self.follow_list(response, request)

"""Lists filled by a JSON API: the column page is an empty shell whose script fetches
``/api/.../list?channelId=..&pageNo=..&pageSize=..`` and renders the items.

The page names its API in a data attribute (``data-api``, ``data-list-api``, ``data-url``)
or in an inline script; the answers differ in shape between vendors ({"data": {"list": [...],
"total": N}}, {"rows": [...], "totalCount": N}, {"articles": [...], "total": N}, ...), so the
reader looks for the first list of objects carrying a title and a URL, and for the total
beside it.
"""

from __future__ import annotations

import json
import math
import re
from collections import deque
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

import scrapy
from scrapy.http import Response, TextResponse

from crawler.adapters.base import (
    MAX_PAGES,
    ListAdapter,
    ListEntry,
    first_per_url,
    iso_date_in,
    listed_entries,
    number_param,
    with_page,
)

API_ATTRIBUTES = ("data-api", "data-list-api", "data-url", "data-source")
# Quoted root-relative or absolute URLs inside a script; `looks_like_api` picks the API.
QUOTED_URL = re.compile(r"""["']((?:https?://[^"'\s/]+)?/[^"'\s<>]*)["']""")
API_PAGE_PARAMS = ("pageNo", "pageNum", "page", "pageIndex", "current", "curPage")
API_SIZE_PARAMS = ("pageSize", "size", "rows", "limit", "perPage")
TITLE_KEYS = ("title", "docTitle", "name", "articleTitle")
URL_KEYS = ("url", "link", "href", "docUrl", "linkUrl", "pageUrl")
DATE_KEYS = ("publishTime", "pubDate", "publishDate", "releaseDate", "date", "docDate", "createTime")
TOTAL_KEYS = ("total", "totalCount", "total_count", "totalRecord", "totalElements", "count")
PAGES_KEYS = ("totalPage", "totalPages", "pages", "pageCount")
JSON_ACCEPT = {"Accept": "application/json"}  # for the APIs that negotiate what they answer
EPOCH_MILLISECONDS_AFTER = 1e11  # a number this large is a time in ms (1973 on), not seconds


def looks_like_api(url: str) -> bool:
    """A list API: under /api/ (or a .json / .do action) and about a list or its pages.

    Requiring "list" or a paging parameter keeps visit counters and search boxes (also
    under /api/ on many portals) from passing an ordinary page off as a JSON-filled one.
    """
    parts = urlsplit(url)
    path = parts.path.lower()
    if not ("/api/" in path or path.endswith((".json", ".do"))):
        return False
    keys = {k for k, _ in parse_qsl(parts.query, keep_blank_values=True)}
    return "list" in path or bool(keys & {*API_PAGE_PARAMS, *API_SIZE_PARAMS})


def api_url(response: TextResponse) -> str | None:
    """The list API the page's script calls, absolute, as the page names it."""
    for attribute in API_ATTRIBUTES:
        for value in response.xpath(f"//*[@{attribute}]/@{attribute}").getall():
            if looks_like_api(value.strip()):
                return response.urljoin(value.strip())
    for script in response.xpath("//script[not(@src)]/text()").getall():
        for candidate in QUOTED_URL.findall(script):
            if looks_like_api(candidate):
                return response.urljoin(candidate)
    return None


def first_of(item: dict[str, Any], keys: tuple[str, ...]) -> Any:
    """The first non-empty value under one of ``keys``, whatever their case (vendors write
    docTitle, doctitle and DOCTITLE for the same field)."""
    folded = {str(key).lower(): value for key, value in item.items()}
    return next((folded[k.lower()] for k in keys if folded.get(k.lower()) not in (None, "")), None)


def find_listing(answer: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The first list of titled, addressed objects (breadth first) and the object holding it.

    The total sits beside the list or in an enclosing object, so callers search the holder
    and then the whole answer.
    """
    queue: deque[tuple[Any, dict[str, Any]]] = deque([(answer, {})])
    while queue:
        node, holder = queue.popleft()
        if isinstance(node, list):
            records = [x for x in node if isinstance(x, dict)]
            if records and all(first_of(r, TITLE_KEYS) and first_of(r, URL_KEYS) for r in records):
                return records, holder
            queue.extend((x, holder) for x in records)
        elif isinstance(node, dict):
            queue.extend((value, node) for value in node.values())
    return [], {}


def find_number(answer: Any, keys: tuple[str, ...]) -> int | None:
    """The first integer under one of ``keys``, breadth first."""
    queue: deque[Any] = deque([answer])
    while queue:
        node = queue.popleft()
        if isinstance(node, dict):
            for key in keys:
                value = node.get(key)
                if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
                    return int(value)
            queue.extend(v for v in node.values() if isinstance(v, dict | list))
        elif isinstance(node, list):
            queue.extend(v for v in node if isinstance(v, dict | list))
    return None


def iso_date(value: Any) -> str | None:
    """Dates come as '2024-01-20 09:00:00', '2024/1/20' or epoch milliseconds."""
    if isinstance(value, int | float) and value > EPOCH_MILLISECONDS_AFTER:
        return datetime.fromtimestamp(value / 1000, UTC).strftime("%Y-%m-%d")
    return iso_date_in(str(value or ""))


def decoded(response: TextResponse) -> Any | None:
    """The JSON answer, or None when the response is an HTML page (or broken JSON)."""
    text = response.text.lstrip()
    if not text.startswith(("{", "[")):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


class JsonApiAdapter(ListAdapter):
    name: ClassVar[str] = "jsonapi"

    @classmethod
    def detect(cls, response: TextResponse) -> bool:
        return decoded(response) is None and api_url(response) is not None

    def entries(self, response: Response) -> list[ListEntry]:
        if not isinstance(response, TextResponse):
            return []
        answer = decoded(response)
        if answer is None:  # the column page: usually an empty shell the script fills
            return listed_entries(response)
        records, _ = find_listing(answer)
        return first_per_url(
            ListEntry(url=response.urljoin(str(first_of(record, URL_KEYS)).strip()),
                      title=str(first_of(record, TITLE_KEYS)).strip(),
                      date=iso_date(first_of(record, DATE_KEYS)))
            for record in records
        )

    def declared_total(self, response: Response) -> int | None:
        if not isinstance(response, TextResponse):
            return None
        answer = decoded(response)
        if answer is None:
            return super().declared_total(response)
        _, holder = find_listing(answer)
        return find_number(holder, TOTAL_KEYS) or find_number(answer, TOTAL_KEYS)

    def next_requests(self, response: Response) -> list[scrapy.Request]:
        if not isinstance(response, TextResponse):
            return []
        answer = decoded(response)
        if answer is None:  # the column page: ask for the API's first page
            url = api_url(response)
            if url is None:
                return []
            if number_param(url, API_PAGE_PARAMS) is None:
                url = with_page(url, "pageNo", 1)
            return [self.follow_list(response, url, headers=JSON_ACCEPT)]
        return self.further_pages(response, answer)

    def further_pages(self, response: TextResponse, answer: Any) -> list[scrapy.Request]:
        """The API pages after this one, counted from the answer's total."""
        current = number_param(response.url, API_PAGE_PARAMS)
        if current is None:
            return []
        key, here = current
        records, holder = find_listing(answer)
        pages = find_number(holder, PAGES_KEYS) or find_number(answer, PAGES_KEYS)
        if pages is None:
            total = find_number(holder, TOTAL_KEYS) or find_number(answer, TOTAL_KEYS)
            size_param = number_param(response.url, API_SIZE_PARAMS)
            size = size_param[1] if size_param else find_number(answer, API_SIZE_PARAMS)
            size = size or len(records)
            if not total or not size:
                return []
            pages = math.ceil(total / size)
        first = 0 if here == 0 else 1
        last = min(pages - (1 - first), first + MAX_PAGES - 1)
        return [
            self.follow_list(response, with_page(response.url, key, number),
                             headers=JSON_ACCEPT)
            for number in range(here + 1, last + 1)
        ]

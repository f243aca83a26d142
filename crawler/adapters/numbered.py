"""The reference adapter: lists paged by plain links ("下一页", "尾页", "1 2 3").

Most county CMSs render pagination as ordinary anchors, so this adapter doubles as the
generic fallback: it takes every titled link of the page as an entry and leaves deciding
which ones are reports to `crawler.discovery`.
"""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse

from crawler.adapters.base import (
    SKIPPED_SCHEMES,
    ListAdapter,
    ListEntry,
    anchor_text,
    first_per_url,
    is_pager_link,
    is_pager_text,
    listed_date,
)


class NumberedAdapter(ListAdapter):
    name: ClassVar[str] = "numbered"

    @classmethod
    def detect(cls, response: TextResponse) -> bool:
        return True  # the generic fallback reads any HTML list

    def entries(self, response: Response) -> list[ListEntry]:
        if not isinstance(response, TextResponse):
            return []
        entries = []
        for anchor in response.css("a[href]"):
            href = anchor.attrib["href"].strip()
            text = anchor_text(anchor)
            if not text or not href or href.startswith(SKIPPED_SCHEMES) or is_pager_text(text):
                continue
            entries.append(ListEntry(url=response.urljoin(href), title=text, date=listed_date(anchor)))
        return first_per_url(entries)

    def next_requests(self, response: Response) -> list[scrapy.Request]:
        if not isinstance(response, TextResponse):
            return []
        host = urlsplit(response.url).hostname
        requests = []
        for anchor in response.css("a[href]"):
            href = anchor.attrib["href"].strip()
            if not is_pager_link(anchor) or href.startswith(SKIPPED_SCHEMES):
                continue
            url = response.urljoin(href)
            if urlsplit(url).hostname == host and url != response.url:
                requests.append(self.follow_list(response, url))
        return requests

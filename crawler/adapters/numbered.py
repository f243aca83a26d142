"""The reference adapter: lists paged by plain links ("下一页", "尾页", "1 2 3").

Most county CMSs render pagination as ordinary anchors, so this adapter doubles as the
generic fallback: it takes every titled link of the page as an entry and leaves deciding
which ones are reports to `crawler.discovery`.
"""

from __future__ import annotations

import re
from typing import ClassVar
from urllib.parse import urlsplit

import scrapy
from parsel import Selector
from scrapy.http import Response, TextResponse

from crawler.adapters.base import ListAdapter, ListEntry

PAGER_TEXTS = {"下一页", "下页", "后一页", "上一页", "上页", "前一页", "首页", "尾页", "末页", ">", ">>", "<", "<<"}
DATE = re.compile(r"(20\d\d|19\d\d)[-/.年](\d{1,2})[-/.月](\d{1,2})")
SKIPPED_SCHEMES = ("javascript:", "mailto:", "tel:", "#")


def anchor_text(anchor: Selector) -> str:
    """The visible text of a link, or its title attribute when the text is cut short."""
    text = " ".join(t.strip() for t in anchor.css("::text").getall() if t.strip())
    title = (anchor.attrib.get("title") or "").strip()
    return title if len(title) > len(text) else text


def is_pager_text(text: str) -> bool:
    """Pagination anchors: 下一页 and friends, or a page number."""
    return text in PAGER_TEXTS or (text.isdigit() and int(text) < 1000)


def listed_date(anchor: Selector) -> str | None:
    """The date the list shows beside the link (same <li>/<tr>), ISO formatted."""
    row = anchor.xpath("ancestor::*[self::li or self::tr or self::dd or self::p][1]")
    text = " ".join(row.css("::text").getall()) if row else ""
    match = DATE.search(text)
    if not match:
        return None
    year, month, day = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


class NumberedAdapter(ListAdapter):
    name: ClassVar[str] = "numbered"

    @classmethod
    def detect(cls, response: TextResponse) -> bool:
        return True  # the generic fallback reads any HTML list

    def entries(self, response: Response) -> list[ListEntry]:
        if not isinstance(response, TextResponse):
            return []
        found: list[ListEntry] = []
        seen: set[str] = set()
        for anchor in response.css("a[href]"):
            href = anchor.attrib["href"].strip()
            text = anchor_text(anchor)
            if not text or not href or href.startswith(SKIPPED_SCHEMES) or is_pager_text(text):
                continue
            url = response.urljoin(href)
            if url in seen:
                continue
            seen.add(url)
            found.append(ListEntry(url=url, title=text, date=listed_date(anchor)))
        return found

    def next_requests(self, response: Response) -> list[scrapy.Request]:
        if not isinstance(response, TextResponse):
            return []
        host = urlsplit(response.url).hostname
        requests = []
        for anchor in response.css("a[href]"):
            href = anchor.attrib["href"].strip()
            if not is_pager_text(anchor_text(anchor)) or href.startswith(SKIPPED_SCHEMES):
                continue
            url = response.urljoin(href)
            if urlsplit(url).hostname == host and url != response.url:
                requests.append(self.follow_list(response, url))
        return requests

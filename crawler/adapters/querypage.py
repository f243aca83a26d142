"""Lists paged by a query parameter: ``list.jsp?page=2``, ``?pageIndex=2``, ``?p=2``, ``?pageNo=2``.

Such pagers usually show a window of page numbers plus "共N页", so following 下一页 one page
at a time works but costs a round trip per page; reading the total lets the adapter request
every further page at once. Also holds `listed_entries`, the list-row reader the other
HTML-list adapters share.
"""

from __future__ import annotations

import re
from typing import ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import scrapy
from scrapy.http import Response, TextResponse

from crawler.adapters.base import ListAdapter, ListEntry
from crawler.adapters.numbered import SKIPPED_SCHEMES, anchor_text, is_pager_text, listed_date

# Page-number parameters seen on county CMSs, most common first.
PAGE_PARAMS = ("page", "pageIndex", "pageNo", "pageNum", "p", "currentPage", "curPage")
TOTAL_PAGES = re.compile(r"共\s*(\d{1,4})\s*页")
MAX_PAGES = 500  # a pager claiming more is broken; never queue more list pages than this


def listed_entries(response: TextResponse) -> list[ListEntry]:
    """The links of the page's list rows: anchors whose row (li/tr/dd) also shows a date.

    Government list pages print each document's date beside its title, while navigation,
    breadcrumbs, pagers and footers carry none, so the date is what tells the list apart
    from the page shell.
    """
    found: list[ListEntry] = []
    seen: set[str] = set()
    for anchor in response.css("li a[href], tr a[href], dd a[href]"):
        href = anchor.attrib["href"].strip()
        text = anchor_text(anchor)
        if not href or href.startswith(SKIPPED_SCHEMES) or not text or is_pager_text(text):
            continue
        date = listed_date(anchor)
        url = response.urljoin(href)
        if date is None or url in seen:
            continue
        seen.add(url)
        found.append(ListEntry(url=url, title=text, date=date))
    return found


def page_param(url: str) -> tuple[str, int] | None:
    """The page-number parameter of a URL and its value, if it has one."""
    for key, value in parse_qsl(urlsplit(url).query):
        if key in PAGE_PARAMS and value.isdigit():
            return key, int(value)
    return None


def with_page(url: str, key: str, number: int) -> str:
    """The URL with its page parameter set (other parameters kept in order)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != key]
    return urlunsplit(parts._replace(query=urlencode([*query, (key, str(number))])))


class QueryPageAdapter(ListAdapter):
    name: ClassVar[str] = "querypage"

    @staticmethod
    def pager_links(response: TextResponse) -> list[tuple[str, str, int]]:
        """(URL, parameter, page number) of the pager links that page this same list."""
        here = urlsplit(response.url).path
        found = []
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href.strip())
            param = page_param(url)
            if param and urlsplit(url).path == here:
                found.append((url, *param))
        return found

    @classmethod
    def detect(cls, response: TextResponse) -> bool:
        return bool(cls.pager_links(response))

    def entries(self, response: Response) -> list[ListEntry]:
        if not isinstance(response, TextResponse):
            return []
        return listed_entries(response)

    def next_requests(self, response: Response) -> list[scrapy.Request]:
        if not isinstance(response, TextResponse):
            return []
        links = self.pager_links(response)
        if not links:
            return []
        # A pager link carries every parameter of the list (cid=..), which the URL the
        # first page was reached by may lack: further pages are built from it.
        template, key, _ = links[0]
        numbers = [n for _, k, n in links if k == key]
        first = 0 if 0 in numbers else 1
        current = page_param(response.url)
        here = current[1] if current and current[0] == key else first
        text = " ".join(response.css("::text").getall())
        # "共N页" counts pages from 1; a 0-based pager's last page is N-1.
        totals = [int(n) - (1 - first) for n in TOTAL_PAGES.findall(text)]
        last = min(max(numbers + totals), first + MAX_PAGES - 1)
        return [
            self.follow_list(response, with_page(template, key, number))
            for number in range(here + 1, last + 1)
        ]

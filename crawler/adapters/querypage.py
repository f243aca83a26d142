"""Lists paged by a query parameter: ``list.jsp?page=2``, ``?pageIndex=2``, ``?p=2``, ``?pageNo=2``.

Such pagers usually show a window of page numbers plus "共N页", so following 下一页 one page
at a time works but costs a round trip per page; reading the total lets the adapter request
every further page at once.
"""

from __future__ import annotations

import re
from typing import ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse

from crawler.adapters.base import (
    MAX_PAGES,
    ListAdapter,
    ListEntry,
    listed_entries,
    number_param,
    with_page,
)

# Page-number parameters seen on county CMSs, most common first; cur_page is the
# iList.jsp lists of Sichuan's county platform (info/iList.jsp?node_id=..&cat_id=..&cur_page=N).
PAGE_PARAMS = ("page", "pageIndex", "pageNo", "pageNum", "p", "currentPage", "curPage", "cur_page")
TOTAL_PAGES = re.compile(r"共\s*(\d{1,4})\s*页")


class QueryPageAdapter(ListAdapter):
    name: ClassVar[str] = "querypage"

    @staticmethod
    def pager_links(response: TextResponse) -> list[tuple[str, str, int]]:
        """(URL, parameter, page number) of the pager links that page this same list."""
        here = urlsplit(response.url).path
        found = []
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href.strip())
            param = number_param(url, PAGE_PARAMS)
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
        current = number_param(response.url, PAGE_PARAMS)
        here = current[1] if current and current[0] == key else first
        text = " ".join(response.css("::text").getall())
        # "共N页" counts pages from 1; a 0-based pager's last page is N-1.
        totals = [int(n) - (1 - first) for n in TOTAL_PAGES.findall(text)]
        last = min(max(numbers + totals), first + MAX_PAGES - 1)
        return [
            self.follow_list(response, with_page(template, key, number))
            for number in range(here + 1, last + 1)
        ]

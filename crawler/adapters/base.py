"""What every CMS list-page adapter offers the spider.

Portals page their report lists in a handful of ways (numbered links, ``?page=N``, a
``createPageHTML`` script, Hanweb's dataproxy.jsp, JSON APIs). The spider only ever asks
an adapter two questions — which detail links are on this page, and which list pages come
next — so supporting a new CMS means adding one small adapter class, never editing the
spider. The helpers below read what most list pages share — titled links, the date
printed beside each, page-number parameters — so each adapter keeps only its family's way
of paging.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import scrapy
from parsel import Selector
from scrapy.http import Response, TextResponse

from crawler.adapters.totals import declared_in_text

# Request.meta keys the spider and the adapters share.
ADAPTER_META_KEY = "list_adapter"  # name of the adapter that must read the response
CONTEXT_META_KEY = "list_context"  # the spider's portal/column context, carried unchanged

MAX_PAGES = 500  # a pager claiming more is broken; never queue more list pages than this
PAGER_TEXTS = frozenset({"下一页", "下页", "后一页", "上一页", "上页", "前一页", "首页", "尾页", "末页", ">", ">>", "<", "<<"})
# Pager words that also name site navigation: 首页 is the homepage link of every header,
# 返回 goes back up a level. They page a list only inside a pager element.
NAVIGATION_TEXTS = frozenset({"首页", "尾页", "末页", "上一页", "上页", "前一页", "返回", "<", "<<"})
# Class or id words of pager elements: page, pages, pageDiv, page_div, pagination, pager,
# paging, pagebar, fenye (分页), fy.
PAGER_ELEMENT_WORD = re.compile(r"^(?:page|pagination|pager|paging|fenye|fy)", re.I)
LARGEST_PAGE_NUMBER = 999  # a link reading "1000" or more is a count or an id, not a page
DATE = re.compile(r"(20\d\d|19\d\d)[-/.年](\d{1,2})[-/.月](\d{1,2})")
SKIPPED_SCHEMES = ("javascript:", "mailto:", "tel:", "#")


@dataclass
class ListEntry:
    """One detail link listed on a list page (title as listed, date if the list shows one)."""

    url: str
    title: str
    date: str | None = None


class ListAdapter(ABC):
    """One CMS family's way of listing and paging a column's documents.

    Adding a CMS family is this recipe:

    1. Write ``crawler/adapters/<family>.py`` with a subclass that sets ``name`` (what the
       registry's ``cms`` column and request meta call it) and implements:

       - `detect` (classmethod): True when a list page carries the family's markers. Be
         strict: the first adapter of ``ADAPTERS`` that says yes reads the page, and
         homepages and section pages must not be claimed (tests check both).
       - `entries`: the detail links of this page (or of an API answer the adapter asked
         for), absolute URLs, in page order, with the listed title and date. Dated rows
         are what the spider counts as the column's documents.
       - `next_requests`: requests for the column's further pages (HTML, POST forms, API
         calls), each built with `follow_list` so that the answer comes back to this
         adapter with the spider's context. Returning pages already requested is fine:
         Scrapy's duplicate filter drops them. Never more than ``MAX_PAGES``.
       - `declared_total` (optional): how many documents the column says it holds, when
         the family states it somewhere the default reader (`crawler.adapters.totals`)
         misses. A column that lists fewer is flagged and rendered in the browser.

    2. Add the class to ``ADAPTERS`` in ``crawler/adapters/__init__.py``, more specific
       families before the ones whose markers they also carry; `NumberedAdapter` stays last.
    3. Add a fixture family in ``demo/families/`` reproducing the real markup (page shell,
       list, pager, API answers with their real field names) and tests that walk its
       columns (``tests/support/adapters.walk``) and crawl it end to end.
    4. Where a portal's pages also carry another family's markers, pin the family with
       the registry's ``cms`` column.

    Adapters are stateless: the spider instantiates the class it picked (or the one named
    in the request meta for further pages) for every response.
    """

    name: ClassVar[str]

    @classmethod
    @abstractmethod
    def detect(cls, response: TextResponse) -> bool:
        """True when the page carries this family's markers."""

    @abstractmethod
    def entries(self, response: Response) -> list[ListEntry]:
        """The detail links listed on this page, absolute URLs, in page order."""

    def declared_total(self, response: Response) -> int | None:
        """How many documents the column says it holds, as this page states it (None: unstated).

        The spider compares it with what the column listed; the default reads the markers
        most CMSs share (`crawler.adapters.totals`).
        """
        return declared_in_text(response.text) if isinstance(response, TextResponse) else None

    @abstractmethod
    def next_requests(self, response: Response) -> list[scrapy.Request]:
        """Requests for the column's further list pages, each built with `follow_list`.

        Returning every page reachable from this one is fine: Scrapy's duplicate filter
        drops the pages already requested.
        """

    def follow_list(
        self, response: Response, url_or_request: str | scrapy.Request, **kwargs: Any
    ) -> scrapy.Request:
        """A request for a further list page that the spider will route back to this adapter.

        The spider sets callback and errback itself, so adapters never know its methods;
        a relative URL is resolved against the response. ``kwargs`` go to `Request`
        (method, formdata-free ``body``, headers...) when a URL is given.
        """
        meta = {
            ADAPTER_META_KEY: self.name,
            CONTEXT_META_KEY: response.meta.get(CONTEXT_META_KEY),
        }
        if isinstance(url_or_request, scrapy.Request):
            return url_or_request.replace(meta={**url_or_request.meta, **meta})
        return scrapy.Request(response.urljoin(url_or_request), meta=meta, **kwargs)


def iso_date_in(text: str) -> str | None:
    """The first date written in ``text`` (2024-01-20, 2024/1/20, 2024年1月20日), ISO formatted."""
    match = DATE.search(text)
    if not match:
        return None
    year, month, day = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def anchor_text(anchor: Selector) -> str:
    """What a link says: its text, or the longer title attribute (lists cut titles short),
    or, for image links and image-map areas, the image's alt text."""
    text = " ".join(t.strip() for t in anchor.css("::text").getall() if t.strip())
    title = (anchor.attrib.get("title") or "").strip()
    if len(title) > len(text):
        text = title
    if not text:
        alts = [anchor.attrib.get("alt") or "", *anchor.css("img::attr(alt)").getall()]
        text = next((alt.strip() for alt in alts if alt.strip()), "")
    return text


def is_pager_text(text: str) -> bool:
    """Pagination anchors: 下一页 and friends, or a page number."""
    return text in PAGER_TEXTS or (text.isdigit() and int(text) <= LARGEST_PAGE_NUMBER)


def in_pager_element(anchor: Selector) -> bool:
    """The anchor sits inside an element whose class or id names a pager."""
    for element in anchor.xpath("ancestor::*[@class or @id]"):
        names = f"{element.attrib.get('class', '')} {element.attrib.get('id', '')}"
        if any(PAGER_ELEMENT_WORD.match(word) for word in re.split(r"[\s_-]+", names) if word):
            return True
    return False


def is_pager_link(anchor: Selector) -> bool:
    """A link that pages the list: 下一页 or a page number anywhere, and the words that also
    name site navigation (首页, 尾页, 上一页, 返回) only inside a pager element."""
    text = anchor_text(anchor)
    if text in NAVIGATION_TEXTS:
        return in_pager_element(anchor)
    return is_pager_text(text)


def listed_date(anchor: Selector) -> str | None:
    """The date the list shows beside the link (same <li>/<tr>/<dd>/<dl>/<p>), ISO formatted."""
    row = anchor.xpath("ancestor::*[self::li or self::tr or self::dd or self::dl or self::p][1]")
    return iso_date_in(" ".join(row.css("::text").getall())) if row else None


def first_per_url(entries: Iterable[ListEntry]) -> list[ListEntry]:
    """The entries in page order, each URL once (lists often link a title and its "more")."""
    found: dict[str, ListEntry] = {}
    for entry in entries:
        found.setdefault(entry.url, entry)
    return list(found.values())


def listed_entries(response: TextResponse) -> list[ListEntry]:
    """The links of the page's list rows: anchors whose row (li/tr/dd) also shows a date.

    Government list pages print each document's date beside its title, while navigation,
    breadcrumbs, pagers and footers carry none, so the date is what tells the list apart
    from the page shell.
    """
    entries = []
    for anchor in response.css("li a[href], tr a[href], dd a[href], dl a[href]"):
        href = anchor.attrib["href"].strip()
        text = anchor_text(anchor)
        if not href or href.startswith(SKIPPED_SCHEMES) or not text or is_pager_text(text):
            continue
        date = listed_date(anchor)
        if date is not None:
            entries.append(ListEntry(url=response.urljoin(href), title=text, date=date))
    return first_per_url(entries)


def number_param(url: str, keys: Iterable[str]) -> tuple[str, int] | None:
    """The first query parameter of the URL named in ``keys`` that holds a number, and it."""
    keys = set(keys)
    for key, value in parse_qsl(urlsplit(url).query):
        if key in keys and value.isdigit():
            return key, int(value)
    return None


def with_page(url: str, key: str, number: int) -> str:
    """The URL with its page parameter set (other parameters kept in order)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != key]
    return urlunsplit(parts._replace(query=urlencode([*query, (key, str(number))])))

"""What every CMS list-page adapter offers the spider.

Portals page their report lists in a handful of ways (numbered links, ``?page=N``, a
``createPageHTML`` script, Hanweb's dataproxy.jsp, JSON APIs). The spider only ever asks
an adapter two questions — which detail links are on this page, and which list pages come
next — so supporting a new CMS means adding one small adapter class, never editing the
spider.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import scrapy
from scrapy.http import Response, TextResponse

# Request.meta keys the spider and the adapters share.
ADAPTER_META_KEY = "list_adapter"  # name of the adapter that must read the response
CONTEXT_META_KEY = "list_context"  # the spider's portal/column context, carried unchanged


@dataclass
class ListEntry:
    """One detail link listed on a list page (title as listed, date if the list shows one)."""

    url: str
    title: str
    date: str | None = None


class ListAdapter:
    """One CMS family's way of listing and paging a column's documents.

    Adapters are stateless: the spider instantiates the class it picked (or the one named
    in the request meta for further pages) for every response.
    """

    name: ClassVar[str]

    @classmethod
    def detect(cls, response: TextResponse) -> bool:
        """True when the page carries this family's markers."""
        raise NotImplementedError

    def entries(self, response: Response) -> list[ListEntry]:
        """The detail links listed on this page, absolute URLs, in page order."""
        raise NotImplementedError

    def next_requests(self, response: Response) -> list[scrapy.Request]:
        """Requests for the column's further list pages, each built with `follow_list`.

        Returning every page reachable from this one is fine: Scrapy's duplicate filter
        drops the pages already requested.
        """
        raise NotImplementedError

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

"""Per-portal budgets: how much one portal may cost a run before the crawl stops there.

Crawl traps never end on their own: ``?page=N`` forever, "next" links to ever-new paths,
``/a/a/a/...``, calendars, a fresh session id in every link. Rather than recognise each
trap, every portal gets budgets, each with a setting (defaults in crawler/settings.py, far
above what any real portal needs):

- ``PORTAL_MAX_REQUESTS``: distinct requests (canonical URLs) in one run;
- ``PORTAL_MAX_LIST_PAGES``: list and section pages among them;
- ``PORTAL_MAX_DEPTH``: link hops from the portal's entry pages (Scrapy's request depth);
- ``PORTAL_MAX_URLS_PER_PATTERN``: distinct URLs of one shape, the path with its digit runs
  and repeated segments folded and the query's values dropped
  (``/list?page=N`` covers every page number, ``/a/a/a/`` and ``/a/a/`` are one shape);
- ``PORTAL_MAX_SECONDS``: wall time since the portal's first request.

A request over a budget is not made; the first one marks the portal's summary
(``budget_hit``) and logs one line, so a cut portal is never mistaken for a complete one.
"""

from __future__ import annotations

import logging
import re
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request

from crawler.adapters.base import CONTEXT_META_KEY
from crawler.canonical import canonical_url
from crawler.items import CrawlEvent

logger = logging.getLogger(__name__)

DIGITS = re.compile(r"\d+")
REPEATED_SEGMENTS = re.compile(r"(/[^/]+)\1+")


def url_pattern(url: str) -> str:
    """The shape of a URL: digit runs as N, repeated path segments once, query names only."""
    parts = urlsplit(url)
    path = REPEATED_SEGMENTS.sub(r"\1*", DIGITS.sub("N", parts.path))
    names = sorted({pair.split("=", 1)[0] for pair in parts.query.split("&") if pair})
    return f"{parts.hostname}{path}?{'&'.join(names)}"


@dataclass(frozen=True)
class Limits:
    requests: int
    list_pages: int
    depth: int
    urls_per_pattern: int
    seconds: float

    @classmethod
    def from_settings(cls, settings: Any) -> Limits:
        return cls(settings.getint("PORTAL_MAX_REQUESTS"), settings.getint("PORTAL_MAX_LIST_PAGES"),
                   settings.getint("PORTAL_MAX_DEPTH"), settings.getint("PORTAL_MAX_URLS_PER_PATTERN"),
                   settings.getfloat("PORTAL_MAX_SECONDS"))


@dataclass
class PortalBudget:
    """What one portal has spent this run."""

    limits: Limits
    started: float | None = None
    urls: set[str] = field(default_factory=set)
    list_pages: int = 0
    per_pattern: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    hit: str | None = None  # the first budget that stopped a request

    def admit(self, canonical: str, *, list_page: bool, depth: int) -> str | None:
        """None if the request may be made (and counts it), else the name of the budget."""
        if canonical in self.urls:
            return None  # asked for again: the duplicate filter drops it, it costs nothing
        now = time.monotonic()
        if self.started is None:
            self.started = now
        pattern = url_pattern(canonical)
        exceeded = (
            "requests" if len(self.urls) >= self.limits.requests else
            "list_pages" if list_page and self.list_pages >= self.limits.list_pages else
            "depth" if depth > self.limits.depth else
            "urls_per_pattern" if self.per_pattern[pattern] >= self.limits.urls_per_pattern else
            "seconds" if now - self.started > self.limits.seconds else
            None
        )
        if exceeded is not None:
            return exceeded
        self.urls.add(canonical)
        self.per_pattern[pattern] += 1
        self.list_pages += list_page
        return None


class BudgetMiddleware:
    """Spider middleware: every request the spider makes for a portal is charged to its budget.

    It sits after Scrapy's DepthMiddleware (which stamps each request's depth) so the depth
    budget sees it; rechecks of archived documents at idle are scheduled directly and cost
    nothing (the archive bounds them).
    """

    def __init__(self, limits: Limits, stats: Any) -> None:
        self.limits = limits
        self.stats = stats
        self.budgets: dict[str, PortalBudget] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> BudgetMiddleware:
        return cls(Limits.from_settings(crawler.settings), crawler.stats)

    def budget(self, portal_id: str) -> PortalBudget:
        if portal_id not in self.budgets:
            self.budgets[portal_id] = PortalBudget(self.limits)
        return self.budgets[portal_id]

    def charge(self, request: Any) -> CrawlEvent | None | bool:
        """True to let the request through; else the event that marks the portal (or None
        when it was marked already)."""
        context = request.meta.get(CONTEXT_META_KEY) or {}
        portal_id = context.get("portal")
        if portal_id is None:
            return True
        budget = self.budget(portal_id)
        exceeded = budget.admit(canonical_url(request.url), list_page="kind" not in request.meta,
                                depth=request.meta.get("depth", 0))
        if exceeded is None:
            return True
        self.stats.inc_value(f"budget/dropped/{exceeded}")
        if budget.hit is not None:
            return None
        budget.hit = exceeded
        logger.warning("portal %s: %s budget spent (%s); stopping there, see PORTAL_MAX_%s",
                       portal_id, exceeded, request.url, exceeded.upper())
        return CrawlEvent(portal_id, "budget", request.url, exceeded)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for item_or_request in start:
            for output in self.filtered(item_or_request):
                yield output

    def process_spider_output(self, response: Any, result: Iterable[Any]) -> Iterator[Any]:
        for item_or_request in result:
            yield from self.filtered(item_or_request)

    async def process_spider_output_async(self, response: Any, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for item_or_request in result:
            for output in self.filtered(item_or_request):
                yield output

    def filtered(self, output: Any) -> Iterator[Any]:
        if not isinstance(output, Request):
            yield output
            return
        verdict = self.charge(output)
        if verdict is True:
            yield output
        elif verdict is not None:
            yield verdict

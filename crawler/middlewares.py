"""Middlewares: retries with backoff, conditional requests, soft-404 detection (downloader);
per-portal accounting of callback errors (spider)."""

from __future__ import annotations

import asyncio
import logging

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response

from crawler.adapters.base import CONTEXT_META_KEY
from crawler.archive_client import ArchiveClient
from crawler.canonical import canonical_url
from crawler.items import CrawlEvent
from crawler.soft404 import soft_404_reason

logger = logging.getLogger(__name__)

# Request.meta keys the spider sets.
CONDITIONAL_META = "conditional"  # ask the archive for If-None-Match / If-Modified-Since
SOFT_404_META = "soft_404"  # set by SoftNotFoundMiddleware: why a 200 is not content


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry policy, but waiting base * 2**(n-1) seconds before the n-th retry.

    A portal answering 5xx is usually overloaded; retrying at once only adds to it.
    Retry-After (429/503) is honoured up to RETRY_BACKOFF_MAX.
    """

    def __init__(self, settings) -> None:  # type: ignore[no-untyped-def]
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE")
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX")

    def backoff(self, retry: Request, response: Response | None = None) -> float:
        attempt = retry.meta.get("retry_times", 1)
        delay = self.backoff_base * 2 ** (attempt - 1)
        retry_after = response.headers.get(b"Retry-After") if response is not None else None
        if retry_after and retry_after.strip().isdigit():
            delay = max(delay, float(retry_after))
        return min(delay, self.backoff_max)

    async def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        result = super().process_response(request, response)
        if isinstance(result, Request):
            await asyncio.sleep(self.backoff(result, response))
        return result

    async def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:  # type: ignore[override]
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await asyncio.sleep(self.backoff(result))
        return result


class ConditionalRequestMiddleware:
    """Send the validators of the archive's last fetch, so unchanged documents cost a 304.

    Only requests the spider marks ``conditional`` (report pages, attachments): list and
    section pages are always fetched in full, because that is where new reports appear.
    The archive client is the one the archive pipeline handed to the spider.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalRequestMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        if not request.meta.get(CONDITIONAL_META) or b"If-None-Match" in request.headers:
            return None
        archive: ArchiveClient | None = getattr(self.crawler.spider, "archive", None)
        if archive is None:
            return None
        for name, value in (await archive.conditional_headers(canonical_url(request.url))).items():
            request.headers.setdefault(name, value)
        return None


class SoftNotFoundMiddleware:
    """Flag 200 responses that are "page not found" pages or bot walls (request meta)."""

    def process_response(self, request: Request, response: Response) -> Response:
        reason = soft_404_reason(response)
        if reason:
            request.meta[SOFT_404_META] = reason
            logger.info("%s <%s>", reason, response.url)
        return response


class PortalErrorMiddleware:
    """A spider callback that raised on a strange page becomes an error of that portal in
    the run summary (Scrapy would only log it), and the crawl goes on."""

    def process_spider_exception(self, response: Response, exception: Exception) -> list[CrawlEvent] | None:
        context = response.meta.get(CONTEXT_META_KEY) or {}
        if "portal" not in context:
            return None
        logger.error("error handling %s: %r", response.url, exception, exc_info=exception)
        return [CrawlEvent(context["portal"], "error", response.url, f"spider: {exception!r}")]

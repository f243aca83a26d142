"""robots.txt, always: no page of a host is fetched before its robots.txt has been read.

Scrapy's RobotsTxtMiddleware treats a robots.txt it could not download (timeout, refused
connection) as "everything allowed", so a host that is slow for a moment, or a crawl that
is shutting down, gets its disallowed pages fetched. Here a robots.txt that cannot be
fetched, or answers 5xx, holds that host's requests back: it is asked for again after
``ROBOTSTXT_RETRY_DELAY`` seconds, up to ``ROBOTSTXT_RETRY_TIMES`` more times. Whether the
host is dead is not decided here but by `crawler.dead_hosts.DeadHosts`, which every
failure is reported to: a host that never answered is set aside after DEAD_HOST_FAILURES
failures (the requests waiting for its robots.txt with it) and tried again later; a host
whose robots.txt never comes, or fails on its second try, is given up on for the run (one
log line with the reason, its requests refused with `HostUnreachable`, which the spider
puts into the portal's summary). A robots.txt answered 4xx means no rules, as RFC 9309 says.

Scrapy's middleware also lets requests through unchecked when several wait for the same
robots.txt at once (all but the first get None from the shared Deferred): the cause of a
resumed crawl fetching a disallowed page, since a resumed run dequeues many requests
before the robots.txt answer arrives. Waiters here share an asyncio future instead.
"""

from __future__ import annotations

import asyncio
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http.request import NO_CALLBACK
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler

from crawler.dead_hosts import DeadHosts, HostUnreachable, describe
from crawler.scope import OutOfScope

UNREACHABLE = object()  # what waiters on a failed robots.txt download are told


class PatientRobotsTxtMiddleware(RobotsTxtMiddleware):
    """RobotsTxtMiddleware that waits for robots.txt instead of allowing all without it."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.retry_times = crawler.settings.getint("ROBOTSTXT_RETRY_TIMES")
        self.retry_delay = crawler.settings.getfloat("ROBOTSTXT_RETRY_DELAY")
        self.last_error: dict[str, str] = {}
        self.hosts = DeadHosts.of(crawler)

    async def process_request(self, request: Request, spider: Any = None) -> None:
        if request.meta.get("dont_obey_robotstxt"):
            return
        if urlparse_cached(request).scheme not in ("http", "https"):
            return  # no robots.txt to ask; the scope gate refuses these
        self.hosts.hold(request)  # given up (refused) or set aside (kept for later)
        self.process_request_2(await self.robot_parser(request), request)

    async def robot_parser(self, request: Request) -> RobotParser | None:
        netloc = urlparse_cached(request).netloc
        for attempt in range(self.retry_times + 1):
            if attempt:
                if not self.crawler.crawling:
                    raise IgnoreRequest(f"crawl stopping before robots.txt of {netloc} was read")
                await asyncio.sleep(self.retry_delay)
            parser = await self.fetched(request, netloc)
            if parser is not UNREACHABLE:
                return parser
            # The failure was reported to DeadHosts on its way here: the host may be set
            # aside now, with this request, or given up.
            self.hosts.hold(request)
        self.hosts.give_up(netloc, f"robots.txt: {self.last_error.get(netloc, 'not answered')}")
        self._stats.inc_value("robotstxt/host_unreachable")
        raise HostUnreachable(self.hosts.given_up[netloc], request.url)

    async def fetched(self, request: Request, netloc: str) -> Any:
        """The host's parser, downloading robots.txt once for all waiting requests."""
        entry = self._parsers.get(netloc)
        if isinstance(entry, asyncio.Future):
            # A future, not a Deferred: a Deferred hands its result to the first awaiter
            # only and None to the others, which Scrapy's middleware takes for "no
            # robots.txt, all allowed" (many requests wait at once when a run resumes).
            return await asyncio.shield(entry)
        if netloc in self._parsers:
            return entry
        waiting: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._parsers[netloc] = waiting  # type: ignore[assignment]
        scheme = urlparse_cached(request).scheme
        robots = Request(f"{scheme}://{netloc}/robots.txt", priority=self.DOWNLOAD_PRIORITY,
                         # retried here, after a delay, not at once by the retry middleware
                         meta={"dont_obey_robotstxt": True, "dont_retry": True}, callback=NO_CALLBACK)
        self._stats.inc_value("robotstxt/request_count")
        try:
            response = await self.crawler.engine.download_async(robots)
            self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
            if response.status >= 500:
                raise IgnoreRequest(f"HTTP {response.status}")
            parser = build_from_crawler(self._parserimpl, self.crawler, response.body)
        except OutOfScope:
            parser = None  # a host the crawl may not visit: the scope gate refuses its pages too
        except Exception as exc:  # noqa: BLE001 - any failure means: not read yet
            self.last_error[netloc] = describe(exc)
            del self._parsers[netloc]  # the next attempt downloads it again
            waiting.set_result(UNREACHABLE)
            return UNREACHABLE
        self._parsers[netloc] = parser
        waiting.set_result(parser)
        return parser

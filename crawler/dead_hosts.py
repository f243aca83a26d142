"""Dead hosts found early and set aside, so they do not hold the crawl's download slots.

A portal that is down costs a polite crawl dearly: robots.txt and the homepage each wait
for their timeout, then are retried three times with backoff, while holding slots of
CONCURRENT_REQUESTS that live portals could use. Here:

- until a host has answered once, its requests get FIRST_CONTACT_TIMEOUT instead of
  DOWNLOAD_TIMEOUT (a live portal answers its robots.txt and homepage in seconds; the
  long timeout is for large attachments of hosts known to be up);
- a host that never answered gets no retries of its robots.txt (its homepage, next, tells
  a dead host from a hiccup; if the host answers after all, its robots.txt is fetched again
  before anything else); failed twice without any response (its robots.txt and its
  homepage), it is dead: its requests are set aside, not retried with backoff;
- what was set aside is tried again once later in the run (DEAD_HOST_RETRY_AFTER, or as
  soon as the crawl has nothing else to do), with robots.txt fetched afresh; a host that
  fails again (once is enough) is given up for this run and its requests fail at once, as
  errors of the portal.

Per-host politeness is untouched: a retried request goes through the same slots, delays
and robots.txt as any other.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Response
from scrapy.utils.misc import load_object

logger = logging.getLogger(__name__)

RETRY_CHECK_SECONDS = 30  # how often set-aside hosts are checked for being due again


class HostSetAside(IgnoreRequest):
    """The request's host is dead for now; the request was put aside to be tried later."""


def host_of(request: Request) -> str:
    return urlsplit(request.url).hostname or ""


def is_robots(request: Request) -> bool:
    return urlsplit(request.url).path == "/robots.txt"


class DeadHostMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.first_contact_timeout = settings.getfloat("FIRST_CONTACT_TIMEOUT")
        self.failures_to_dead = settings.getint("DEAD_HOST_FAILURES")
        self.retry_after = settings.getfloat("DEAD_HOST_RETRY_AFTER")
        self.no_response = tuple(load_object(path) if isinstance(path, str) else path
                                 for path in settings.getlist("RETRY_EXCEPTIONS"))
        self.answered: set[str] = set()
        self.failures: dict[str, int] = defaultdict(int)
        self.dead_since: dict[str, float] = {}  # set aside, to be tried again
        self.tried_again: set[str] = set()  # set aside once, and tried again
        self.given_up: dict[str, str] = {}  # host -> its last failure
        self.last_failure: dict[str, str] = {}
        self.robots_failed: set[str] = set()
        self.set_aside: dict[str, list[Request]] = defaultdict(list)
        self.lost_seconds = 0.0  # time requests to dead hosts spent waiting for nothing
        self.last_retry_check = time.monotonic()
        # A distributed worker holds a portal only while it has requests of it: it fails a
        # dead host's requests at once instead of keeping them aside in its memory.
        self.keep_aside = not settings.get("REDIS_URL")
        crawler.signals.connect(self.on_idle, signal=signals.spider_idle)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DeadHostMiddleware:
        return cls(crawler)

    # -- downloader middleware --------------------------------------------------------------
    def process_request(self, request: Request) -> None:
        if self.dead_since and time.monotonic() - self.last_retry_check > RETRY_CHECK_SECONDS:
            self.last_retry_check = time.monotonic()
            self.retry_due()
        host = host_of(request)
        if host in self.given_up:
            raise IgnoreRequest(f"host {host} unreachable (given up for this run): {self.given_up[host]}")
        if host in self.dead_since and not is_robots(request):
            self._set_aside(host, request)
        if host not in self.answered:
            timeout = request.meta.get("download_timeout") or self.crawler.settings.getfloat("DOWNLOAD_TIMEOUT")
            request.meta["download_timeout"] = min(timeout, self.first_contact_timeout)
        request.meta.setdefault("dead_host_started", time.monotonic())
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        host = host_of(request)
        self.answered.add(host)
        self.failures.pop(host, None)
        if host in self.robots_failed:
            # robots.txt had failed and counted as "allow all": now the host answers, so
            # its robots.txt is fetched again before the next request.
            self.robots_failed.discard(host)
            self._forget_robots(host)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        host = host_of(request)
        if host in self.answered or not isinstance(exception, self.no_response):
            return None  # a live host's hiccup: Scrapy's retries deal with it
        self.lost_seconds += time.monotonic() - request.meta.get("dead_host_started", time.monotonic())
        self.crawler.stats.set_value("zfxxgk/dead_host_seconds_lost", round(self.lost_seconds, 1))
        self.failures[host] += 1
        # The kind of failure, not its message: that names the URL (robots.txt...), and
        # the spider reads "robots" in a refusal as robots.txt forbidding the page.
        self.last_failure[host] = type(exception).__name__
        if host in self.tried_again:
            self._give_up(host)
            raise IgnoreRequest(f"host {host} unreachable, twice: {self.last_failure[host]}")
        if is_robots(request):
            # Not retried: the homepage, next, tells a dead host from a hiccup.
            self.robots_failed.add(host)
            if self.failures[host] >= self.failures_to_dead:
                self._mark_dead(host, exception)
            raise IgnoreRequest(f"robots.txt of {host}, which never answered: {exception!r}")
        if host in self.dead_since or self.failures[host] >= self.failures_to_dead:
            self._mark_dead(host, exception)
            self._set_aside(host, request)
        return None

    # -- setting aside and trying again -------------------------------------------------------
    def _mark_dead(self, host: str, exception: Exception) -> None:
        if host not in self.dead_since:
            self.dead_since[host] = time.monotonic()
            self.crawler.stats.inc_value("zfxxgk/dead_hosts_set_aside")
            logger.info("host %s set aside (no answer: %r); trying it again later", host, exception)

    def _set_aside(self, host: str, request: Request) -> None:
        if not self.keep_aside:
            self._give_up(host)
            raise IgnoreRequest(f"host {host} unreachable: {self.given_up[host]}")
        self.set_aside[host].append(request.replace(dont_filter=True, meta={
            k: v for k, v in request.meta.items() if k not in ("download_timeout", "retry_times")}))
        raise HostSetAside(f"host {host} set aside")

    def _give_up(self, host: str) -> None:
        if host not in self.given_up:
            self.given_up[host] = self.last_failure.get(host, "no answer")
            self.crawler.stats.inc_value("zfxxgk/dead_hosts_given_up")
            logger.warning("host %s given up for this run: no answer, again", host)

    def retry_due(self, *, everything: bool = False) -> int:
        """Queue again the set-aside requests of hosts dead long enough (or all of them)."""
        now, queued = time.monotonic(), 0
        for host in [h for h, since in self.dead_since.items()
                     if everything or now - since >= self.retry_after]:
            requests = self.set_aside.pop(host, [])
            del self.dead_since[host]
            self.tried_again.add(host)
            self.failures.pop(host, None)
            self.robots_failed.discard(host)
            self._forget_robots(host)
            for request in requests:
                self.crawler.engine.crawl(request)
                queued += 1
        return queued

    def _forget_robots(self, host: str) -> None:
        """The robots.txt that failed counted as "allow all": fetch it again first."""
        from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware

        for middleware in self.crawler.engine.downloader.middleware.middlewares:
            if isinstance(middleware, RobotsTxtMiddleware):
                for netloc in [n for n in middleware._parsers if n.split(":")[0] == host]:
                    del middleware._parsers[netloc]

    def on_idle(self) -> None:
        if self.retry_due(everything=True):
            raise DontCloseSpider

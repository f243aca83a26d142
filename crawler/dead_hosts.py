"""Dead hosts: found early, set aside, tried once more later in the run, then given up.

A portal that is down costs a polite crawl dearly: robots.txt and the homepage each wait
for their timeout, then are retried with backoff, while holding slots of
CONCURRENT_REQUESTS that live portals could use. `DeadHosts` is the one owner of what the
crawl knows about a host being dead; the robots.txt middleware (`crawler.robots`) and the
`DeadHostMiddleware` below, for every other request, both report to it and ask it:

- until a host has answered once, its requests get FIRST_CONTACT_TIMEOUT instead of
  DOWNLOAD_TIMEOUT (a live portal answers its robots.txt and homepage in seconds; the
  long timeout is for large attachments of hosts known to be up);
- a host that never answered and failed DEAD_HOST_FAILURES times without any response
  (its robots.txt twice, or robots.txt and a page fetched without it) is set aside: its
  requests are kept, not retried with backoff and not failed;
- what was set aside is tried again once later in the run (DEAD_HOST_RETRY_AFTER seconds
  after, or as soon as the crawl has nothing else to do), robots.txt first; a host that
  fails again (once is enough) is given up for this run: one log line with the reason, its
  requests refused with `HostUnreachable` (the spider puts the reason into the portal's
  summary). A host that answered once and then fails is a live host's hiccup: retries and
  the robots.txt middleware's patience deal with it, and it is given up only when its
  robots.txt never comes (`give_up`).

Where set-aside requests wait is the `store`: in this process's memory for a single-machine
crawl; in a distributed run the worker's scheduler keeps them in the run's Redis, so that
its portal goes back to the run's queue with a not-before time and any worker tries it
again (`crawler.distributed.scheduler`). Per-host politeness is untouched: a retried
request goes through the same slots, delays and robots.txt as any other.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from typing import Protocol
from urllib.parse import urlsplit
from weakref import WeakKeyDictionary

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Response
from scrapy.utils.misc import load_object

logger = logging.getLogger(__name__)

RETRY_CHECK_SECONDS = 30  # how often set-aside hosts are checked for being due again


class HostSetAside(IgnoreRequest):
    """The request's host is dead for now; the request was put aside to be tried later."""


class HostUnreachable(IgnoreRequest):
    """A request for a host given up on this run; `reason` says why (for the summary)."""

    def __init__(self, reason: str, url: str) -> None:
        super().__init__(f"host unreachable ({reason}): {url}")
        self.reason = reason


def host_of(request: Request) -> str:
    """The host as robots.txt knows it: name and port (what one server answers for)."""
    return urlsplit(request.url).netloc


def is_robots(request: Request) -> bool:
    return urlsplit(request.url).path == "/robots.txt"


def describe(exc: BaseException) -> str:
    """A reason a user can read: the exception's own message, without its module path."""
    message = str(exc).strip() or type(exc).__name__
    return message.rstrip(".")


def aside_copy(request: Request) -> Request:
    """The request as it will be sent again: past the duplicate filter, with a fresh
    timeout and retry count."""
    return request.replace(dont_filter=True, meta={
        k: v for k, v in request.meta.items() if k not in ("download_timeout", "retry_times")})


class AsideStore(Protocol):
    """Where a dead host's requests wait until the host is tried again."""

    def keep(self, host: str, request: Request) -> None: ...


class MemoryAside:
    """The single-machine store: the requests in this process, by host."""

    def __init__(self) -> None:
        self.requests: dict[str, list[Request]] = defaultdict(list)

    def keep(self, host: str, request: Request) -> None:
        self.requests[host].append(aside_copy(request))

    def take(self, host: str) -> list[Request]:
        return self.requests.pop(host, [])


_BY_CRAWLER: WeakKeyDictionary[Crawler, DeadHosts] = WeakKeyDictionary()


class DeadHosts:
    """The crawl's one record of dead hosts: what failed, what is set aside, what is given up."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.failures_to_dead = settings.getint("DEAD_HOST_FAILURES")
        self.retry_after = settings.getfloat("DEAD_HOST_RETRY_AFTER")
        self.no_response = tuple(load_object(path) if isinstance(path, str) else path
                                 for path in settings.getlist("RETRY_EXCEPTIONS"))
        self.answered: set[str] = set()
        self.failures: dict[str, int] = defaultdict(int)
        self.last_failure: dict[str, str] = {}  # host -> reason, for the summary
        self.aside_since: dict[str, float] = {}  # set aside, to be tried again
        self.second_try: set[str] = set()  # set aside once, and being tried again
        self.given_up: dict[str, str] = {}  # host -> why
        self.store: AsideStore = MemoryAside()  # a distributed worker's scheduler replaces it
        self.lost_seconds = 0.0  # time requests to dead hosts spent waiting for nothing

    @classmethod
    def of(cls, crawler: Crawler) -> DeadHosts:
        """The crawl's instance, shared by the middlewares and the scheduler."""
        if crawler not in _BY_CRAWLER:
            _BY_CRAWLER[crawler] = cls(crawler)
        return _BY_CRAWLER[crawler]

    # -- what happened ------------------------------------------------------------------------
    def is_no_response(self, exception: BaseException) -> bool:
        return isinstance(exception, self.no_response)

    def on_answer(self, host: str) -> None:
        self.answered.add(host)
        self.failures.pop(host, None)

    def on_failure(self, host: str, exception: BaseException, *, robots: bool,
                   waited: float) -> None:
        """A request to `host` got no response at all. Counts it against a host that never
        answered, and sets the host aside or gives it up when that is due."""
        if host in self.answered or host in self.given_up or not self.is_no_response(exception):
            return  # a live host's hiccup (retries deal with it), or already decided
        self.lost_seconds += waited
        self.crawler.stats.set_value("zfxxgk/dead_host_seconds_lost", round(self.lost_seconds, 1))
        self.failures[host] += 1
        self.last_failure[host] = ("robots.txt: " if robots else "") + describe(exception)
        if host in self.second_try:
            self.give_up(host, self.last_failure[host])
        elif host not in self.aside_since and self.failures[host] >= self.failures_to_dead:
            self.aside_since[host] = time.time()
            self.crawler.stats.inc_value("zfxxgk/dead_hosts_set_aside")
            logger.info("host %s set aside (no answer: %s); trying it again later",
                        host, self.last_failure[host])

    def give_up(self, host: str, reason: str) -> None:
        if host not in self.given_up:
            self.given_up[host] = reason
            self.aside_since.pop(host, None)
            self.crawler.stats.inc_value("zfxxgk/dead_hosts_given_up")
            logger.warning("giving up on host %s for this run: %s", host, reason)

    # -- what to do with a request --------------------------------------------------------------
    def is_set_aside(self, host: str) -> bool:
        return host in self.aside_since

    def hold(self, request: Request) -> None:
        """Refuse a request of a given-up host, or keep one of a set-aside host; raises."""
        host = host_of(request)
        if host in self.given_up:
            raise HostUnreachable(self.given_up[host], request.url)
        if host in self.aside_since:
            self.store.keep(host, request)
            raise HostSetAside(f"host {host} set aside")

    # -- trying again ---------------------------------------------------------------------------
    def try_again(self, host: str) -> None:
        """The host's second (and last) chance starts: its next failure gives it up."""
        if host not in self.given_up:
            self.aside_since.pop(host, None)
            self.second_try.add(host)
            self.failures.pop(host, None)

    def retry_due(self, *, everything: bool = False) -> int:
        """Queue again the requests kept in memory of hosts set aside long enough (or all)."""
        if not isinstance(self.store, MemoryAside):
            return 0  # the distributed scheduler hands such portals back to the run
        now, queued = time.time(), 0
        for host in [h for h, since in self.aside_since.items()
                     if everything or now - since >= self.retry_after]:
            self.try_again(host)
            for request in self.store.take(host):
                self.crawler.engine.crawl(request)
                queued += 1
        return queued

    def aside_requests(self) -> list[Request]:
        """The requests waiting in this process for their host's second try."""
        if isinstance(self.store, MemoryAside):
            return [r for requests in self.store.requests.values() for r in requests]
        return []


class DeadHostMiddleware:
    """Reports every request's outcome to `DeadHosts`; holds back those of dead hosts."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.hosts = DeadHosts.of(crawler)
        self.first_contact_timeout = crawler.settings.getfloat("FIRST_CONTACT_TIMEOUT")
        self.last_retry_check = time.monotonic()
        crawler.signals.connect(self.on_idle, signal=signals.spider_idle)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DeadHostMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if self.hosts.aside_since and time.monotonic() - self.last_retry_check > RETRY_CHECK_SECONDS:
            self.last_retry_check = time.monotonic()
            self.hosts.retry_due()
        if not is_robots(request):  # robots.txt is the robots.txt middleware's to hold
            self.hosts.hold(request)
        host = host_of(request)
        if host not in self.hosts.answered:
            timeout = request.meta.get("download_timeout") or self.crawler.settings.getfloat("DOWNLOAD_TIMEOUT")
            request.meta["download_timeout"] = min(timeout, self.first_contact_timeout)
        request.meta.setdefault("dead_host_started", time.monotonic())
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        self.hosts.on_answer(host_of(request))
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        host, robots = host_of(request), is_robots(request)
        waited = time.monotonic() - request.meta.get("dead_host_started", time.monotonic())
        self.hosts.on_failure(host, exception, robots=robots, waited=waited)
        if not robots:  # robots.txt: the robots.txt middleware asks DeadHosts what to do
            self.hosts.hold(request)  # set aside or given up just now: not retried
        return None

    def on_idle(self) -> None:
        if self.hosts.retry_due(everything=True):
            raise DontCloseSpider

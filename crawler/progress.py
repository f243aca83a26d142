"""Progress you can watch: a line per finished portal and a periodic status line.

    [37/2833] 清河县人民政府: 14 reports, 2 new versions, 0 errors, 41 s
    progress: 12.4 pages/s; portals 37 done, 212 active, 2584 waiting; 6 dead hosts set aside

A portal is finished when nothing of it is queued (the scheduler counts per portal:
`PortalCountingScheduler`), in flight in the engine, or set aside for its dead host's
second try (`crawler.dead_hosts`). Reports are the portal's report pages and attachments fetched (200 or 304),
new versions what the archive stored as new. In a distributed run the worker's status line
adds every worker's rate and the stream's backlog; the per-portal lines with the archive's
counts are printed by the archive writer, which alone knows them.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from typing import Any

from scrapy import Request, signals
from scrapy.core.scheduler import Scheduler
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from crawler.adapters.base import CONTEXT_META_KEY
from crawler.dead_hosts import DeadHosts

logger = logging.getLogger("zfxxgk.progress")


def portal_of(request: Request) -> str | None:
    return (request.meta.get(CONTEXT_META_KEY) or {}).get("portal")


class PortalCountingScheduler(Scheduler):
    """Scrapy's scheduler, counting the queued requests of each portal."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queued_by_portal: Counter[str] = Counter()

    def enqueue_request(self, request: Request) -> bool:
        queued = super().enqueue_request(request)
        if queued and (portal_id := portal_of(request)):
            self.queued_by_portal[portal_id] += 1
        return queued

    def next_request(self) -> Request | None:
        request = super().next_request()
        if request is not None and (portal_id := portal_of(request)):
            self.queued_by_portal[portal_id] -= 1
        return request


def reports_of(summary: Any) -> int:
    return summary.pages_fetched + summary.attachments_fetched + summary.not_modified


class CrawlProgress:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.interval = crawler.settings.getfloat("PROGRESS_INTERVAL")
        self.distributed = bool(crawler.settings.get("REDIS_URL"))
        self.started: dict[str, float] = {}  # portal id -> first request seen
        self.finished: set[str] = set()
        self.last = (time.monotonic(), 0)
        self.loop: Any = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.request_scheduled, signal=signals.request_scheduled)
        if self.distributed:
            from crawler.distributed.scheduler import portal_finished

            crawler.signals.connect(self.portal_finished, signal=portal_finished)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlProgress:
        if not crawler.settings.getfloat("PROGRESS_INTERVAL"):
            raise NotConfigured
        return cls(crawler)

    def spider_opened(self) -> None:
        self.loop = create_looping_call(self.tick)
        self.loop.start(min(1.0, self.interval), now=False)

    def spider_closed(self) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.check_finished(final=True)
        logger.info(self.status_line())

    def request_scheduled(self, request: Request) -> None:
        portal_id = portal_of(request)
        if portal_id is not None:
            self.started.setdefault(portal_id, time.monotonic())

    # -- per portal ---------------------------------------------------------------------------
    def summary(self, portal_id: str) -> Any:
        """The portal's summary as the archive pipeline keeps it (handed to the spider)."""
        summary = getattr(self.crawler.spider, "run_summary", None)
        return summary.portal(portal_id) if summary is not None else None

    def names(self) -> dict[str, str]:
        return {portal.id: portal.name for portal in getattr(self.crawler.spider, "portals", [])}

    def portal_line(self, portal_id: str, seconds: float) -> str:
        summary = self.summary(portal_id)
        name = self.names().get(portal_id, portal_id)
        total = len(self.names())
        if summary is None:
            return f"[{len(self.finished)}/{total}] {name}: {seconds:.0f} s"
        versions = "" if self.distributed else f"{summary.new_versions} new versions, "
        return (f"[{len(self.finished)}/{total}] {name}: {reports_of(summary)} reports, "
                f"{versions}{summary.errors} errors, {seconds:.0f} s")

    def busy_portals(self) -> set[str]:
        engine = self.crawler.engine
        busy = {portal_of(r) for r in engine._slot.inprogress} if engine._slot else set()
        return busy | {portal_of(r) for r in DeadHosts.of(self.crawler).aside_requests()}

    def check_finished(self, *, final: bool = False) -> None:
        scheduler = self.crawler.engine._slot.scheduler if self.crawler.engine._slot else None
        if self.distributed or not isinstance(scheduler, PortalCountingScheduler):
            return
        busy = self.busy_portals()
        for portal_id, started in list(self.started.items()):
            if portal_id in self.finished:
                continue
            if final or (scheduler.queued_by_portal[portal_id] <= 0 and portal_id not in busy):
                self.finished.add(portal_id)
                logger.info(self.portal_line(portal_id, time.monotonic() - started))

    def portal_finished(self, portal_id: str, seconds: float) -> None:
        self.finished.add(portal_id)
        logger.info(self.portal_line(portal_id, seconds))

    # -- periodic --------------------------------------------------------------------------------
    def tick(self) -> None:
        self.check_finished()
        now = time.monotonic()
        if now - self.last[0] >= self.interval:
            logger.info(self.status_line())

    def status_line(self) -> str:
        stats = self.crawler.stats
        now, responses = time.monotonic(), stats.get_value("response_received_count", 0)
        rate = (responses - self.last[1]) / max(now - self.last[0], 1e-9)
        self.last = (now, responses)
        dead = stats.get_value("zfxxgk/dead_hosts_set_aside", 0)
        given_up = stats.get_value("zfxxgk/dead_hosts_given_up", 0)
        if self.distributed:
            return self.distributed_line(rate, responses, dead, given_up)
        total = len(self.names())
        active = len(self.started) - len(self.finished)
        waiting = total - len(self.started)
        return (f"progress: {rate:.1f} pages/s; portals {len(self.finished)} done, {active} "
                f"active, {waiting} waiting; {dead} dead hosts set aside ({given_up} given up)")

    def distributed_line(self, rate: float, responses: int, dead: int, given_up: int) -> str:
        from crawler.distributed.run import progress

        scheduler = self.crawler.engine._slot.scheduler
        server, keys = scheduler.server, scheduler.keys
        name = self.crawler.settings.get("WORKER_NAME")
        server.hset(keys.workers, name, json.dumps({"rate": round(rate, 1), "responses": responses,
                                                     "at": time.time()}))
        figures = progress(server, keys)
        workers = {k.decode(): json.loads(v) for k, v in server.hgetall(keys.workers).items()}
        rates = ", ".join(f"{worker} {info['rate']:.1f}/s" for worker, info in sorted(workers.items())
                          if time.time() - info["at"] < 3 * self.interval)
        return (f"progress: {rate:.1f} pages/s here; run {figures['done']} done, "
                f"{figures['active']} active, {figures['waiting']} waiting of {figures['total']} "
                f"portals; stream backlog {figures['backlog']}; {dead} dead hosts set aside "
                f"({given_up} given up); workers: {rates}")

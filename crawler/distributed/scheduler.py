"""The workers' scheduler: scrapy-redis, with one queue per portal and portal leases.

scrapy-redis shares one request queue and one duplicate filter between workers. Here the
duplicate filter is its `RFPDupeFilter` and the requests are encoded by its queue classes,
but every portal has its own queue, and a worker only takes requests from the portals it
holds a lease on (`crawler.distributed.lease`): so a host never gets more requests at once
than CONCURRENT_REQUESTS_PER_DOMAIN, whatever the number of workers.

A request taken from a queue moves, in the same Redis command, to the portal's in-flight
list, and leaves it only once Scrapy has finished with it (downloaded, its callback run,
its items through the pipelines and its new requests queued): the worker sees that by the
request leaving the engine's set of requests in progress. A worker killed -9 leaves its
in-flight requests behind, and whoever takes the portal over puts them back in the queue.
New requests are queued and recorded in the duplicate filter by one script, so none is
lost between the two.

A portal whose queue is empty and which has nothing in flight is finished: the worker
first asks once for the archived documents of the portal that no page linked in this run
(as the single-machine crawl does at the end), then marks the portal done. Unless a dead
host's requests of it are set aside (this scheduler is the `AsideStore` of
`crawler.dead_hosts`: they wait in the run's Redis, not in the worker): then the portal is
handed back to the run, deferred until DEAD_HOST_RETRY_AFTER after its host was set aside,
and whichever worker takes it then (or sooner, having nothing else to do) tries the host
a second and last time.

Fair shares: a worker holds at most its share of the run's unfinished portals (those
waiting, active and deferred, divided by the workers whose heartbeat is fresh), and never
more than PORTALS_PER_WORKER; a worker that joins later gets the waiting portals the
others leave to it as their shares shrink. Every worker counts itself before it takes
its first portal.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import socket
import time
import uuid
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import Base as RedisQueue

from crawler.adapters.base import CONTEXT_META_KEY
from crawler.dead_hosts import DeadHosts, aside_copy
from crawler.distributed.lease import PortalLeases
from crawler.distributed.run import (
    RunKeys,
    connect,
    is_seeded,
    progress,
    run_portals,
    run_years,
    seed_run,
)

logger = logging.getLogger(__name__)

INFLIGHT_META = "_zfxxgk_inflight"  # the queue entry a request was taken from
SEED_WAIT_SECONDS = 60  # another process is seeding the run: wait this long for it
SHARE_SECONDS = 1.0  # how long a computed fair share is used before it is asked again

# Sent when this worker finished a portal: portal_id, seconds (since it took the portal).
portal_finished = object()

# KEYS: dupefilter, queue, parent in-flight list; ARGV: fingerprint ('' = no filter), entry,
# parent entry ('' = none). 1 if queued.
_ENQUEUE = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then
  if ARGV[3] ~= '' then redis.call('LREM', KEYS[3], 1, ARGV[3]) end
  return 0
end
redis.call('RPUSH', KEYS[2], ARGV[2])
if ARGV[3] ~= '' then redis.call('LREM', KEYS[3], 1, ARGV[3]) end
return 1
"""


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def portal_of(request: Request) -> str | None:
    return (request.meta.get(CONTEXT_META_KEY) or {}).get("portal")


class _Codec(RedisQueue):
    """scrapy-redis's request encoding (pickled `Request.to_dict`), without its queue."""


class LeasedPortalScheduler:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.redis_url = settings.get("REDIS_URL")
        self.keys = RunKeys(settings.get("RUN_ID") or "default")
        self.lease_seconds = settings.getfloat("LEASE_SECONDS")
        per_host = max(1, settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"))
        self.capacity = settings.getint("PORTALS_PER_WORKER") or max(
            1, settings.getint("CONCURRENT_REQUESTS") // per_host)
        self.worker = worker_name()
        self.owned: dict[str, float] = {}  # portal id -> when this worker took it
        self.handed: dict[Request, tuple[str, bytes]] = {}
        self._turn = 0  # round-robin position over the owned portals
        self._orphans_checked = 0.0
        self._deferred_checked = 0.0
        self._share: tuple[float, int] = (0.0, 0)  # (when, how many portals) of the fair share
        self._renewer: asyncio.Task | None = None
        self.dead_hosts = DeadHosts.of(crawler)
        self.dead_hosts.store = self  # a dead host's requests wait in the run, not here

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeasedPortalScheduler:
        scheduler = cls(crawler)
        crawler.signals.connect(scheduler.on_idle, signal=signals.spider_idle)
        return scheduler

    # -- Scrapy's scheduler interface -----------------------------------------------------
    def open(self, spider: Any) -> None:
        self.spider = spider
        self.server = connect(self.redis_url)
        self.dupefilter = RFPDupeFilter(self.server, self.keys.dupefilter)
        self.codec = _Codec(self.server, spider, self.keys.key("codec"))
        self.leases = PortalLeases(self.server, self.keys, self.worker, self.lease_seconds)
        self._enqueue = self.server.register_script(_ENQUEUE)
        if seed_run(self.server, self.keys, spider.portals, spider.years):
            logger.info("seeded run %s with %d portals", self.keys.run_id, len(spider.portals))
        deadline = time.monotonic() + SEED_WAIT_SECONDS
        while not is_seeded(self.server, self.keys):
            if time.monotonic() > deadline:
                raise RuntimeError(f"run {self.keys.run_id} is being seeded by another process "
                                   "that has not finished: remove its keys and seed again")
            time.sleep(0.2)
        spider.use_run(run_portals(self.server, self.keys), run_years(self.server, self.keys))
        self.portals = {portal.id: portal for portal in spider.portals}
        self.server.zadd(self.keys.alive, {self.worker: time.time()})
        self._renewer = asyncio.get_running_loop().create_task(self._renew_forever())
        logger.info("worker %s of run %s (%s), up to %d portals at a time", self.worker,
                    self.keys.run_id, self.redis_url, self.capacity)

    def close(self, reason: str) -> None:
        if self._renewer is not None:
            self._renewer.cancel()
        self.server.zrem(self.keys.alive, self.worker)
        # Finished portals are done; the others stay leased until the lease runs out, so a
        # stopped worker's portals are taken over by the others (or by this one, restarted).
        self.server.close()

    def has_pending_requests(self) -> bool:
        return bool(self.owned) or self.server.llen(self.keys.waiting) > 0

    def enqueue_request(self, request: Request) -> bool:
        portal_id = portal_of(request)
        if portal_id is None:
            raise ValueError(f"request without a portal in its meta: {request.url}")
        parent = request.meta.pop(INFLIGHT_META, None)
        parent_key = self.keys.key("inflight", parent[0]) if parent else self.keys.key("none")
        fingerprint = "" if request.dont_filter else self.dupefilter.request_fingerprint(request)
        queued = self._enqueue(
            keys=[self.keys.dupefilter, self.keys.key("queue", portal_id), parent_key],
            args=[fingerprint, self.codec._encode_request(request), parent[1] if parent else ""])
        if queued:
            self.crawler.stats.inc_value("scheduler/enqueued/redis")
        return bool(queued)

    def next_request(self) -> Request | None:
        self._release_finished_requests()
        self._fill()
        portals = list(self.owned)
        for step in range(len(portals)):
            portal_id = portals[(self._turn + step) % len(portals)]
            entry = self.server.lmove(self.keys.key("queue", portal_id),
                                      self.keys.key("inflight", portal_id), "LEFT", "RIGHT")
            if entry is None:
                continue
            self._turn = (self._turn + step + 1) % len(portals)
            request = self.codec._decode_request(entry)
            request.meta[INFLIGHT_META] = (portal_id, entry)
            self.handed[request] = (portal_id, entry)
            self.crawler.stats.inc_value("scheduler/dequeued/redis")
            return request
        return None

    def __len__(self) -> int:
        return sum(self.server.llen(self.keys.key("queue", pid)) for pid in self.owned)

    # -- portals ----------------------------------------------------------------------------
    def _release_finished_requests(self) -> None:
        """Requests Scrapy is done with leave the in-flight list; finished portals end."""
        in_progress = self.crawler.engine._slot.inprogress  # no public view of it
        done = [request for request in self.handed if request not in in_progress]
        if done:
            pipe = self.server.pipeline(transaction=True)
            for request in done:
                portal_id, entry = self.handed.pop(request)
                pipe.lrem(self.keys.key("inflight", portal_id), 1, entry)
            pipe.execute()
        busy = {portal_id for portal_id, _ in self.handed.values()}
        for portal_id in [pid for pid in self.owned if pid not in busy]:
            if self.server.llen(self.keys.key("queue", portal_id)) == 0:
                self._portal_drained(portal_id)

    # -- dead hosts (the AsideStore of crawler.dead_hosts) -------------------------------------
    def keep(self, host: str, request: Request) -> None:
        """A request of a dead host waits in the run for the host's second try."""
        portal_id = portal_of(request)
        copy = aside_copy(request)
        copy.meta.pop(INFLIGHT_META, None)
        pipe = self.server.pipeline(transaction=True)
        pipe.rpush(self.keys.key("aside", portal_id), self.codec._encode_request(copy))
        pipe.sadd(self.keys.key("aside_hosts", portal_id), host)
        pipe.hsetnx(self.keys.key("aside_until"), portal_id,
                    time.time() + self.dead_hosts.retry_after)
        pipe.execute()

    def _defer(self, portal_id: str) -> None:
        not_before = float(self.server.hget(self.keys.key("aside_until"), portal_id) or time.time())
        self.owned.pop(portal_id)
        if self.leases.defer(portal_id, not_before):
            logger.info("portal %s handed back until its dead host's second try", portal_id)

    def _portal_drained(self, portal_id: str) -> None:
        # Nothing of the portal is in this engine: anything left in its in-flight list
        # was handled (its removal raced with a lease renewal) and can go.
        self.server.delete(self.keys.key("inflight", portal_id))
        if self.server.exists(self.keys.key("aside", portal_id)):
            self._defer(portal_id)
            return
        rechecked = self.keys.key("rechecked", portal_id)
        if self.spider.years is None and not self.server.exists(rechecked):
            # Queued before the flag is set: a worker dying in between leaves the
            # requests queued, and the next owner's recheck finds them all seen.
            queued = self._recheck(portal_id)
            self.server.set(rechecked, 1)
            if queued:
                return
        started = self.owned.pop(portal_id)
        if self.leases.finish(portal_id):
            self.crawler.signals.send_catch_log(
                signal=portal_finished, portal_id=portal_id, seconds=time.time() - started)

    def _recheck(self, portal_id: str) -> int:
        """Archived documents of the portal no request of this run asked for (the
        duplicate filter knows every URL asked for), requested once more."""
        known = {raw.decode() for raw in self.server.smembers(self.keys.known(portal_id))}
        queued = 0
        for request in self.spider.recheck_requests(portal_id, known):
            queued += self.enqueue_request(request)
        if queued:
            logger.info("%s: rechecking %d archived documents no page linked this run",
                        portal_id, queued)
        return queued

    def _take(self, portal_id: str, started: float) -> None:
        self.owned[portal_id] = started
        for raw in self.server.smembers(self.keys.key("retry_hosts", portal_id)):
            self.dead_hosts.try_again(raw.decode())
        started_key = self.keys.key("started", portal_id)
        if not self.server.exists(started_key):
            # Queued before the flag is set, as for rechecks: a second try finds them seen.
            for request in self.spider.entry_requests(self.portals[portal_id]):
                self.enqueue_request(request)
            self.server.set(started_key, 1)

    def fair_share(self) -> int:
        """This worker's part of the run's unfinished portals, at most PORTALS_PER_WORKER."""
        when, share = self._share
        if time.monotonic() - when > SHARE_SECONDS:
            pipe = self.server.pipeline(transaction=False)
            pipe.zcount(self.keys.alive, time.time() - self.lease_seconds, "+inf")
            pipe.llen(self.keys.waiting)
            pipe.scard(self.keys.active)
            pipe.zcard(self.keys.deferred)
            workers, *unfinished = pipe.execute()
            share = min(self.capacity, max(1, math.ceil(sum(unfinished) / max(1, workers))))
            self._share = (time.monotonic(), share)
        return share

    def _fill(self, *, idle: bool = False) -> None:
        """Take waiting portals up to this worker's share, then deferred ones whose dead
        host's second try is due (any of them when `idle`), then orphans of dead workers."""
        while len(self.owned) < self.fair_share():
            portal_id = self.leases.claim_waiting()
            if portal_id is None and (idle or time.monotonic() - self._deferred_checked > SHARE_SECONDS):
                self._deferred_checked = time.monotonic()
                portal_id = self.leases.claim_deferred(due_by=None if idle else time.time())
            if portal_id is None and time.monotonic() - self._orphans_checked > self.lease_seconds / 3:
                self._orphans_checked = time.monotonic()
                portal_id = self.leases.take_over_orphan(set(self.owned))
                if portal_id is not None:
                    logger.info("took over portal %s (its worker stopped)", portal_id)
            if portal_id is None:
                break
            self._take(portal_id, time.time())

    async def _renew_forever(self) -> None:
        while True:
            await asyncio.sleep(self.lease_seconds / 3)
            try:
                self.server.zadd(self.keys.alive, {self.worker: time.time()})
                lost = self.leases.renew(set(self.owned))
            except Exception:  # Redis away for a moment: try again at the next beat
                logger.exception("could not renew portal leases")
                continue
            for portal_id in lost:
                logger.warning("lost the lease on portal %s (renewed too late); another "
                               "worker has it now", portal_id)
                self.owned.pop(portal_id, None)

    def on_idle(self) -> None:
        """Nothing to do here: try the deferred portals' dead hosts again now; stay while
        other workers' portals are unfinished (one of them may die and leave its portals to
        us) or deferred; close when the whole run is done."""
        self._release_finished_requests()
        self._fill(idle=True)
        figures = progress(self.server, self.keys)
        if self.owned or figures["active"] or figures["waiting"] or figures["deferred"]:
            raise DontCloseSpider


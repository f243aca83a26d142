"""The workers' archive client: fetch records go over a Redis stream to the writer.

Same methods as the local archive client (open, start_run, upsert_portals, record,
conditional_headers, known_urls, finish_run, close), answered from Redis instead of a
SQLite file: the writer process owns archive.db and publishes what workers need from it
(each URL's conditional-request validators, each portal's archived URLs) before the run
starts.

Backpressure: a record waits while the stream holds STREAM_MAX_ENTRIES unrecorded entries
(or STREAM_MAX_MB of them), so a slow writer slows the crawl (the pipeline's await holds
Scrapy's item slots, and a full scraper stops new downloads) instead of filling Redis.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

from archive.records import FetchRecord, RecordOutcome
from crawler.distributed.messages import event_entry, fetch_entry, portal_done_entry
from crawler.distributed.run import RunKeys, connect
from crawler.distributed.scheduler import portal_finished
from crawler.items import CrawlEvent

logger = logging.getLogger(__name__)

BACKPRESSURE_POLL_SECONDS = 0.2
READY_LOG_SECONDS = 10  # how often "waiting for the archive writer" is repeated


class StreamArchiveClient:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.path = settings.get("REDIS_URL")  # named like ArchiveWorkers.path, for the logs
        self.keys = RunKeys(settings.get("RUN_ID") or "default")
        self.max_entries = settings.getint("STREAM_MAX_ENTRIES")
        self.max_bytes = int(settings.getfloat("STREAM_MAX_MB") * 2**20)
        self.server: Any = None
        self.waited_seconds = 0.0  # time records spent waiting on a full stream
        crawler.signals.connect(self.on_item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.on_portal_finished, signal=portal_finished)

    @property
    def is_open(self) -> bool:
        return self.server is not None

    # -- the archive client's methods -----------------------------------------------------
    async def open(self) -> None:
        self.server = connect(self.path)
        last_log = 0.0
        while not self.server.exists(self.keys.ready):
            if time.monotonic() - last_log > READY_LOG_SECONDS:
                logger.info("waiting for the archive writer of run %s (zfxxgk archive-writer "
                            "ARCHIVE.db --redis %s --run %s)", self.keys.run_id, self.path,
                            self.keys.run_id)
                last_log = time.monotonic()
            await asyncio.sleep(0.2)

    async def start_run(self, spider: str, settings: dict[str, Any]) -> int:
        return int(self.server.hget(self.keys.meta, "archive_run_id") or 0)

    async def upsert_portals(self, rows: list[dict[str, Any]]) -> None:
        """The writer upserts the run's portals from its seed; nothing to send."""

    async def record(self, fetch: FetchRecord) -> RecordOutcome | None:
        """Put the fetch on the stream; the writer's summary counts what it changed."""
        fetch.fetch_uuid = fetch.fetch_uuid or uuid.uuid4().hex
        await self._wait_for_room()
        pipe = self.server.pipeline(transaction=True)
        pipe.xadd(self.keys.stream, fetch_entry(fetch))
        pipe.incr(self.keys.sent)
        pipe.incrby(self.keys.key("stream_bytes"), len(fetch.body))
        pipe.execute()
        return None

    async def conditional_headers(self, url: str) -> dict[str, str]:
        raw = self.server.hget(self.keys.validators, url)
        return json.loads(raw) if raw else {}

    async def known_urls(self, portal_id: str) -> set[str]:
        return {raw.decode() for raw in self.server.smembers(self.keys.known(portal_id))}

    async def finish_run(self, run_id: int, stats: dict[str, Any],
                         portal_summaries: list[dict[str, Any]]) -> None:
        """The writer finishes the archive's run; a worker leaves its own figures."""
        self.server.hset(self.keys.key("worker_stats"), self.crawler.settings.get("WORKER_NAME")
                         or str(id(self)), json.dumps(stats, default=str))

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None

    # -- the rest of the stream -------------------------------------------------------------
    async def _wait_for_room(self) -> None:
        started = None
        while (self.server.xlen(self.keys.stream) >= self.max_entries
               or int(self.server.get(self.keys.key("stream_bytes")) or 0) >= self.max_bytes):
            started = started or time.monotonic()
            await asyncio.sleep(BACKPRESSURE_POLL_SECONDS)
        if started is not None:
            self.waited_seconds += time.monotonic() - started
            self.crawler.stats.set_value("zfxxgk/stream_wait_seconds", round(self.waited_seconds, 1))

    def on_item_scraped(self, item: Any) -> None:
        if isinstance(item, CrawlEvent) and self.server is not None:
            self.server.xadd(self.keys.stream, event_entry(item))

    def on_portal_finished(self, portal_id: str, seconds: float) -> None:
        self.server.xadd(self.keys.stream, portal_done_entry(
            portal_id, seconds, self.crawler.settings.get("WORKER_NAME") or ""))

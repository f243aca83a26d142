"""Hand every fetched document to the archive; keep the per-portal summary of the run.

The archive owns change detection and parsing (`Archive.record` stores a new version and
parses it, or only notes that nothing changed), so the crawler never calls a parser. Parsing
takes tens of milliseconds per report, so archive calls run in ARCHIVE_PROCESSES separate
processes (see `ArchiveWorkers`) and the reactor keeps downloading meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import resource
import signal
import zlib
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from scrapy.crawler import Crawler

from archive.locks import retry_when_locked
from archive.records import FetchRecord, RecordOutcome
from crawler.items import CrawlEvent, PortalRows
from crawler.summary import RunSummary

logger = logging.getLogger(__name__)

RECORDED_SETTINGS = (
    "USER_AGENT", "CONTACT", "ROBOTSTXT_OBEY", "CONCURRENT_REQUESTS_PER_DOMAIN", "DOWNLOAD_DELAY",
    "AUTOTHROTTLE_ENABLED", "RETRY_TIMES", "DOWNLOAD_TIMEOUT", "JOBDIR", "ARCHIVE_DB",
)


# -- inside each archive process ----------------------------------------------------------
_archive: Any = None


def _open_archive(path: str) -> None:
    """Process initializer: open this process's own connection to the archive.

    The crawl's Ctrl-C / SIGTERM is for the crawl process, which shuts down gracefully and
    then closes the archive processes itself; they must not die first with records queued.
    """
    global _archive
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    from archive import Archive

    _archive = Archive.open(path)


def _call(method: str, *args: Any) -> Any:
    """Run one archive method; a transaction that lost a write race is run again."""
    return retry_when_locked(lambda: getattr(_archive, method)(*args))


def _close_archive() -> None:
    global _archive
    if _archive is not None:
        _archive.close()
        _archive = None


# -- in the crawl process -----------------------------------------------------------------
class ArchiveWorkers:
    """Archive processes, each with its own SQLite connection, fed by portal.

    Parsing a report costs tens of milliseconds of CPU; in the crawl process it would stall
    the reactor and cap the crawl at one core. Records of one portal always go to the same
    process, in order, so a report page is archived before the attachments that point to it.
    Questions asked before a download (conditional headers) go to a read connection on a
    thread of the crawl process instead: queued behind parses, they would hold downloads
    back (WAL readers never wait for writers).
    """

    def __init__(self, path: str, processes: int) -> None:
        self.path = path
        self.processes = max(1, processes)
        self._pools: list[ProcessPoolExecutor] = []
        self._reader = ThreadPoolExecutor(1, thread_name_prefix="archive-read")
        self._read_archive: Any = None

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),  # never fork a reactor
                                   initializer=_open_archive, initargs=(self.path,))

    async def open(self) -> None:
        for _ in range(self.processes):  # one after the other: the first creates/migrates
            pool = self._new_pool()
            self._pools.append(pool)
            await asyncio.wrap_future(pool.submit(_call, "known_urls", ""))

    def _index(self, key: str | None) -> int:
        return zlib.crc32((key or "").encode()) % len(self._pools)

    async def call(self, method: str, *args: Any, key: str | None = None) -> Any:
        index = self._index(key)
        try:
            return await asyncio.wrap_future(self._pools[index].submit(_call, method, *args))
        except BrokenProcessPool:
            # A document killed its archive process (a reader crashing in C code): this
            # call fails, the next ones get a fresh process.
            self._pools[index] = self._new_pool()
            raise

    def _read(self, method: str, *args: Any) -> Any:
        if self._read_archive is None:
            from archive import Archive

            self._read_archive = Archive.open(self.path)
        return getattr(self._read_archive, method)(*args)

    async def read(self, method: str, *args: Any) -> Any:
        return await asyncio.wrap_future(self._reader.submit(self._read, method, *args))

    def read_blocking(self, method: str, *args: Any) -> Any:
        """For the rare caller that cannot await (signal handlers)."""
        return self._reader.submit(self._read, method, *args).result()

    @property
    def is_open(self) -> bool:
        return bool(self._pools)

    async def close(self) -> None:
        pools, self._pools = self._pools, []
        for pool in pools:
            await asyncio.wrap_future(pool.submit(_close_archive))
            pool.shutdown(wait=True)
        if self._read_archive is not None:
            await asyncio.wrap_future(self._reader.submit(self._read_archive.close))
        self._reader.shutdown(wait=True)


class ArchivePipeline:
    """Opens the archive per crawl, records one fetch per item, stores the run's summary."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        if crawler.settings.get("REDIS_URL"):  # a worker of a distributed run
            from crawler.distributed.client import StreamArchiveClient

            self.worker: ArchiveWorkers | StreamArchiveClient = StreamArchiveClient(crawler)
        else:
            self.worker = ArchiveWorkers(crawler.settings.get("ARCHIVE_DB", "archive.db"),
                                         crawler.settings.getint("ARCHIVE_PROCESSES", 2))
        self.summary = RunSummary()
        self.run_id: int | None = None
        self.failed_records = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        return cls(crawler)

    async def open_spider(self) -> None:
        await self.worker.open()
        settings = {name: self.crawler.settings.get(name) for name in RECORDED_SETTINGS}
        spider = self.crawler.spider
        self.run_id = await self.worker.call("start_run", spider.name, settings)
        logger.info("archive %s: crawl run %s", self.worker.path, self.run_id)

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, FetchRecord):
            await self.record(item)
        elif isinstance(item, CrawlEvent):
            self.summary.portal(item.portal_id).add_event(item)
        elif isinstance(item, PortalRows):
            await self.worker.call("upsert_portals", item.rows)
        return item

    async def record(self, fetch: FetchRecord) -> None:
        fetch.run_id = self.run_id
        outcome: RecordOutcome | None = None
        try:
            outcome = await self.worker.call("record", fetch, key=fetch.portal_id)
        except Exception as exc:  # one bad document must never stop the crawl
            self.failed_records += 1
            logger.exception("archive could not record %s", fetch.url)
            self.summary.portal(fetch.portal_id).note_error(f"{fetch.url}: archive: {exc!r}")
        self.summary.portal(fetch.portal_id).add_fetch(fetch, outcome)

    async def conditional_headers(self, url: str) -> dict[str, str]:
        """For the conditional-request middleware: validators of the last fetch of `url`."""
        if not self.worker.is_open:
            return {}
        return await self.worker.read("conditional_headers", url)

    def known_urls(self, portal_id: str) -> set[str]:
        """Documents the archive holds for a portal (not gone); blocking, for spider_idle,
        where the archive thread has no pending work left."""
        if not self.worker.is_open:
            return set()
        return self.worker.read_blocking("known_urls", portal_id)

    async def close_spider(self) -> None:
        stats = dict(self.crawler.stats.get_stats()) if self.crawler.stats else {}
        stats["archive_record_failures"] = self.failed_records
        stats = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in stats.items()}
        try:
            if self.run_id is not None:
                await self.worker.call("finish_run", self.run_id, stats, self.summary.as_rows())
        finally:
            await self.worker.close()
        self.record_cpu_time()
        logger.info("per-portal summary (run %s):\n%s", self.run_id, self.summary.table())

    def record_cpu_time(self) -> None:
        """CPU seconds of the crawl process and of the (now reaped) archive processes, in
        the Scrapy stats: where a slow crawl spends its time, downloading or parsing."""
        if self.crawler.stats is None:
            return
        for name, who in (("crawl", resource.RUSAGE_SELF), ("archive", resource.RUSAGE_CHILDREN)):
            usage = resource.getrusage(who)
            self.crawler.stats.set_value(f"cpu_seconds/{name}", round(usage.ru_utime + usage.ru_stime, 1))

"""Hand every fetched document to the archive; keep the per-portal summary of the run.

The archive owns change detection and parsing (`Archive.record` stores a new version and
parses it, or only notes that nothing changed), so the crawler never calls a parser. The
pipeline owns the crawl's `ArchiveClient` (see `crawler.archive_client`): it opens it with
the spider, hands it to the spider for the questions asked before a download, and closes
it last.
"""

from __future__ import annotations

import logging
import resource
from typing import Any

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from archive.records import FetchRecord, RecordOutcome
from crawler.archive_client import ArchiveClient, archive_client_from_settings
from crawler.items import CrawlEvent, PortalRows
from crawler.summary import RunSummary

logger = logging.getLogger(__name__)

RECORDED_SETTINGS = (
    "USER_AGENT", "CONTACT", "ROBOTSTXT_OBEY", "CONCURRENT_REQUESTS_PER_DOMAIN", "DOWNLOAD_DELAY",
    "AUTOTHROTTLE_ENABLED", "RETRY_TIMES", "DOWNLOAD_TIMEOUT", "JOBDIR", "ARCHIVE_DB",
)


class ArchivePipeline:
    """Opens the archive per crawl, records one fetch per item, stores the run's summary."""

    def __init__(self, client: ArchiveClient, stats: StatsCollector,
                 recorded_settings: dict[str, Any], spider: Any) -> None:
        self.client = client
        self.stats = stats
        self.recorded_settings = recorded_settings
        self.spider = spider
        self.summary = RunSummary()
        self.run_id: int | None = None
        self.failed_records = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        client: ArchiveClient
        if crawler.settings.get("REDIS_URL"):  # a worker of a distributed run
            from crawler.distributed.client import StreamArchiveClient

            client = StreamArchiveClient(crawler)
        else:
            client = archive_client_from_settings(crawler.settings)
        recorded = {name: crawler.settings.get(name) for name in RECORDED_SETTINGS}
        pipeline = cls(client, crawler.stats, recorded, crawler.spider)
        if crawler.spider is not None:
            crawler.spider.archive = client  # the spider and the middlewares ask it too
            crawler.spider.run_summary = pipeline.summary  # what the progress lines report
        return pipeline

    async def open_spider(self) -> None:
        await self.client.open()
        self.run_id = await self.client.start_run(self.spider.name, self.recorded_settings)
        logger.info("archive: crawl run %s", self.run_id)

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, FetchRecord):
            await self.record(item)
        elif isinstance(item, CrawlEvent):
            self.summary.portal(item.portal_id).add_event(item)
        elif isinstance(item, PortalRows):
            await self.client.upsert_portals(item.rows)
        return item

    async def record(self, fetch: FetchRecord) -> None:
        fetch.run_id = self.run_id
        outcome: RecordOutcome | None = None
        try:
            outcome = await self.client.record(fetch)
        except Exception as exc:  # one bad document must never stop the crawl
            self.failed_records += 1
            logger.error("archive could not record %s: %r", fetch.url, exc)
            self.summary.portal(fetch.portal_id).note_error(f"{fetch.url}: archive: {exc!r}")
        self.summary.portal(fetch.portal_id).add_fetch(fetch, outcome)

    async def close_spider(self) -> None:
        completed = bool(getattr(self.spider, "completed", False))
        for portal in getattr(self.spider, "portals", ()):
            self.summary.portal(portal.id).finished = completed
        stats = dict(self.stats.get_stats())
        stats["archive_record_failures"] = self.failed_records
        stats = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in stats.items()}
        try:
            if self.run_id is not None:
                await self.client.finish_run(self.run_id, stats, self.summary.as_rows())
        finally:
            await self.client.close()
        self.record_cpu_time()
        logger.info("per-portal summary (run %s):\n%s", self.run_id, self.summary.table())

    def record_cpu_time(self) -> None:
        """CPU seconds of the crawl process and of the (now reaped) archive processes, in
        the Scrapy stats: where a slow crawl spends its time, downloading or parsing."""
        for name, who in (("crawl", resource.RUSAGE_SELF), ("archive", resource.RUSAGE_CHILDREN)):
            usage = resource.getrusage(who)
            self.stats.set_value(f"cpu_seconds/{name}", round(usage.ru_utime + usage.ru_stime, 1))

"""A job directory that cannot lose work: after a crawl dies, the next run starts over.

Scrapy's JOBDIR keeps the set of requests already seen and, on a clean stop (Ctrl-C,
SIGTERM), the queue of requests still to make; a resumed run then picks up exactly where
the first stopped. A crawl that dies (SIGKILL, OOM, power loss) keeps its seen-set but
loses its queue, and a run resumed from that directory would skip, for good, every request
that was seen but never answered.

So a run marks its job directory while it runs (``crawl.running``, removed when the spider
closes, whatever the reason). Finding the mark means the previous run died: its seen-set,
queue and spider state are thrown away and the run starts over. Nothing already archived
is lost or fetched again in full: report pages and attachments are asked for with the
archive's validators (a 304 each), and the archive remains what says what a run has done.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)

RUNNING_MARK = "crawl.running"
# What Scrapy keeps in a job directory: the duplicate filter, the scheduler, the spider.
SCRAPY_STATE = ("requests.seen", "requests.queue", "spider.state")


class JobDirGuard:
    """Extension: detect a job directory left by a dead crawl and start that crawl over."""

    def __init__(self, jobdir: Path) -> None:
        self.mark = jobdir / RUNNING_MARK
        jobdir.mkdir(parents=True, exist_ok=True)
        if self.mark.exists():
            logger.warning("the last crawl with JOBDIR %s died (pid %s); starting over, the "
                           "archive keeps what it fetched", jobdir, self.mark.read_text().strip())
            for name in SCRAPY_STATE:
                path = jobdir / name
                if path.is_dir():
                    shutil.rmtree(path)
                elif path.exists():
                    path.unlink()
        self.mark.write_text(f"{os.getpid()}\n")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JobDirGuard:
        jobdir = crawler.settings.get("JOBDIR")
        if not jobdir:
            raise NotConfigured
        guard = cls(Path(jobdir))
        crawler.signals.connect(guard.spider_closed, signal=signals.spider_closed)
        return guard

    def spider_closed(self) -> None:
        self.mark.unlink(missing_ok=True)

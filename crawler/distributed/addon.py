"""Turns `scrapy crawl county_portals` into a worker of a distributed run when REDIS_URL is set.

An add-on, because it must see the settings after ``-s`` overrides: with REDIS_URL unset it
changes nothing, and the single-machine crawl runs exactly as before.
"""

from __future__ import annotations

from scrapy.settings import BaseSettings

from crawler.distributed.scheduler import worker_name


class DistributedAddon:
    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.get("REDIS_URL"):
            return
        if not settings.get("RUN_ID"):
            raise ValueError("REDIS_URL is set but RUN_ID is not: name the run every worker "
                             "joins, e.g. -s RUN_ID=2027-02")
        settings.set("SCHEDULER", "crawler.distributed.scheduler.LeasedPortalScheduler",
                     priority="cmdline")
        settings.set("WORKER_NAME", settings.get("WORKER_NAME") or worker_name(), priority="addon")

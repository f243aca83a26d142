"""Shared by the distributed-crawl tests: workers and the archive writer as subprocesses,
exactly as users start them, and a fixture site that counts requests in progress per host."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from demo.crawl import crawl_command, crawl_environment
from demo.site import Site, SiteRequest, SiteResponse
from tests.support.crawl import PROJECT, TEST_SETTINGS


class CountingSite:
    """A fixture site that records the most requests it ever had in progress at once.

    `delay` keeps each request open a little, so that requests which overlap in a crawl
    overlap here too (a loopback answer is otherwise over before the next one arrives).
    """

    def __init__(self, site: Site, delay: float = 0.02) -> None:
        self.site = site
        self.delay = delay
        self.active = 0
        self.peak = 0
        self.requests = 0
        self._lock = threading.Lock()

    def respond(self, request: SiteRequest) -> SiteResponse:
        with self._lock:
            self.active += 1
            self.requests += 1
            self.peak = max(self.peak, self.active)
        try:
            time.sleep(self.delay)
            return self.site.respond(request)
        finally:
            with self._lock:
                self.active -= 1

    def __getattr__(self, name: str) -> Any:
        return getattr(self.site, name)


def worker_command(registry: Path, redis_url: str, run_id: str, *, name: str,
                   extra: dict[str, str] | None = None) -> list[str]:
    """A worker: the same `scrapy crawl` as a single-machine crawl, plus the Redis URL."""
    settings = {**TEST_SETTINGS, "REDIS_URL": redis_url, "RUN_ID": run_id,
                "WORKER_NAME": name, **(extra or {})}
    # ARCHIVE_DB is not used by a worker; it points nowhere useful on purpose.
    return crawl_command(registry, Path("unused-by-workers.db"), log_level="INFO",
                         extra=settings)


def start_worker(registry: Path, redis_url: str, run_id: str, log: Path, *, name: str,
                 extra: dict[str, str] | None = None) -> subprocess.Popen:
    out = log.open("ab")
    return subprocess.Popen(worker_command(registry, redis_url, run_id, name=name, extra=extra),
                            cwd=PROJECT, env=crawl_environment(), stdout=out,
                            stderr=subprocess.STDOUT)


def start_writer(db: Path, redis_url: str, run_id: str, log: Path) -> subprocess.Popen:
    out = log.open("ab")
    return subprocess.Popen([sys.executable, "-m", "cli.main", "archive-writer", str(db),
                             "--redis", redis_url, "--run", run_id],
                            cwd=PROJECT, env=crawl_environment(), stdout=out,
                            stderr=subprocess.STDOUT)


def enqueue(redis_url: str, run_id: str, registry: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli.main", "enqueue", "--redis", redis_url,
                           "--run", run_id, "--portals", str(registry), *args],
                          cwd=PROJECT, env=crawl_environment(), capture_output=True, text=True,
                          timeout=60, check=False)


def wait_all(processes: list[subprocess.Popen], timeout: float) -> list[int]:
    deadline = time.monotonic() + timeout
    codes = []
    for process in processes:
        codes.append(process.wait(timeout=max(1.0, deadline - time.monotonic())))
    return codes

"""Shared by the crawl tests: serve a scenario, run the real `scrapy crawl`, read the archive."""

from __future__ import annotations

import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from demo.crawl import crawl_command, crawl_environment
from demo.scenarios import ScenarioPortal, build_sites, write_registry
from demo.server import PortalServer

PROJECT = Path(__file__).resolve().parents[2]
# Loopback crawls in tests: a fast backoff, a generous timeout for the slow page.
TEST_SETTINGS = {"RETRY_BACKOFF_BASE": "0.1", "DOWNLOAD_TIMEOUT": "15"}


@dataclass
class CrawlResult:
    returncode: int
    log: str


def run_crawl(registry: Path, db: Path, *, jobdir: Path | None = None,
              extra: dict[str, str] | None = None, spider_args: dict[str, str] | None = None,
              timeout: float = 120) -> CrawlResult:
    """The real spider, as users run it, in a subprocess from the project directory."""
    command = crawl_command(registry, db, log_level="INFO", jobdir=str(jobdir) if jobdir else None,
                            extra={**TEST_SETTINGS, **(extra or {})}, spider_args=spider_args)
    done = subprocess.run(command, cwd=PROJECT, env=crawl_environment(), capture_output=True,
                          text=True, timeout=timeout, check=False)
    return CrawlResult(done.returncode, done.stdout + done.stderr)


def serve(server: PortalServer, portals: list[ScenarioPortal], registry: Path) -> dict[str, str]:
    """Serve the portals and write the registry CSV the spider reads them from."""
    urls = server.bind([portal.content.id for portal in portals])
    server.start(build_sites(portals, urls))
    write_registry(registry, portals, urls)
    return urls


def query(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


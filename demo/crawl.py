"""The `scrapy crawl` command line for a crawl of fixture portals on loopback.

The demo, the end-to-end tests and the benchmarks all run the real spider as a subprocess,
as users do; only the politeness delays are lowered, because the "servers" are our own
loopback sockets.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# Loopback is ours: no delay, no AutoThrottle, short retry backoff, loopback addresses let
# through the scope gate, and the only webmaster to contact is whoever runs the demo.
# Concurrency per host stays at 2 and robots.txt is still obeyed, as in a real crawl.
LOOPBACK_SETTINGS = {
    "CONTACT": "zfxxgk offline demo on loopback",
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "RETRY_BACKOFF_BASE": "0.2",
    "DOWNLOAD_TIMEOUT": "20",
    "SCOPE_ALLOWED_NETWORKS": "127.0.0.0/8",  # the fixture portals; nothing else is allowed
}


def crawl_command(registry: Path, db: Path, *, log_level: str, jobdir: str | None = None,
                  extra: dict[str, str] | None = None,
                  spider_args: dict[str, str] | None = None) -> list[str]:
    """The `scrapy crawl` command line for a loopback crawl (shared with tests and benchmarks)."""
    command = [sys.executable, "-m", "scrapy", "crawl", "county_portals",
               "-a", f"portals={registry}", "-s", f"ARCHIVE_DB={db}", "-s", f"LOG_LEVEL={log_level}"]
    for name, value in (spider_args or {}).items():
        command += ["-a", f"{name}={value}"]
    for name, value in {**LOOPBACK_SETTINGS, **(extra or {})}.items():
        command += ["-s", f"{name}={value}"]
    if jobdir:
        command += ["-s", f"JOBDIR={jobdir}"]
    return command


def crawl_environment() -> dict[str, str]:
    """Find the project's settings from any directory, installed or not."""
    return {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings"}

"""Write races between the archive processes of one crawl: retried, never surfaced.

Each `Archive` call is one transaction, rolled back whole on error, so a call that lost
a race for SQLite's write lock can simply run again.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
LOCK_RETRIES = 5


def retry_when_locked(call: Callable[[], T], retries: int = LOCK_RETRIES) -> T:
    for attempt in range(retries):
        try:
            return call()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc) or attempt == retries - 1:
                raise
            time.sleep(0.05 * 2**attempt)
    raise AssertionError("unreachable")

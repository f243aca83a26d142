"""Reparse on every core: bounded parse processes read stored bodies, this process writes.

Parsing costs tens of milliseconds per report (seconds for an OCR'd scan) and writing a
report a few, so each worker parses in a process of its own, under the same time and
memory limits as the crawl's parses, and the process that owns the archive stores each
parse as it arrives, one transaction per version. A reparse stopped at any point (Ctrl-C, kill) has stored every
version it acknowledged, and running it again resumes: the default work list is the
versions with no parse by this PARSER_VERSION; an `--all` pass records where it started
(`archive_meta`, key `reparse_all`) and skips the versions it has parsed since.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

import sqlite_utils

from archive import reports, summaries
from archive.parse_stage import Parsed, parse_body
from archive.parse_worker import BoundedParser, ParseFunction, ParseLimits
from parsers.version import PARSER_VERSION

RESUME_KEY = "reparse_all"


@dataclass
class ReparseStats:
    versions: int = 0
    ok: int = 0
    not_report: int = 0
    unreadable: int = 0
    parse_error: int = 0
    total: int = 0  # versions in the work list
    resumed: bool = False
    started: float = field(default_factory=time.monotonic)

    def add(self, parsed: Parsed) -> None:
        self.versions += 1
        setattr(self, parsed.status, getattr(self, parsed.status) + 1)

    @property
    def rate(self) -> float:
        """Versions per second so far."""
        return self.versions / max(time.monotonic() - self.started, 1e-9)

    @property
    def eta_seconds(self) -> float | None:
        return (self.total - self.versions) / self.rate if self.versions else None


def work_list(db: sqlite_utils.Database, *, all_versions: bool) -> tuple[list[dict], bool]:
    """The versions to parse, and whether an interrupted `--all` pass is being resumed."""
    resumed = False
    if all_versions:
        row = db.execute("SELECT value FROM archive_meta WHERE key = ?", [RESUME_KEY]).fetchone()
        mark = json.loads(row[0]) if row else None
        if mark and mark["parser"] == PARSER_VERSION:
            resumed = True
        else:
            last = db.execute("SELECT coalesce(max(id), 0) FROM reports").fetchone()[0]
            mark = {"parser": PARSER_VERSION, "after_report": last}
            with db.atomic():
                db["archive_meta"].upsert({"key": RESUME_KEY, "value": json.dumps(mark)}, pk="key")
        after = mark["after_report"]
    else:
        after = None
    todo = list(
        db.query(
            "SELECT id, document_id, sha256, content_type FROM versions v WHERE NOT EXISTS "
            "(SELECT 1 FROM reports r WHERE r.version_id = v.id AND r.parser_version = :parser "
            "AND (:after IS NULL OR r.id > :after)) ORDER BY id",
            {"parser": PARSER_VERSION, "after": after},
        )
    )
    return todo, resumed


def finish(db: sqlite_utils.Database) -> None:
    """A complete `--all` pass: the next one starts afresh."""
    with db.atomic():
        db.execute("DELETE FROM archive_meta WHERE key = ?", [RESUME_KEY])


def store(db: sqlite_utils.Database, version: dict, parsed: Parsed) -> None:
    """One version's new parse and the stored rows it changes, in the open transaction."""
    reports.store_report(db, version["id"], version["document_id"], parsed)
    summaries.refresh_document(db, version["document_id"])


def parse_in_workers(path: str, todo: list[dict], workers: int, limits: ParseLimits,
                     parse: ParseFunction = parse_body) -> Iterator[tuple[dict, Parsed]]:
    """Parses of `todo`, in completion order, by `workers` bounded parse processes.

    A stored body is what a hostile page sent: reparsing it gets the crawl's protection,
    a process of its own under `limits` (archive.parse_worker) that is killed when it
    overruns, so one bomb costs one parse_error, never a hung or swapped-out reparse.
    Each thread here reads bodies through its own connection and waits on its process.
    """
    local = threading.local()
    opened: list[tuple[sqlite_utils.Database, BoundedParser]] = []

    def parse_one(version: dict) -> Parsed:
        if not hasattr(local, "worker"):
            db = sqlite_utils.Database(sqlite3.connect(path, check_same_thread=False))
            db.execute("PRAGMA busy_timeout = 30000")
            local.worker = (db, BoundedParser(limits, parse))
            opened.append(local.worker)
        db, bounded = local.worker
        return reports.parse_version(db, version, bounded)

    pool = ThreadPoolExecutor(workers, thread_name_prefix="zfxxgk-reparse")
    pending: dict[Future, dict] = {}
    queue = iter(todo)
    try:
        while True:
            while len(pending) < workers * 4:
                version = next(queue, None)
                if version is None:
                    break
                pending[pool.submit(parse_one, version)] = version
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield pending.pop(future), future.result()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        for _, bounded in opened:
            bounded.interrupt()  # stopped early: the parses under way are not wanted
        pool.shutdown(wait=True)
        for db, bounded in opened:
            bounded.close()
            db.close()


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


ProgressCallback = Callable[[ReparseStats], None]

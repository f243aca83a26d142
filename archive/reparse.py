"""Reparse on every core: worker processes parse stored bodies, this process writes.

Parsing costs tens of milliseconds per report (seconds for an OCR'd scan) and writing a
report a few, so the workers read each version's body from their own connection and
parse it, and the process that owns the archive stores each parse as it arrives, one
transaction per version. A reparse stopped at any point (Ctrl-C, kill) has stored every
version it acknowledged, and running it again resumes: the default work list is the
versions with no parse by this PARSER_VERSION; an `--all` pass records where it started
(`archive_meta`, key `reparse_all`) and skips the versions it has parsed since.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field

import sqlite_utils

from archive import reports, summaries
from archive.parse_stage import Parsed, parse_body
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


# -- in each worker process ---------------------------------------------------------------
_db: sqlite_utils.Database | None = None


def _open(path: str) -> None:
    global _db
    _db = sqlite_utils.Database(path)
    _db.execute("PRAGMA busy_timeout = 30000")


def _parse(version: dict) -> Parsed:
    assert _db is not None
    return reports.parse_version(
        _db, version, lambda b, f, c, u: parse_body(b, filename=f, content_type=c, url=u)
    )


def parse_in_workers(path: str, todo: list[dict], workers: int) -> Iterator[tuple[dict, Parsed]]:
    """Parses of `todo`, in completion order, from `workers` processes (a bounded queue)."""
    # spawn, not fork: a forked child would inherit this process's open SQLite connection
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, context, initializer=_open, initargs=(path,)) as pool:
        pending: dict[Future, dict] = {}
        queue = iter(todo)
        try:
            while True:
                while len(pending) < workers * 4:
                    version = next(queue, None)
                    if version is None:
                        break
                    pending[pool.submit(_parse, version)] = version
                if not pending:
                    return
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield pending.pop(future), future.result()
        finally:
            for future in pending:
                future.cancel()


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


ProgressCallback = Callable[[ReparseStats], None]

"""The crawler's one way to the archive: a typed client with real methods.

The pipeline builds the client from the settings and hands it to the spider (and, through
the spider, to the middlewares), so nothing in the crawler looks up the pipeline or names
an archive method by a string. `LocalArchiveClient` runs archive processes on this machine;
a distributed deployment supplies another class with the same methods.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import signal
import zlib
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol, TypeVar

from archive.locks import retry_when_locked
from archive.parse_worker import ParseLimits, die_with_parent
from archive.records import FetchRecord, RecordOutcome

T = TypeVar("T")


class ArchiveClient(Protocol):
    """What the crawl asks of the archive, whatever process or machine holds it."""

    async def open(self) -> None: ...
    async def start_run(self, spider: str, settings: dict[str, Any]) -> int: ...
    async def upsert_portals(self, rows: list[dict[str, Any]]) -> None: ...
    async def record(self, fetch: FetchRecord) -> RecordOutcome | None: ...
    async def conditional_headers(self, url: str) -> dict[str, str]: ...
    async def known_urls(self, portal_id: str) -> set[str]: ...
    async def finish_run(self, run_id: int, stats: dict[str, Any],
                         portal_summaries: list[dict[str, Any]]) -> None: ...
    async def close(self) -> None: ...


# -- inside each archive process ----------------------------------------------------------
_archive: Any = None


def _open_archive(path: str, parse_limits: ParseLimits) -> None:
    """Process initializer: this process's own connection to the archive.

    The crawl's Ctrl-C / SIGTERM is for the crawl process, which shuts down gracefully and
    then closes the archive processes itself; they must not die first with records queued.
    A crawl killed outright takes them with it (parent-death signal), so none lingers with
    the archive open. Parses run in a worker of their own under `parse_limits`.
    """
    global _archive
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    from archive import Archive

    _archive = Archive.open(path, parse_limits=parse_limits)


def _start_run(spider: str, settings: dict[str, Any]) -> int:
    return retry_when_locked(lambda: _archive.start_run(spider, settings))


def _upsert_portals(rows: list[dict[str, Any]]) -> None:
    retry_when_locked(lambda: _archive.upsert_portals(rows))


def _record(fetch: FetchRecord) -> RecordOutcome:
    return retry_when_locked(lambda: _archive.record(fetch))


def _finish_run(run_id: int, stats: dict[str, Any], summaries: list[dict[str, Any]]) -> None:
    retry_when_locked(lambda: _archive.finish_run(run_id, stats, summaries))


def _ready() -> None:
    """A no-op run in each new process, so `open` returns once the archive is migrated."""


def _close_archive() -> None:
    global _archive
    if _archive is not None:
        _archive.close()
        _archive = None


# -- in the crawl process -----------------------------------------------------------------
class LocalArchiveClient:
    """Archive processes on this machine, each with its own SQLite connection, fed by portal.

    Parsing a report costs tens of milliseconds of CPU; in the crawl process it would stall
    the reactor and cap the crawl at one core. Records of one portal always go to the same
    process, in order, so a report page is archived before the attachments that point to it.
    Questions asked before a download (conditional headers, known URLs) go to a read
    connection on a thread of the crawl process instead: queued behind parses, they would
    hold downloads back (WAL readers never wait for writers).
    """

    def __init__(self, path: str, processes: int, parse_limits: ParseLimits) -> None:
        self.path = path
        self.processes = max(1, processes)
        self.parse_limits = parse_limits
        self._pools: list[ProcessPoolExecutor] = []
        self._reader = ThreadPoolExecutor(1, thread_name_prefix="archive-read")
        self._read_archive: Any = None

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),  # never fork a reactor
                                   initializer=_open_archive, initargs=(self.path, self.parse_limits))

    async def open(self) -> None:
        for _ in range(self.processes):  # one after the other: the first creates/migrates
            pool = self._new_pool()
            self._pools.append(pool)
            await asyncio.wrap_future(pool.submit(_ready))

    async def _submit(self, key: str | None, call: Callable[..., T], *args: Any) -> T:
        index = zlib.crc32((key or "").encode()) % len(self._pools)
        try:
            return await asyncio.wrap_future(self._pools[index].submit(call, *args))
        except BrokenProcessPool:
            # A document killed its archive process (a reader crashing in C code): this
            # call fails, the next ones get a fresh process.
            self._pools[index] = self._new_pool()
            raise

    async def start_run(self, spider: str, settings: dict[str, Any]) -> int:
        return await self._submit(None, _start_run, spider, settings)

    async def upsert_portals(self, rows: list[dict[str, Any]]) -> None:
        await self._submit(None, _upsert_portals, rows)

    async def record(self, fetch: FetchRecord) -> RecordOutcome | None:
        return await self._submit(fetch.portal_id, _record, fetch)

    async def finish_run(self, run_id: int, stats: dict[str, Any],
                         portal_summaries: list[dict[str, Any]]) -> None:
        await self._submit(None, _finish_run, run_id, stats, portal_summaries)

    def _reading(self) -> Any:
        if self._read_archive is None:
            from archive import Archive

            self._read_archive = Archive.open(self.path)
        return self._read_archive

    async def conditional_headers(self, url: str) -> dict[str, str]:
        if not self._pools:
            return {}
        return await asyncio.wrap_future(
            self._reader.submit(lambda: self._reading().conditional_headers(url)))

    async def known_urls(self, portal_id: str) -> set[str]:
        if not self._pools:
            return set()
        return await asyncio.wrap_future(
            self._reader.submit(lambda: self._reading().known_urls(portal_id)))

    async def close(self) -> None:
        pools, self._pools = self._pools, []
        for pool in pools:
            await asyncio.wrap_future(pool.submit(_close_archive))
            pool.shutdown(wait=True)
        if self._read_archive is not None:
            await asyncio.wrap_future(self._reader.submit(self._read_archive.close))
        self._reader.shutdown(wait=True)


def archive_client_from_settings(settings: Any) -> ArchiveClient:
    """The client the settings ask for: archive processes on this machine."""
    limits = ParseLimits(settings.getfloat("PARSE_TIMEOUT"), settings.getint("PARSE_MEMORY_LIMIT"))
    return LocalArchiveClient(settings.get("ARCHIVE_DB"), settings.getint("ARCHIVE_PROCESSES"), limits)

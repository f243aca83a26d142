"""The archive writer: the one process that owns archive.db in a distributed run.

It publishes what workers need from the archive (the validators of every archived URL of
the run's portals, for conditional requests, and each portal's archived URLs, for the
end-of-portal recheck), then records the stream's entries in order. An entry is
acknowledged (and deleted) only after the archive committed it, in one Redis transaction
with the per-portal summary it updated: a writer killed at any point sees the
unacknowledged entries again on restart, and the archive's fetch uuid makes recording one
twice return the first recording's outcome, so nothing is lost and nothing counted twice.

The per-portal summaries are built here, from the archive's outcomes, with the same
`PortalSummary` as the single-machine crawl. A URL is counted once per portal and run: a
worker that died after sending a fetch but before finishing its request has that request
fetched again by the next owner, which is a second fetch in the archive (a real one) but
not a second document in the summary.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict
from typing import Any

import redis

from archive import Archive
from archive.locks import retry_when_locked
from archive.records import FetchRecord
from crawler.distributed.messages import EVENT, FETCH, PORTAL_DONE, decode
from crawler.distributed.run import RunKeys, connect, is_seeded, progress, run_portals
from crawler.items import CrawlEvent
from crawler.summary import PortalSummary

logger = logging.getLogger(__name__)

GROUP = b"archive-writer"
CONSUMER = b"writer"  # one writer per run: a restarted one takes over its own pending entries
BATCH = 50
BLOCK_MS = 1000
PROGRESS_SECONDS = 10


def portal_line(done: int, total: int, name: str, summary: PortalSummary, seconds: float) -> str:
    """`[37/2833] 清河县: 14 reports, 2 new versions, 0 errors, 41 s`."""
    reports = summary.pages_fetched + summary.attachments_fetched + summary.not_modified
    return (f"[{done}/{total}] {name}: {reports} reports, {summary.new_versions} new versions, "
            f"{summary.errors} errors, {seconds:.0f} s")


class ArchiveWriter:
    def __init__(self, archive: Archive, redis_url: str, run_id: str, *,
                 echo: Any = print) -> None:
        self.archive = archive
        self.db_path = archive.path
        self.redis_url = redis_url
        self.keys = RunKeys(run_id)
        self.echo = echo
        self.recorded = 0  # fetch entries handled by this process

    def run(self, *, seed_wait: float = 3600.0) -> int:
        """Record the run until every portal is done; returns the archive's run id."""
        self.server = connect(self.redis_url)
        deadline = time.monotonic() + seed_wait
        while not is_seeded(self.server, self.keys):
            if time.monotonic() > deadline:
                raise TimeoutError(f"run {self.keys.run_id} was never seeded")
            time.sleep(0.5)
        run_id = self._start(self.archive)
        self.summaries = self._load_summaries()
        self._ensure_group()
        pending_first = True  # after a restart: the entries delivered but never acknowledged
        last_progress = time.monotonic()
        while True:
            entries = self.server.xreadgroup(GROUP, CONSUMER,
                                             {self.keys.stream: "0" if pending_first else ">"},
                                             count=BATCH, block=None if pending_first else BLOCK_MS)
            batch = entries[0][1] if entries else []
            if pending_first and not batch:
                pending_first = False
                continue
            for entry_id, fields in batch:
                self._handle(entry_id, fields, run_id)
            if time.monotonic() - last_progress > PROGRESS_SECONDS:
                last_progress = time.monotonic()
                self.echo(self._status_line())
            if not batch and not pending_first and self._run_complete():
                self._finish(run_id)
                return run_id

    # -- start ----------------------------------------------------------------------------
    def _start(self, archive: Archive) -> int:
        raw = self.server.hget(self.keys.meta, "archive_run_id")
        portals = run_portals(self.server, self.keys)
        if raw is None:
            settings = {"RUN_ID": self.keys.run_id, "distributed": True}
            run_id = retry_when_locked(lambda: archive.start_run("county_portals", settings))
            self.server.hset(self.keys.meta, "archive_run_id", run_id)
            retry_when_locked(lambda: archive.upsert_portals([p.as_row() for p in portals]))
        else:
            run_id = int(raw)
        if not self.server.exists(self.keys.ready):
            self._publish(archive, [p.id for p in portals])
        self.echo(f"archive-writer: run {self.keys.run_id} -> {self.db_path} crawl run {run_id}, "
                  f"{len(portals)} portals")
        return run_id

    def _publish(self, archive: Archive, portal_ids: list[str]) -> None:
        """Validators and known URLs from the archive, before any worker may fetch."""
        urls = 0
        for portal_id in portal_ids:
            known = archive.known_urls(portal_id)
            pipe = self.server.pipeline(transaction=False)
            if known:
                pipe.sadd(self.keys.known(portal_id), *known)
            for url in known:
                headers = archive.conditional_headers(url)
                if headers:
                    pipe.hset(self.keys.validators, url, json.dumps(headers))
            pipe.execute()
            urls += len(known)
        self.server.set(self.keys.ready, 1)
        self.echo(f"archive-writer: published validators of {urls} archived URLs")

    def _ensure_group(self) -> None:
        try:
            self.server.xgroup_create(self.keys.stream, GROUP, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def _load_summaries(self) -> dict[str, PortalSummary]:
        return {pid.decode(): PortalSummary.from_state(json.loads(raw))
                for pid, raw in self.server.hgetall(self.keys.summaries).items()}

    def summary(self, portal_id: str | None) -> PortalSummary:
        key = portal_id or "?"
        if key not in self.summaries:
            self.summaries[key] = PortalSummary(key)
        return self.summaries[key]

    # -- one entry ------------------------------------------------------------------------
    def _handle(self, entry_id: bytes, fields: dict[bytes, bytes], run_id: int) -> None:
        pipe = self.server.pipeline(transaction=True)
        kind, item = decode(fields) if fields else (None, None)
        if kind == FETCH:
            self._record(item, run_id, pipe)
        elif kind == EVENT:
            self._count_event(item, pipe)
        elif kind == PORTAL_DONE:
            self._portal_done(item, pipe)
        pipe.xack(self.keys.stream, GROUP, entry_id)
        pipe.xdel(self.keys.stream, entry_id)
        pipe.execute()

    def _record(self, fetch: FetchRecord, run_id: int, pipe: Any) -> None:
        fetch.run_id = run_id
        outcome = None
        try:
            outcome = retry_when_locked(lambda: self.archive.record(fetch))
        except Exception as exc:  # one bad document must never stop the run
            logger.exception("archive could not record %s", fetch.url)
            self.summary(fetch.portal_id).note_error(f"{fetch.url}: archive: {exc!r}")
        self.recorded += 1
        key = f"fetch\t{fetch.portal_id}\t{fetch.url}"
        if not self.server.sismember(self.keys.counted, key):
            summary = self.summary(fetch.portal_id)
            summary.add_fetch(fetch, outcome)
            pipe.sadd(self.keys.counted, key)
            pipe.hset(self.keys.summaries, summary.portal_id, json.dumps(summary.state()))
        if fetch.status in (200, 304) and not fetch.soft_404:
            headers = self.archive.conditional_headers(fetch.url)
            if headers:
                pipe.hset(self.keys.validators, fetch.url, json.dumps(headers))
        pipe.decrby(self.keys.key("stream_bytes"), len(fetch.body))

    def _count_event(self, event: CrawlEvent, pipe: Any) -> None:
        # The whole event: one column yields an event per list page, each listing its own.
        key = "event\t" + json.dumps(asdict(event), ensure_ascii=False, sort_keys=True)
        if self.server.sismember(self.keys.counted, key):
            return
        summary = self.summary(event.portal_id)
        summary.add_event(event)
        pipe.sadd(self.keys.counted, key)
        pipe.hset(self.keys.summaries, summary.portal_id, json.dumps(summary.state()))

    def _portal_done(self, meta: dict[str, Any], pipe: Any) -> None:
        """A worker went through all of a portal (its rechecks included): it is finished,
        as every portal of a single-machine run that ends idle is."""
        summary = self.summary(meta["portal_id"])
        summary.finished = True
        pipe.hset(self.keys.summaries, summary.portal_id, json.dumps(summary.state()))
        figures = progress(self.server, self.keys)
        names = self.server.hget(self.keys.portals, meta["portal_id"])
        name = json.loads(names)["name"] if names else meta["portal_id"]
        self.echo(portal_line(figures["done"], figures["total"], name,
                              self.summary(meta["portal_id"]), meta["seconds"]))

    # -- end ------------------------------------------------------------------------------
    def _run_complete(self) -> bool:
        figures = progress(self.server, self.keys)
        return figures["done"] >= figures["total"] and figures["backlog"] == 0

    def _status_line(self) -> str:
        figures = progress(self.server, self.keys)
        return (f"archive-writer: {figures['done']}/{figures['total']} portals done, "
                f"{figures['active']} active, {figures['waiting']} waiting; stream backlog "
                f"{figures['backlog']}; {self.recorded} fetches recorded")

    def _finish(self, run_id: int) -> None:
        order = json.loads(self.server.hget(self.keys.meta, "order") or b"[]")
        rank = {pid: n for n, pid in enumerate(order)}
        rows = [s.as_dict() for pid, s in
                sorted(self.summaries.items(), key=lambda item: rank.get(item[0], len(rank)))]
        workers = {k.decode(): json.loads(v) for k, v in
                   self.server.hgetall(self.keys.key("worker_stats")).items()}
        stats = {"workers": workers, "fetches_sent": int(self.server.get(self.keys.sent) or 0),
                 "fetches_recorded_by_last_writer": self.recorded}
        retry_when_locked(lambda: self.archive.finish_run(run_id, stats, rows))
        self.server.hset(self.keys.meta, "finished", 1)
        self.echo(f"archive-writer: run {self.keys.run_id} finished: {len(rows)} portals, "
                  f"crawl run {run_id} in {self.db_path}")

"""The archive: one SQLite file holding every fetch, every version and every parse.

The crawler's pipeline calls `Archive.record(fetch)` once per request: the body and the
fetch row are committed first, the parse runs after (in a killable worker under time and
memory limits when the archive is opened with `parse_limits`), and what the fetch means
for its document is a second transaction. A crawl killed at any moment (kill -9, power
cut) leaves every stored fetch in the file and nothing half-written; no parse ever holds
the write lock.

`Archive` is the facade the crawler and the commands use; each concern lives in its own
module: the fetch log (`fetch_log`), documents and versions (`documents`), parses and
their rows (`reports`), the decision what a fetch means (`versioning`), crawl runs and
the registry (`runs`), raw bodies (`blobs`), views (`views`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import sqlite_utils

from archive import blobs, documents, fetch_log, reports, runs, summaries, versioning, views
from archive import reparse as reparse_pool
from archive.migrations import ArchiveError, check_identity, migrate
from archive.parse_stage import Parsed, parse_body
from archive.parse_worker import NO_PARSE_LIMITS, BoundedParser, ParseLimits
from archive.records import FetchRecord, RecordOutcome
from archive.reparse import ReparseStats
from archive.versioning import Decision, Known

# Page cache per connection, in KiB (SQLite's default is 2,000).
CACHE_KIB = 64 * 1024


class Archive:
    """An open archive file. Use `Archive.open(path)`, ideally as a context manager."""

    def __init__(self, db: sqlite_utils.Database, path: str,
                 parse_limits: ParseLimits | None = None) -> None:
        self.db = db
        self.path = path
        # With limits, parses run in a killable worker process (the crawl); without, here.
        self.parse_limits = parse_limits
        self._bounded = BoundedParser(parse_limits) if parse_limits else None

    @classmethod
    def open(cls, path: str | Path, *, parse_limits: ParseLimits | None = None) -> Archive:
        """Open or create the archive at `path`, migrating an older one forward.

        Raises ArchiveError (and leaves the file untouched) for a newer archive or a
        file that is not a zfxxgk archive.
        """
        path = str(path)
        db = sqlite_utils.Database(path)
        try:
            db.execute("PRAGMA busy_timeout = 30000")
            check_identity(db, path)  # before WAL: never switch a foreign file's journal
            db.enable_wal()
            # WAL + NORMAL: a committed transaction survives a killed process; only an
            # OS crash or power cut can lose the last few commits (never corrupt the file).
            db.execute("PRAGMA synchronous = NORMAL")
            # Page cache for the record path's index lookups (fetches, documents, the
            # stored tables) once their indexes outgrow the default 2 MiB.
            db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            migrate(db, path)
            views.refresh_if_stale(db)
        except sqlite3.DatabaseError as exc:
            db.close()
            raise ArchiveError(f"{path} cannot be opened as an archive: {exc}") from exc
        except BaseException:
            db.close()
            raise
        return cls(db, path, parse_limits)

    def close(self) -> None:
        if self._bounded is not None:
            self._bounded.close()
        self.db.close()

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction, taking the write lock up front (BEGIN IMMEDIATE).

        Several processes may write at once (the crawler runs one archive process per
        core); a deferred transaction that read first could not upgrade to a write after
        another commit and would fail with SQLITE_BUSY instead of waiting its turn.
        Writes inside use sqlite-utils, whose own atomic blocks become savepoints.
        """
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.rollback()
            raise
        self.db.execute("COMMIT")

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- crawl runs and the portal registry -------------------------------------------

    def start_run(self, spider: str, settings: dict) -> int:
        with self._write():
            return runs.start_run(self.db, spider, settings)

    def finish_run(self, run_id: int, stats: dict, portal_summaries: list[dict]) -> None:
        with self._write():
            runs.finish_run(self.db, run_id, stats, portal_summaries)

    def upsert_portals(self, rows: Iterable[dict]) -> None:
        """Registry rows keyed by `id`; columns beyond the standard ones are kept too."""
        with self._write():
            rows = list(rows)
            before = summaries.portal_labels(self.db, [row["id"] for row in rows])
            runs.upsert_portals(self.db, rows)
            after = summaries.portal_labels(self.db, [row["id"] for row in rows])
            summaries.refresh_portals(self.db, [p for p in after if after[p] != before.get(p)])

    # --- what the crawler asks before fetching -----------------------------------------

    def conditional_headers(self, url: str) -> dict[str, str]:
        """Validators of the last good response for `url`, so an unchanged page costs a 304."""
        return fetch_log.conditional_headers(self.db, url)

    def known_urls(self, portal_id: str) -> set[str]:
        return documents.known_urls(self.db, portal_id)

    # --- ingest -------------------------------------------------------------------------

    def record(self, fetch: FetchRecord) -> RecordOutcome:
        """Store the fetch first, parse it after, then apply what it means to its document.

        The body and the fetch row (outcome 'pending') are committed before any parser
        touches the body, so a parse that hangs or kills its process loses nothing: the
        fetch stays in the log with its bytes. Deciding and writing the version is a second
        transaction. A fetch whose `fetch_uuid` is already recorded (a distributed crawl
        delivers at least once) is not recorded again: the first recording's outcome is
        returned, or, if that recording stopped after storing, it is finished now.
        """
        return self.record_many([fetch])[0]

    def record_many(self, fetches: Sequence[FetchRecord]) -> list[RecordOutcome]:
        """`record` for several fetches in order, with two transactions for all of them.

        A commit costs more than the rows of one fetch (the WAL frames of every page it
        touched, the full-text index's new segment), so a writer with a queue of fetches
        (an import, the distributed crawl's writer) records them together: one
        transaction stores every body and fetch row, the parses run after it, and one
        transaction applies every meaning, fetch by fetch in the given order, so a later
        fetch of the same URL sees the earlier one. The guarantees are `record`'s: a
        fetch is stored before it is parsed, and its meaning is committed together with
        everything derived from it (an error rolls back the meanings of the whole batch;
        its fetches stay in the log as 'pending', as after a killed `record`).
        """
        fetches = list(fetches)
        outcomes: list[RecordOutcome | None] = [None] * len(fetches)
        todo: list[tuple[int, FetchRecord, int, str | None]] = []
        first_of_uuid: dict[str, int] = {}  # a fetch delivered twice within the batch
        with self._write():
            for i, fetch in enumerate(fetches):
                if fetch.fetch_uuid in first_of_uuid:
                    continue
                earlier = fetch_log.by_uuid(self.db, fetch.fetch_uuid) if fetch.fetch_uuid else None
                if fetch.fetch_uuid:
                    first_of_uuid[fetch.fetch_uuid] = i
                if earlier is not None and earlier[1] != "pending":
                    outcomes[i] = earlier[0]
                    continue
                content = versioning.is_content(fetch.status, fetch.soft_404)
                raw_sha = blobs.sha256_hex(fetch.body) if content else None
                if earlier is not None:  # stored by a writer that died before deciding
                    fetch_id = earlier[0].fetch_id
                else:
                    if raw_sha is not None:
                        blobs.put(self.db, fetch.body, raw_sha,
                                  scope=fetch.portal_id or urlsplit(fetch.url).hostname)
                    document = documents.find(self.db, fetch.url)
                    fetch_id = fetch_log.log_fetch(
                        self.db, fetch, raw_sha, document and document["id"]
                    )
                todo.append((i, fetch, fetch_id, raw_sha))
        parses: dict[tuple, Parsed] = {}
        for _, fetch, _, raw_sha in todo:
            key = _parse_key(fetch, raw_sha)
            if raw_sha is None or key in parses:
                continue
            current = documents.current_version(self.db, fetch.url)
            if current is None or not fetch_log.seen_as_version(self.db, current["id"], raw_sha):
                parses[key] = self._parse_fetch(fetch)
        if todo:
            with self._write():
                for i, fetch, fetch_id, raw_sha in todo:
                    parsed = parses.get(_parse_key(fetch, raw_sha))
                    outcomes[i] = self._record(fetch, fetch_id, raw_sha, parsed)
        recorded = []
        for i, fetch in enumerate(fetches):
            outcome = outcomes[i] or outcomes[first_of_uuid[fetch.fetch_uuid or ""]]
            assert outcome is not None
            recorded.append(outcome)
        return recorded

    def _record(
        self, fetch: FetchRecord, fetch_id: int, raw_sha: str | None, parsed: Parsed | None
    ) -> RecordOutcome:
        """Inside the second transaction: gather the facts, decide, then write."""
        db = self.db
        document = documents.find(db, fetch.url)
        outcome = RecordOutcome(fetch_id=fetch_id, document_id=document and document["id"])
        current = documents.current_version(db, fetch.url) if document else None
        known = None
        if document is not None:
            known = Known(
                gone=document["gone_at"] is not None,
                has_version=current is not None,
                raw_seen=bool(
                    current and raw_sha and fetch_log.seen_as_version(db, current["id"], raw_sha)
                ),
            )
        new = None
        if raw_sha is not None and versioning.needs_fingerprint(known):
            parsed = parsed or self._parse_fetch(fetch)
            new = versioning.fingerprint(parsed, raw_sha)
            if versioning.needs_current_text(known, new):
                text = reports.current_parser_text_sha(db, current, self._parse)
                known = replace(known, current_text=text)
        decision = versioning.decide(known, fetch.status, fetch.soft_404, new)
        self._apply(decision, fetch, raw_sha, parsed, new, document, current, outcome)
        if outcome.document_id is not None and decision is not Decision.ERROR:
            summaries.refresh_document(db, outcome.document_id)
        fetch_log.set_outcome(db, fetch_id, decision.value, outcome)
        return outcome

    def _apply(
        self,
        decision: Decision,
        fetch: FetchRecord,
        raw_sha: str | None,
        parsed: Parsed | None,
        new: versioning.Fingerprint | None,
        document: dict | None,
        current: dict | None,
        outcome: RecordOutcome,
    ) -> None:
        """Write what `decision` means for the document (the fetch row is already there)."""
        db = self.db
        if decision in (Decision.NEW_DOCUMENT, Decision.NEW_VERSION):
            assert raw_sha is not None and parsed is not None and new is not None
            if document is None:
                document = documents.create_document(db, fetch)
                outcome.new_document = True
                outcome.document_id = document["id"]
            else:
                documents.touch(db, document, fetch, came_back=True)
            version_id = documents.create_version(
                db, document["id"], fetch, raw_sha, new, outcome.fetch_id
            )
            outcome.version_id = version_id
            outcome.new_version = True
            outcome.report_id = reports.store_report(db, version_id, document["id"], parsed)
            outcome.is_report = parsed.report.is_report if parsed.report else None
        elif decision is Decision.UNCHANGED:
            assert document is not None and current is not None
            outcome.version_id = current["id"]
            documents.touch(db, document, fetch, came_back=True)
        elif decision is Decision.NOT_MODIFIED:
            assert document is not None
            outcome.version_id = document["current_version_id"]
            documents.touch(db, document, fetch, came_back=True)
        elif decision in (Decision.GONE, Decision.STILL_GONE):
            assert document is not None
            outcome.gone = decision is Decision.GONE
            documents.touch(db, document, fetch, came_back=False)

    # --- parsing ------------------------------------------------------------------------

    def _parse(self, body: bytes, filename, content_type, url) -> Parsed:
        """The one place the archive runs the parser (benchmarks substitute a cache here)."""
        if self._bounded is not None:
            return self._bounded(body, filename, content_type, url)
        return parse_body(body, filename=filename, content_type=content_type, url=url)

    def _parse_fetch(self, fetch: FetchRecord) -> Parsed:
        return self._parse(fetch.body, fetch.filename, fetch_log.content_type(fetch), fetch.url)

    # --- reparse ------------------------------------------------------------------------

    def reparse(
        self,
        progress: reparse_pool.ProgressCallback | None = None,
        *,
        all_versions: bool = False,
        workers: int = 1,
    ) -> ReparseStats:
        """Parse every stored version that no parse by this `PARSER_VERSION` covers yet.

        `all_versions` re-reads every version whatever parsed it, for a parser changed
        without a version bump (a developer's tree); the new rows carry the same version.
        Adds report rows; older parses stay (views read the newest one per version).
        `workers` > 1 parses in that many processes (see archive.reparse), under the
        archive's `parse_limits` as a crawl's parses are; stopped
        half-way, the next call resumes. `progress` is called after every version.
        """
        todo, resumed = reparse_pool.work_list(self.db, all_versions=all_versions)
        stats = ReparseStats(total=len(todo), resumed=resumed)
        if workers > 1 and len(todo) > 1:
            parses = reparse_pool.parse_in_workers(self.path, todo, workers,
                                                   self.parse_limits or NO_PARSE_LIMITS)
        else:
            parses = (
                (version, reports.parse_version(self.db, version, self._parse)) for version in todo
            )
        for version, parsed in parses:
            with self._write():
                reparse_pool.store(self.db, version, parsed)
            stats.add(parsed)
            if progress:
                progress(stats)
        if all_versions:
            reparse_pool.finish(self.db)
        return stats

    # --- reading ------------------------------------------------------------------------

    def latest_reports(self) -> Iterator[dict]:
        """The chosen report per agency and year (see the latest_reports view)."""
        yield from self.db.query("SELECT * FROM latest_reports ORDER BY agency, year")


def _parse_key(fetch: FetchRecord, raw_sha: str | None) -> tuple:
    """What a parse depends on: fetches of a batch with the same key share one parse."""
    return fetch.url, raw_sha, fetch.filename, fetch_log.content_type(fetch)

"""The archive: one SQLite file holding every fetch, every version and every parse.

The crawler's pipeline calls `Archive.record(fetch)` once per request; each call is one
transaction, so a crawl killed at any moment (kill -9, power cut) leaves every
acknowledged fetch in the file and nothing half-written. Parsing happens before the
transaction opens where possible, so a slow OCR never holds the write lock.

`Archive` is the facade the crawler and the commands use; each concern lives in its own
module: the fetch log (`fetch_log`), documents and versions (`documents`), parses and
their rows (`reports`), the decision what a fetch means (`versioning`), crawl runs and
the registry (`runs`), raw bodies (`blobs`), views (`views`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import sqlite_utils

from archive import blobs, documents, fetch_log, reports, runs, summaries, versioning, views
from archive import reparse as reparse_pool
from archive.migrations import ArchiveError, check_identity, migrate
from archive.parse_stage import Parsed, parse_body
from archive.records import FetchRecord, RecordOutcome
from archive.reparse import ReparseStats
from archive.versioning import Decision, Known


class Archive:
    """An open archive file. Use `Archive.open(path)`, ideally as a context manager."""

    def __init__(self, db: sqlite_utils.Database, path: str) -> None:
        self.db = db
        self.path = path

    @classmethod
    def open(cls, path: str | Path) -> Archive:
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
            migrate(db, path)
            views.refresh_if_stale(db)
        except sqlite3.DatabaseError as exc:
            db.close()
            raise ArchiveError(f"{path} cannot be opened as an archive: {exc}") from exc
        except BaseException:
            db.close()
            raise
        return cls(db, path)

    def close(self) -> None:
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
        """Log one fetch and apply what it means to its document, in one transaction."""
        content = versioning.is_content(fetch.status, fetch.soft_404)
        raw_sha = blobs.sha256_hex(fetch.body) if content else None
        parsed = None
        if raw_sha is not None:
            current = documents.current_version(self.db, fetch.url)
            if current is None or not fetch_log.seen_as_version(self.db, current["id"], raw_sha):
                parsed = self._parse_fetch(fetch)
        with self._write():
            return self._record(fetch, raw_sha, parsed)

    def _record(
        self, fetch: FetchRecord, raw_sha: str | None, parsed: Parsed | None
    ) -> RecordOutcome:
        """Inside the transaction: log the fetch, gather the facts, decide, then write."""
        db = self.db
        document = documents.find(db, fetch.url)
        if raw_sha is not None:
            blobs.put(
                db, fetch.body, raw_sha, scope=fetch.portal_id or urlsplit(fetch.url).hostname
            )
        fetch_id = fetch_log.log_fetch(db, fetch, raw_sha, document and document["id"])
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
        `workers` > 1 parses in that many processes (see archive.reparse); stopped
        half-way, the next call resumes. `progress` is called after every version.
        """
        todo, resumed = reparse_pool.work_list(self.db, all_versions=all_versions)
        stats = ReparseStats(total=len(todo), resumed=resumed)
        if workers > 1 and len(todo) > 1:
            parses = reparse_pool.parse_in_workers(self.path, todo, workers)
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

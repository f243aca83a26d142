"""The archive: one SQLite file holding every fetch, every version and every parse.

The crawler's pipeline calls `Archive.record(fetch)` once per request; each call is one
transaction, so a crawl killed at any moment (kill -9, power cut) leaves every
acknowledged fetch in the file and nothing half-written. Parsing happens before the
transaction opens where possible, so a slow OCR never holds the write lock.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlite_utils

from archive import blobs
from archive.migrations import ArchiveError, check_identity, migrate
from archive.parse_stage import Parsed, parse_body
from archive.records import FetchRecord, RecordOutcome
from archive.schema import derived_fingerprint, refresh_derived, section_headings
from archive.versioning import TEXT, fingerprint
from parsers.version import PARSER_VERSION

GONE_STATUSES = (404, 410)
# How a legacy statistic's label path is stored: "二、依申请公开情况 / (一)收到申请数".
LABEL_PATH_SEPARATOR = " / "


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _json(value: Any) -> str | None:
    if value in (None, [], {}):
        return None
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def _number(value: Any) -> int | float | None:
    """SQLite has no decimal type: fees go in as floats, their exact digits in value_exact."""
    return float(value) if isinstance(value, Decimal) else value


def _exact(value: Any) -> str | None:
    """The value's digits as printed: Decimal('0.0000001') is '0.0000001', not '1E-7'."""
    if value is None:
        return None
    return format(value, "f") if isinstance(value, Decimal) else str(value)


@dataclass
class ReparseStats:
    versions: int = 0
    ok: int = 0
    not_report: int = 0
    unreadable: int = 0
    parse_error: int = 0


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
            _refresh_derived_if_stale(db)
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
            table = self.db["crawl_runs"].insert(
                {"spider": spider, "started_at": utc_now(), "settings": _json(settings)}
            )
        return int(table.last_pk)

    def finish_run(self, run_id: int, stats: dict, portal_summaries: list[dict]) -> None:
        with self._write():
            self.db["crawl_runs"].update(run_id, {"finished_at": utc_now(), "stats": _json(stats)})
            self.db["run_portals"].upsert_all(
                (
                    {
                        "run_id": run_id,
                        "portal_id": summary.get("portal_id"),
                        "summary": _json(summary),
                    }
                    for summary in portal_summaries
                ),
                pk=("run_id", "portal_id"),
            )

    def upsert_portals(self, rows: Iterable[dict]) -> None:
        """Registry rows keyed by `id`; columns beyond the standard ones are kept too."""
        with self._write():
            self.db["portals"].upsert_all(rows, pk="id", alter=True)

    # --- what the crawler asks before fetching -----------------------------------------

    def conditional_headers(self, url: str) -> dict[str, str]:
        """Validators of the last good response for `url`, so an unchanged page costs a 304."""
        gone = self.db.execute("SELECT gone_at FROM documents WHERE url = ?", [url]).fetchone()
        if gone is None or gone[0] is not None:
            return {}
        rows = self.db.execute(
            "SELECT etag, last_modified FROM fetches WHERE url = ? AND "
            "(status = 304 OR (status = 200 AND NOT soft_404)) "
            "ORDER BY fetched_at DESC, id DESC LIMIT 20",
            [url],
        ).fetchall()
        etag = next((row[0] for row in rows if row[0]), None)
        last_modified = next((row[1] for row in rows if row[1]), None)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return headers

    def known_urls(self, portal_id: str) -> set[str]:
        rows = self.db.execute(
            "SELECT url FROM documents WHERE portal_id = ? AND gone_at IS NULL", [portal_id]
        )
        return {row[0] for row in rows}

    # --- ingest -------------------------------------------------------------------------

    def record(self, fetch: FetchRecord) -> RecordOutcome:
        """Log one fetch and apply what it means to its document, in one transaction.

        A fetch whose `fetch_uuid` is already recorded is not recorded again: the first
        recording's outcome is returned.
        """
        if fetch.fetch_uuid and (first := self._recorded(fetch.fetch_uuid)) is not None:
            return first
        is_content = fetch.status == 200 and not fetch.soft_404
        raw_sha = blobs.sha256_hex(fetch.body) if is_content else None
        parsed = None
        if is_content:
            current = self._current_version(fetch.url)
            if current is None or not self._version_has_raw(current["id"], raw_sha):
                parsed = self._parse(fetch.body, fetch.filename, _content_type(fetch), fetch.url)
        with self._write():
            return self._record(fetch, raw_sha, parsed)

    def _recorded(self, fetch_uuid: str) -> RecordOutcome | None:
        row = self.db.execute(
            "SELECT id, document_id, version_id, outcome FROM fetches WHERE fetch_uuid = ?",
            [fetch_uuid],
        ).fetchone()
        if row is None:
            return None
        fetch_id, document_id, version_id, label = row
        return RecordOutcome(fetch_id=fetch_id, document_id=document_id, version_id=version_id,
                             new_document=label == "new_document",
                             new_version=label in ("new_document", "new_version"),
                             gone=label == "gone")

    def _record(
        self, fetch: FetchRecord, raw_sha: str | None, parsed: Parsed | None
    ) -> RecordOutcome:
        db = self.db
        document = self._document(fetch.url)
        if raw_sha is not None:
            blobs.put(db, fetch.body, raw_sha)
        fetch_id = int(
            db["fetches"]
            .insert(
                {
                    "run_id": fetch.run_id,
                    "url": fetch.url,
                    "fetched_at": fetch.fetched_at,
                    "status": fetch.status,
                    "outcome": "pending",
                    "error": fetch.error,
                    "soft_404": fetch.soft_404,
                    "etag": fetch.headers.get("etag"),
                    "last_modified": fetch.headers.get("last-modified"),
                    "content_type": _content_type(fetch),
                    "bytes": len(fetch.body) if fetch.body else None,
                    "sha256": raw_sha,
                    "document_id": document["id"] if document else None,
                    "redirected_from": _json(fetch.redirected_from),
                    "fetch_uuid": fetch.fetch_uuid,
                }
            )
            .last_pk
        )
        outcome = RecordOutcome(fetch_id=fetch_id, document_id=document and document["id"])
        if raw_sha is not None:
            label = self._record_content(fetch, raw_sha, parsed, document, outcome)
        elif fetch.status == 304 and document is not None:
            label = "not_modified"
            outcome.version_id = document["current_version_id"]
            self._touch(document, fetch, came_back=True)
        elif fetch.status in GONE_STATUSES or fetch.soft_404:
            label = "not_found"
            if document is not None:
                label = "still_gone" if document["gone_at"] else "gone"
                outcome.gone = label == "gone"
                self._touch(document, fetch, came_back=False)
        else:
            label = "error"
        db["fetches"].update(
            fetch_id,
            {
                "outcome": label,
                "document_id": outcome.document_id,
                "version_id": outcome.version_id,
            },
        )
        return outcome

    def _record_content(
        self,
        fetch: FetchRecord,
        raw_sha: str,
        parsed: Parsed | None,
        document: dict | None,
        outcome: RecordOutcome,
    ) -> str:
        """A 200 with content: same content, new version or new document; returns the outcome label."""
        if parsed is None:
            # Known raw bytes of the current version, unless another writer moved it.
            current = self._current_version(fetch.url)
            if current is not None and self._version_has_raw(current["id"], raw_sha):
                outcome.version_id = current["id"]
                self._touch(document, fetch, came_back=True)
                return "unchanged"
            parsed = self._parse(fetch.body, fetch.filename, _content_type(fetch), fetch.url)
        if document is None:
            document = self._create_document(fetch)
            outcome.new_document = True
            outcome.document_id = document["id"]
        else:
            current = self._current_version(fetch.url)
            if current is not None and self._same_content(current, raw_sha, parsed):
                outcome.version_id = current["id"]
                self._touch(document, fetch, came_back=True)
                return "unchanged"
            self._touch(document, fetch, came_back=True)
        version_id = self._create_version(document["id"], fetch, raw_sha, parsed, outcome.fetch_id)
        outcome.version_id = version_id
        outcome.new_version = True
        outcome.report_id = self._store_report(version_id, document["id"], parsed)
        outcome.is_report = parsed.report.is_report if parsed.report else None
        return "new_document" if outcome.new_document else "new_version"

    def _same_content(self, current: dict, raw_sha: str, parsed: Parsed) -> bool:
        if self._version_has_raw(current["id"], raw_sha):
            return True
        new = fingerprint(parsed, raw_sha)
        return new.kind == TEXT and self._current_parser_text_sha(current) == new.value

    def _current_parser_text_sha(self, version: dict) -> str | None:
        """The version's text fingerprint as the running parser sees it (re-read if needed)."""
        row = self.db.execute(
            "SELECT text_sha256 FROM reports WHERE version_id = ? AND parser_version = ? "
            "ORDER BY id DESC LIMIT 1",
            [version["id"], PARSER_VERSION],
        ).fetchone()
        if row is not None:
            return row[0]
        parsed = self._parse_version(version)
        self._store_report(version["id"], version["document_id"], parsed)
        return parsed.text_sha256

    def _create_document(self, fetch: FetchRecord) -> dict:
        parent_id = None
        if fetch.parent_url:
            parent = self._document(fetch.parent_url)
            parent_id = parent["id"] if parent else None
        self.db["documents"].insert(
            {
                "url": fetch.url,
                "kind": fetch.kind,
                "portal_id": fetch.portal_id,
                "first_seen": fetch.fetched_at,
                "last_seen": fetch.fetched_at,
                "referrer": fetch.referrer,
                "anchor_text": fetch.anchor_text,
                "parent_url": fetch.parent_url,
                "parent_document_id": parent_id,
                "redirected_from": _json(fetch.redirected_from),
                "filename": fetch.filename,
            }
        )
        return self._document(fetch.url)

    def _create_version(
        self, document_id: int, fetch: FetchRecord, raw_sha: str, parsed: Parsed, fetch_id: int
    ) -> int:
        last = self.db.execute(
            "SELECT coalesce(max(n), 0) FROM versions WHERE document_id = ?", [document_id]
        ).fetchone()[0]
        content = fingerprint(parsed, raw_sha)
        version_id = int(
            self.db["versions"]
            .insert(
                {
                    "document_id": document_id,
                    "n": last + 1,
                    "fetched_at": fetch.fetched_at,
                    "fetch_id": fetch_id,
                    "sha256": raw_sha,
                    "fingerprint_kind": content.kind,
                    "fingerprint": content.value,
                    "content_type": _content_type(fetch),
                    "size": len(fetch.body),
                }
            )
            .last_pk
        )
        self.db["documents"].update(document_id, {"current_version_id": version_id})
        return version_id

    def _touch(self, document: dict, fetch: FetchRecord, *, came_back: bool) -> None:
        """Move last_seen / gone_at and fill metadata the document did not have yet.

        Nothing already known is overwritten: the first referrer stays, redirect
        sources accumulate. A document that is served again loses its gone_at; the
        fetch log keeps the 404 that set it (outcome 'gone').
        """
        changes: dict[str, Any] = {}
        if came_back:
            changes["last_seen"] = max(document["last_seen"], fetch.fetched_at)
            changes["gone_at"] = None
        elif document["gone_at"] is None:
            changes["gone_at"] = fetch.fetched_at
        for column, value in [
            ("referrer", fetch.referrer),
            ("anchor_text", fetch.anchor_text),
            ("portal_id", fetch.portal_id),
            ("filename", fetch.filename),
        ]:
            if document[column] is None and value:
                changes[column] = value
        if fetch.redirected_from:
            known = json.loads(document["redirected_from"] or "[]")
            merged = known + [url for url in fetch.redirected_from if url not in known]
            if merged != known:
                changes["redirected_from"] = _json(merged)
        if changes:
            self.db["documents"].update(document["id"], changes)

    # --- parsing and reports ------------------------------------------------------------

    def _parse(self, body: bytes, filename, content_type, url) -> Parsed:
        return parse_body(body, filename=filename, content_type=content_type, url=url)

    def _parse_version(self, version: dict) -> Parsed:
        document = self.db["documents"].get(version["document_id"])
        return self._parse(
            blobs.get(self.db, version["sha256"]),
            document["filename"],
            version["content_type"],
            document["url"],
        )

    def _store_report(self, version_id: int, document_id: int, parsed: Parsed) -> int:
        try:
            with self.db.atomic():
                return self._insert_report(version_id, document_id, parsed)
        except (sqlite3.Error, TypeError, ValueError, AttributeError) as exc:
            # A report the schema cannot hold (duplicate keys, odd types) is a parser
            # bug: keep the version and say so rather than lose the fetch.
            failed = Parsed("parse_error", f"cannot store report: {exc}", None, None)
            with self.db.atomic():
                return self._insert_report(version_id, document_id, failed)

    def _insert_report(self, version_id: int, document_id: int, parsed: Parsed) -> int:
        report = parsed.report
        values = _report_values(report) if report else []
        checks = report.checks if report else []
        row = {
            "version_id": version_id,
            "document_id": document_id,
            "parser_version": PARSER_VERSION,
            "parsed_at": utc_now(),
            "status": parsed.status,
            "reason": parsed.reason,
            "is_report": report.is_report if report else None,
            "template": report.template if report else None,
            "year": report.year if report else None,
            "agency": report.agency if report else None,
            "title": report.title if report else None,
            "published": report.published if report else None,
            "text": report.text if report else None,
            "text_sha256": parsed.text_sha256,
            "warnings": _json(report.warnings) if report else None,
            "n_values": sum(value["value"] is not None for value in values),
            "checks_total": len(checks),
            "checks_failed": sum(not check.ok for check in checks),
            "source_format": report.source_format if report else None,
            "ocr": bool(report and report.ocr),
        }
        report_id = int(self.db["reports"].insert(row).last_pk)
        _insert_rows(self.db, "report_values", ({"report_id": report_id, **v} for v in values))
        _insert_rows(
            self.db,
            "report_checks",
            (
                {
                    "report_id": report_id,
                    "check_name": check.check,
                    "table_name": check.table,
                    "row_key": check.row,
                    "col_key": check.col,
                    "expected": _number(check.expected),
                    "actual": _number(check.actual),
                    "ok": check.ok,
                }
                for check in checks
            ),
        )
        _insert_rows(
            self.db,
            "report_legacy_statistics",
            (
                {
                    "report_id": report_id,
                    "position": position,
                    "label_path": LABEL_PATH_SEPARATOR.join(item["label_path"]),
                    "value": _number(item["value"]),
                    "value_exact": _exact(item["value"]),
                    "unit": item["unit"],
                    "raw_text": item["raw"],
                }
                for position, item in enumerate(report.legacy_statistics if report else [])
            ),
        )
        if report:
            headings = section_headings()
            _insert_rows(
                self.db,
                "report_sections",
                (
                    {"report_id": report_id, "section": key, "heading": headings.get(key), "text": text}
                    for key, text in report.sections.items()
                ),
            )
        return report_id

    # --- reparse ------------------------------------------------------------------------

    def reparse(
        self,
        progress: Callable[[int, Parsed], None] | None = None,
        *,
        all_versions: bool = False,
    ) -> ReparseStats:
        """Parse every stored version that no parse by this `PARSER_VERSION` covers yet.

        `all_versions` re-reads every version whatever parsed it, for a parser changed
        without a version bump (a developer's tree); the new rows carry the same version.
        Adds report rows; older parses stay (views read the newest one per version).
        """
        stats = ReparseStats()
        todo = self.db.execute(
            "SELECT id, document_id, sha256, content_type FROM versions v WHERE :all OR NOT "
            "EXISTS (SELECT 1 FROM reports r WHERE r.version_id = v.id AND r.parser_version = "
            ":parser) ORDER BY id",
            {"all": all_versions, "parser": PARSER_VERSION},
        ).fetchall()
        for version_id, document_id, sha256, content_type in todo:
            version = {
                "id": version_id,
                "document_id": document_id,
                "sha256": sha256,
                "content_type": content_type,
            }
            parsed = self._parse_version(version)
            with self._write():
                self._store_report(version_id, document_id, parsed)
            stats.versions += 1
            setattr(stats, parsed.status, getattr(stats, parsed.status) + 1)
            if progress:
                progress(version_id, parsed)
        return stats

    # --- reading ------------------------------------------------------------------------

    def latest_reports(self) -> Iterator[dict]:
        """The chosen report per agency and year (see the latest_reports view)."""
        yield from self.db.query("SELECT * FROM latest_reports ORDER BY agency, year")

    def _document(self, url: str) -> dict | None:
        rows = list(self.db.query("SELECT * FROM documents WHERE url = ?", [url]))
        return rows[0] if rows else None

    def _current_version(self, url: str) -> dict | None:
        rows = list(
            self.db.query(
                "SELECT v.* FROM versions v JOIN documents d ON v.id = d.current_version_id "
                "WHERE d.url = ?",
                [url],
            )
        )
        return rows[0] if rows else None

    def _version_has_raw(self, version_id: int, raw_sha: str | None) -> bool:
        """Whether these exact bytes were already seen as this version."""
        return bool(
            self.db.execute(
                "SELECT 1 FROM versions WHERE id = ? AND sha256 = ? UNION ALL "
                "SELECT 1 FROM fetches WHERE version_id = ? AND sha256 = ? LIMIT 1",
                [version_id, raw_sha, version_id, raw_sha],
            ).fetchone()
        )


def _insert_rows(db: sqlite_utils.Database, table: str, rows: Iterable[dict]) -> None:
    """Insert rows that all have the same keys, in one `executemany` on the open transaction.

    A report has ~200 values and ~40 checks; sqlite-utils' `insert_all` inspects the table
    and runs every value through its JSON conversion, a quarter of the archive's own time
    per report (measured: 4.6 -> 3.6 ms per recorded report page, parsing excluded). These
    rows hold only numbers, strings, booleans and None, which sqlite3 binds as they are,
    into tables the schema (sqlite-utils, archive.schema) has already created, so none of
    that is needed; single rows (fetches, documents, versions, reports) stay sqlite-utils.
    """
    rows = list(rows)
    if not rows:
        return
    columns = list(rows[0])
    names = ", ".join(f"[{column}]" for column in columns)
    marks = ", ".join("?" * len(columns))
    db.conn.executemany(
        f"INSERT INTO [{table}] ({names}) VALUES ({marks})",
        [tuple(row[column] for column in columns) for row in rows],
    )


def _content_type(fetch: FetchRecord) -> str | None:
    return fetch.headers.get("content-type")


def _report_values(report) -> list[dict]:
    """One row per canonical key: Report.tables gives the values, cells their provenance."""
    cells = {(cell.table, cell.row, cell.col): cell for cell in report.cells}
    keys = {
        (table, row, col): value
        for table, rows in report.tables.items()
        for row, cols in rows.items()
        for col, value in cols.items()
    }
    for key, cell in cells.items():
        keys.setdefault(key, cell.value)
    values = []
    for (table, row, col), value in keys.items():
        cell = cells.get((table, row, col))
        values.append(
            {
                "table_name": table,
                "row_key": row,
                "col_key": col,
                "value": _number(value),
                "value_exact": _exact(value),
                "raw_text": cell.raw if cell else None,
                "inferred": bool(cell and cell.inferred),
                "ocr": bool(cell and cell.ocr),
            }
        )
    return values


def _refresh_derived_if_stale(db: sqlite_utils.Database) -> None:
    wanted = derived_fingerprint()
    if "archive_meta" in db.table_names():
        row = db.execute("SELECT value FROM archive_meta WHERE key = 'derived'").fetchone()
        if row and row[0] == wanted:
            return
    with db.atomic():
        refresh_derived(db)
        db["archive_meta"].upsert({"key": "derived", "value": wanted}, pk="key")

"""Schema versions and the steps between them.

An archive is a file users keep for years and cite, so a new release must open every
older archive (migrating it forward in place, one transaction per step) and must refuse,
untouched, a file it does not understand: one written by a newer zfxxgk, or a SQLite
database that is not an archive at all. The version lives in `PRAGMA user_version` and
the file's identity in `PRAGMA application_id`, both in the database header, so they
are readable without knowing any table.

A fresh archive is built by running every step from version 0, so a migrated archive
and a new one have exactly the same schema.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

from archive.schema import APPLICATION_ID, SCHEMA_VERSION, create_v1_tables


class ArchiveError(Exception):
    """The file cannot be used as an archive; the message says why and what to do."""


def _v1_initial_schema(db: sqlite_utils.Database) -> None:
    create_v1_tables(db)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def _v2_ocr_provenance(db: sqlite_utils.Database) -> None:
    """Record which format a report was read from and whether its figures were OCR'd.

    Figures read by OCR from a scan deserve less trust than those from a text layer;
    version 1 archives predate attachment parsing and hold only HTML and text reports,
    so their rows get source_format NULL (unknown) and ocr 0.
    """
    db["reports"].add_column("source_format", str)
    db["reports"].add_column("ocr", bool, not_null_default=0)
    db["report_values"].add_column("ocr", bool, not_null_default=0)


def _v3_legacy_statistics(db: sqlite_utils.Database) -> None:
    """Pre-2019 reports' own statistics tables, as printed (see parsers.legacy_statistics).

    They get a table of their own rather than rows in report_values, whose keys are the
    2019/2021 templates': mapping a legacy indicator onto them would put unlike figures in
    one column. Reports parsed before version 3 have no rows here until `zfxxgk reparse`.
    """
    db.execute(
        """
        CREATE TABLE report_legacy_statistics (
            report_id INTEGER NOT NULL REFERENCES reports(id),
            position INTEGER NOT NULL,  -- order in the report, from 0
            label_path TEXT NOT NULL,  -- outline ancestors, the indicator (and its column)
            value NUMERIC,  -- NULL for a blank, '/' or '—' figure
            value_exact TEXT,
            unit TEXT,
            raw_text TEXT,
            PRIMARY KEY (report_id, position)
        ) WITHOUT ROWID
        """
    )


def _v4_fetch_uuid(db: sqlite_utils.Database) -> None:
    """A fetch's own id, given by the crawler that made it (NULL for local ingests).

    A distributed crawl delivers fetch records at least once (a writer killed after its
    commit sees the record again); the unique id lets the archive record each fetch once.
    """
    db["fetches"].add_column("fetch_uuid", str)
    db.execute("CREATE UNIQUE INDEX idx_fetches_fetch_uuid ON fetches(fetch_uuid) "
               "WHERE fetch_uuid IS NOT NULL")


# STEPS[n] turns a version n-1 archive into a version n archive.
STEPS: dict[int, Callable[[sqlite_utils.Database], None]] = {
    1: _v1_initial_schema,
    2: _v2_ocr_provenance,
    3: _v3_legacy_statistics,
    4: _v4_fetch_uuid,
}
assert max(STEPS) == SCHEMA_VERSION


def schema_version(db: sqlite_utils.Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def check_identity(db: sqlite_utils.Database, path: str) -> int:
    """The archive's schema version; raises ArchiveError for a file we must not touch."""
    application_id = db.execute("PRAGMA application_id").fetchone()[0]
    version = schema_version(db)
    if application_id == 0 and version == 0:
        tables = [name for name in db.table_names() if not name.startswith("sqlite_")]
        if tables:
            shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
            raise ArchiveError(
                f"{path} is a SQLite database but not a zfxxgk archive (it holds tables "
                f"{shown}); refusing to modify it. Give a new file name to create an archive."
            )
        return 0
    if application_id != APPLICATION_ID:
        raise ArchiveError(
            f"{path} is a SQLite database of another application "
            f"(application_id {application_id:#x}), not a zfxxgk archive; refusing to open it."
        )
    if version > SCHEMA_VERSION:
        raise ArchiveError(
            f"{path} has archive schema version {version}, newer than this zfxxgk "
            f"understands ({SCHEMA_VERSION}); upgrade zfxxgk to open it."
        )
    return version


def migrate(db: sqlite_utils.Database, path: str, target: int = SCHEMA_VERSION) -> int:
    """Bring the archive up to `target`, one transaction per step; returns the old version."""
    start = check_identity(db, path)
    for version in range(start + 1, target + 1):
        with db.atomic():
            STEPS[version](db)
            db.execute(f"PRAGMA user_version = {version}")
    return start

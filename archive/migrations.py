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


def _v4_stored_views(db: sqlite_utils.Database) -> None:
    """Stored, indexed tables behind the reader-facing views (see archive.summaries).

    Views that joined long-form values or ranked every document on each page load took
    seconds on archives of ten thousand reports; these tables hold the same rows, kept
    current by each write, and the views of the same names read them. Filled here from
    the archive's parses, so an older archive shows exactly what it showed before.
    """
    from archive import summaries

    statements = [
        """
        CREATE TABLE report_index (
            document_id INTEGER PRIMARY KEY REFERENCES documents(id),
            report_id INTEGER NOT NULL REFERENCES reports(id),
            version_id INTEGER NOT NULL REFERENCES versions(id),
            url TEXT, kind TEXT, portal_id TEXT, parent_document_id INTEGER,
            first_seen TEXT, last_seen TEXT, gone_at TEXT, version_n INTEGER,
            version_fetched_at TEXT, parser_version TEXT, status TEXT, reason TEXT,
            is_report INTEGER, template TEXT, year INTEGER, agency TEXT, title TEXT,
            published TEXT, n_values INTEGER, checks_total INTEGER, checks_failed INTEGER,
            portal_name TEXT, province TEXT, city TEXT,
            rank INTEGER,  -- among the reports of the portal, agency and year, NULL if it is none
            sources INTEGER
        )
        """,
        """
        CREATE UNIQUE INDEX report_index_report ON report_index(report_id)
        """,
        """
        CREATE INDEX report_index_group ON report_index(agency, year, portal_id)
        """,
        """
        CREATE INDEX report_index_portal ON report_index(portal_id)
        """,
        """
        CREATE INDEX latest_order ON report_index(province IS NULL, province, city, agency, year)
            WHERE rank = 1
        """,
        """
        CREATE INDEX latest_agency ON report_index(agency, year) WHERE rank = 1
        """,
        """
        CREATE INDEX latest_failing ON report_index(agency, year)
            WHERE rank = 1 AND checks_failed > 0
        """,
        """
        CREATE INDEX latest_province ON report_index(province, template) WHERE rank = 1
        """,
        """
        CREATE INDEX latest_city ON report_index(city, template) WHERE rank = 1
        """,
        """
        CREATE INDEX latest_year ON report_index(year, template) WHERE rank = 1
        """,
        """
        CREATE INDEX latest_template ON report_index(template) WHERE rank = 1
        """,
        """
        CREATE TABLE report_headlines (
            report_id INTEGER PRIMARY KEY REFERENCES reports(id),
            received NUMERIC, carried_over NUMERIC, granted NUMERIC,
            partially_granted NUMERIC, denied NUMERIC, unavailable NUMERIC,
            not_processed NUMERIC, other NUMERIC, total_processed NUMERIC,
            carried_forward NUMERIC, review NUMERIC, litigation NUMERIC
        )
        """,
        """
        CREATE TABLE value_changes (
            version_id INTEGER NOT NULL REFERENCES versions(id),
            document_id INTEGER NOT NULL,
            n INTEGER NOT NULL,
            table_name TEXT NOT NULL, row_key TEXT NOT NULL, col_key TEXT NOT NULL,
            old_value ANY, new_value ANY,
            removed INTEGER NOT NULL,  -- 1: the cell is in the previous version only
            PRIMARY KEY (version_id, table_name, row_key, col_key)
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE agency_years (
            portal_key TEXT NOT NULL, agency TEXT NOT NULL, portal_id TEXT,
            first_year INTEGER NOT NULL, years_with_report TEXT,
            portal_name TEXT, province TEXT, city TEXT,
            PRIMARY KEY (portal_key, agency)
        ) WITHOUT ROWID
        """,
        """
        CREATE INDEX agency_years_agency ON agency_years(agency)
        """,
        """
        CREATE TABLE report_years (year INTEGER PRIMARY KEY)
        """,
    ]
    for statement in statements:  # not executescript: it would commit the step half-done
        db.execute(statement)
    summaries.rebuild(db)


def _v5_compact_bodies(db: sqlite_utils.Database) -> None:
    """zstandard dictionaries, one per portal (see archive.blobs).

    Bodies stored before stay as they are (zlib or none); `blobs.scope` marks the bodies
    a portal's dictionary is trained from.
    """
    db.execute(
        "CREATE TABLE blob_dictionaries (id INTEGER PRIMARY KEY, scope TEXT NOT NULL UNIQUE, "
        "samples INTEGER NOT NULL, sha256 TEXT NOT NULL, data BLOB NOT NULL)"
    )
    db.execute(
        "ALTER TABLE blobs ADD COLUMN dictionary_id INTEGER REFERENCES blob_dictionaries(id)"
    )
    db.execute("ALTER TABLE blobs ADD COLUMN scope TEXT")
    db.execute("CREATE INDEX blobs_scope ON blobs(scope) WHERE scope IS NOT NULL")


def _v6_fetch_uuid(db: sqlite_utils.Database) -> None:
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
    4: _v4_stored_views,
    5: _v5_compact_bodies,
    6: _v6_fetch_uuid,
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

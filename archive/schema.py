"""The archive's public schema: the tables users query with SQL and browse in Datasette.

Tables are created by the migration steps in `archive.migrations` (so an archive built
today and one migrated from version 1 end up identical); the views, rebuilt on every
open, are in `archive.views`. The canonical key list (parsers/report_tables.json) is
read here for both.
"""

from __future__ import annotations

import functools
import json
from importlib import resources

import sqlite_utils

# PRAGMA application_id: marks a SQLite file as a zfxxgk archive ("zfxg" in ASCII), so a
# foreign database is refused instead of being filled with our tables.
APPLICATION_ID = 0x7A667867
# PRAGMA user_version: the schema version this code writes (see archive.migrations).
SCHEMA_VERSION = 6

# Units of the canonical columns that are not plain counts (件).
COLUMN_UNITS = {"amount_10k_yuan": "万元", "amount": "万元"}



def create_v1_tables(db: sqlite_utils.Database) -> None:
    """Schema version 1, frozen: archives in the wild were built by exactly this.

    Schema changes go in a new step in archive.migrations, never here.
    """
    db["portals"].create(
        {
            "id": str,
            "name": str,
            "region_code": str,
            "level": str,
            "url": str,
            "province": str,
            "city": str,
        },
        pk="id",
    )
    db["crawl_runs"].create(
        {
            "id": int,
            "spider": str,
            "started_at": str,
            "finished_at": str,
            "settings": str,
            "stats": str,
        },
        pk="id",
    )
    db["run_portals"].create(
        {"run_id": int, "portal_id": str, "summary": str},
        pk=("run_id", "portal_id"),
        foreign_keys=[("run_id", "crawl_runs", "id"), ("portal_id", "portals", "id")],
    )
    db["blobs"].create(
        {"sha256": str, "size": int, "compression": str, "stored_size": int, "data": bytes},
        pk="sha256",
    )
    db["documents"].create(
        {
            "id": int,
            "url": str,
            "kind": str,
            "portal_id": str,
            "first_seen": str,
            "last_seen": str,
            "gone_at": str,
            "current_version_id": int,
            "referrer": str,
            "anchor_text": str,
            "parent_url": str,
            "parent_document_id": int,
            "redirected_from": str,
            "filename": str,
        },
        pk="id",
        not_null=["url", "kind", "first_seen", "last_seen"],
        foreign_keys=[
            ("portal_id", "portals", "id"),
            ("parent_document_id", "documents", "id"),
        ],
    )
    db["versions"].create(
        {
            "id": int,
            "document_id": int,
            "n": int,
            "fetched_at": str,
            "fetch_id": int,
            "sha256": str,
            "fingerprint_kind": str,
            "fingerprint": str,
            "content_type": str,
            "size": int,
        },
        pk="id",
        not_null=["document_id", "n", "fetched_at", "sha256", "fingerprint"],
        foreign_keys=[("document_id", "documents", "id"), ("sha256", "blobs", "sha256")],
    )
    # documents.current_version_id points forward to versions; add the foreign key now
    # that both tables exist, so Datasette links a document to its current version.
    db["documents"].add_foreign_key("current_version_id", "versions", "id")
    db["fetches"].create(
        {
            "id": int,
            "run_id": int,
            "url": str,
            "fetched_at": str,
            "status": int,
            "outcome": str,
            "error": str,
            "soft_404": bool,
            "etag": str,
            "last_modified": str,
            "content_type": str,
            "bytes": int,
            "sha256": str,
            "document_id": int,
            "version_id": int,
            "redirected_from": str,
        },
        pk="id",
        not_null=["url", "fetched_at", "outcome"],
        foreign_keys=[
            ("run_id", "crawl_runs", "id"),
            ("document_id", "documents", "id"),
            ("version_id", "versions", "id"),
            ("sha256", "blobs", "sha256"),
        ],
    )
    db["reports"].create(
        {
            "id": int,
            "version_id": int,
            "document_id": int,
            "parser_version": str,
            "parsed_at": str,
            "status": str,
            "reason": str,
            "is_report": bool,
            "template": str,
            "year": int,
            "agency": str,
            "title": str,
            "published": str,
            "text": str,
            "text_sha256": str,
            "warnings": str,
            "n_values": int,
            "checks_total": int,
            "checks_failed": int,
        },
        pk="id",
        not_null=["version_id", "document_id", "parser_version", "status"],
        foreign_keys=[("version_id", "versions", "id"), ("document_id", "documents", "id")],
    )
    # ~200 rows per report: clustered on its primary key (WITHOUT ROWID, which
    # sqlite-utils cannot declare) so the key is not stored twice, table and index.
    db.execute(
        """
        CREATE TABLE report_values (
            report_id INTEGER NOT NULL REFERENCES reports(id),
            table_name TEXT NOT NULL,
            row_key TEXT NOT NULL,
            col_key TEXT NOT NULL,
            value ANY,  -- NUMERIC affinity: counts stay integers, fees are reals
            value_exact TEXT,
            raw_text TEXT,
            inferred INTEGER,
            PRIMARY KEY (report_id, table_name, row_key, col_key)
        ) WITHOUT ROWID
        """
    )
    db["report_checks"].create(
        {
            "id": int,
            "report_id": int,
            "check_name": str,
            "table_name": str,
            "row_key": str,
            "col_key": str,
            "expected": "ANY",
            "actual": "ANY",
            "ok": bool,
        },
        pk="id",
        foreign_keys=[("report_id", "reports", "id")],
    )
    db["report_sections"].create(
        {"report_id": int, "section": str, "heading": str, "text": str},
        pk=("report_id", "section"),
        foreign_keys=[("report_id", "reports", "id")],
    )
    for table, columns in [
        ("fetches", ["url", "fetched_at"]),
        ("fetches", ["version_id", "sha256"]),
        ("fetches", ["run_id"]),
        ("documents", ["portal_id"]),
        ("versions", ["document_id", "n"]),
        ("reports", ["version_id"]),
        ("reports", ["agency", "year"]),
        ("report_checks", ["report_id"]),
    ]:
        db[table].create_index(columns, unique=columns == ["document_id", "n"])
    db["documents"].create_index(["url"], unique=True)
    db["reports"].enable_fts(["title", "agency", "text"], tokenize="trigram", create_triggers=True)


@functools.cache
def section_headings() -> dict[str, str]:
    """Section number ("1".."6") -> the template's heading, e.g. 一、总体情况."""
    return json.loads(key_spec_text())["sections"]


@functools.cache
def canonical_cells() -> list[str]:
    """Every canonical cell as table.row.col, in template order (2021 keys, then 2019's)."""
    spec = json.loads(key_spec_text())
    cells: list[str] = []
    for table, table_spec in spec["tables"].items():
        if "templates" in table_spec:
            for template in sorted(table_spec["templates"], reverse=True):
                for row, row_spec in table_spec["templates"][template]["rows"].items():
                    cells += [f"{table}.{row}.{col}" for col in row_spec["cols"]]
        else:
            cells += [
                f"{table}.{row}.{col}" for row in table_spec["rows"] for col in table_spec["cols"]
            ]
    return list(dict.fromkeys(cells))  # 2019 and 2021 share some active-table cells


def key_spec_text() -> str:
    return resources.files("parsers").joinpath("report_tables.json").read_text("utf-8")


def __getattr__(name: str):
    """`VIEWS` and `REQUESTS_WIDE_COLUMNS` moved to archive.views; old imports keep working."""
    if name in ("VIEWS", "REQUESTS_WIDE_COLUMNS"):
        from archive import views

        return getattr(views, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""Datasette plugin (entry point `zfxxgk`): makes plain `datasette archive.db` self-explaining.

Uses Datasette 0.65 hooks (get_metadata, canned_queries, render_cell, register_routes),
some of which the 1.0 alphas removed: the project pins datasette<1.0. Only databases
that are zfxxgk archives (recognised by the application_id in the SQLite header) get
the metadata, so the plugin never decorates unrelated databases served alongside.
"""

from __future__ import annotations

import asyncio
import functools
import re
import sys
from urllib.parse import quote, urlencode

import sqlite_utils
from datasette import NotFound, Response, hookimpl
from datasette.utils import tilde_encode
from markupsafe import Markup, escape

from archive import blobs
from archive.metadata import (
    BLANK_NOTE,
    FIGURE_COLUMNS,
    HOME_DESCRIPTION_HTML,
    INFERRED_NOTE,
    QUERIES,
    TITLE,
    database_metadata,
)
from archive.migrations import ArchiveError
from archive.schema import APPLICATION_ID, REQUESTS_WIDE_COLUMNS, VIEWS
from archive.store import Archive
from parsers.key_schema import load_key_schema

KEY_COLUMNS = {"row_key": "rows", "col_key": "cols"}
LABELLED_TABLES = {"report_values", "report_checks", "version_changes"}
# Id columns -> the table whose row page they open. Views and canned queries have no
# foreign keys, and Datasette's row pages show foreign keys unlinked: without these links
# a reader cannot walk report -> version -> document -> fetches.
ID_LINKS = {
    "report_id": "reports",
    "document_id": "documents",
    "version_id": "versions",
    "current_version_id": "versions",
    "parent_document_id": "documents",
    "fetch_id": "fetches",
    "run_id": "crawl_runs",
    "portal_id": "portals",
}
REPORT_TABLES = {"reports", "current_reports", "report_candidates", "latest_reports"}
# Where a NULL in a figure column is a blank cell of a report (None: a canned query).
FIGURE_TABLES = {*VIEWS, *LABELLED_TABLES, "report_legacy_statistics", None}
SHA256_TABLES = {"versions", "fetches", "blobs", "version_history"}
TEXT_PREVIEW_CHARS = 40
_SHA256 = re.compile(r"[0-9a-f]{64}")


@functools.cache
def _is_archive(path: str) -> bool:
    """Read application_id from the 100-byte SQLite header (offset 68), no connection needed."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(100)
    except OSError:
        return False
    return (
        len(header) == 100
        and header.startswith(b"SQLite format 3\0")
        and int.from_bytes(header[68:72], "big") == APPLICATION_ID
    )


def _archive_databases(datasette) -> list[str]:
    return [
        name
        for name, database in datasette.databases.items()
        if database.path and _is_archive(str(database.path))
    ]


@hookimpl
def startup(datasette):
    async def bring_archives_up_to_date() -> None:
        for name in _archive_databases(datasette):
            database = datasette.databases[name]
            if database.is_mutable:
                await asyncio.to_thread(_bring_up_to_date, str(database.path))

    return bring_archives_up_to_date


def _bring_up_to_date(path: str) -> None:
    """Migrate and rebuild the views, as `zfxxgk serve` does.

    The metadata and canned queries describe this release's views; an archive last
    opened by an older release has older ones until something opens it with
    Archive.open, and plain `datasette archive.db` must not show broken queries.
    A file Datasette may read but not write is served as it is, with a warning.
    """
    try:
        Archive.open(path).close()
    except ArchiveError as exc:
        print(f"zfxxgk: {exc}; serving it as it is", file=sys.stderr)


@hookimpl
def get_metadata(datasette, key, database, table):
    names = _archive_databases(datasette)
    if not names:
        return {}
    return {
        "title": TITLE,
        "description_html": HOME_DESCRIPTION_HTML,
        "databases": {
            name: database_metadata(datasette.urls.database(name)) for name in names
        },
    }


@hookimpl
def canned_queries(datasette, database, actor):
    if database not in _archive_databases(datasette):
        return None
    return {name: dict(query) for name, query in QUERIES.items()}


@hookimpl
def register_routes(datasette):
    return [(r"^/-/zfxxgk/raw/(?P<database>[^/]+)/(?P<sha256>[0-9a-f]{64})$", raw_body)]


async def raw_body(datasette, request):
    """The exact bytes a portal served, decompressed, for checking a citation.

    Served under a sandbox CSP so a stored page's scripts never run with the archive's
    origin; the file name is the document's, so a saved PDF opens as a PDF.
    """
    name, sha256 = request.url_vars["database"], request.url_vars["sha256"]
    if name not in _archive_databases(datasette):
        raise NotFound("Not a zfxxgk archive")
    # Raises Forbidden for an actor who may not see the blobs table.
    await datasette.ensure_permissions(
        request.actor,
        [("view-table", (name, "blobs")), ("view-database", name), "view-instance"],
    )
    database = datasette.get_database(name)
    try:
        body = await database.execute_fn(
            lambda conn: blobs.get(sqlite_utils.Database(conn), sha256)
        )
    except KeyError:
        raise NotFound(f"No body with sha256 {sha256}") from None
    described = await database.execute(
        "SELECT f.content_type, d.filename, d.url FROM fetches f "
        "LEFT JOIN documents d ON d.id = f.document_id "
        "WHERE f.sha256 = ? ORDER BY f.id DESC LIMIT 1",
        [sha256],
    )
    content_type, filename, url = described.first() or (None, None, None)
    filename = filename or (url or "").rstrip("/").rsplit("/", 1)[-1] or f"{sha256}.bin"
    return Response(
        body,
        content_type=content_type or "application/octet-stream",
        headers={
            "Content-Disposition": f"inline; filename*=UTF-8''{quote(filename)}",
            "Content-Security-Policy": "sandbox",
            "X-Content-Type-Options": "nosniff",
        },
    )


@functools.cache
def _labels() -> dict[tuple[str, str], str]:
    """(table, "rows"/"cols", key) labels from the canonical key list, first template wins.

    `parsers.key_schema` loads no document reader into the Datasette process.
    """
    spec = load_key_schema()
    labels: dict[tuple[str, str], str] = {}
    for table, table_spec in spec["tables"].items():
        variants = list(table_spec.get("templates", {}).values()) or [table_spec]
        for variant in variants:
            for axis in ("rows", "cols"):
                for key, label in variant[axis].items():
                    label = label["label"] if isinstance(label, dict) else label
                    labels.setdefault((table, axis, key), label)
    return labels


def _field(row, column: str):
    try:
        return row[column]
    except (IndexError, KeyError):
        return None


def _note(text: str, title: str, css: str) -> str:
    return (
        f'<span class="{css}" title="{escape(title)}" '
        f'style="color:#777;font-size:0.85em;font-style:italic">{escape(text)}</span>'
    )


def _is_inferred(row, column: str, table: str | None) -> bool:
    if column == "value":
        return bool(_field(row, "inferred"))
    if table == "requests_wide" and column in REQUESTS_WIDE_COLUMNS.values():
        return column in (_field(row, "推算的列") or "").split("、")
    return False


def _figure(row, value, column: str, table: str | None) -> Markup | None:
    """Blank (NULL) figures say so, inferred ones say so: neither may pass for a printed 0."""
    if value is None:
        return Markup(_note("空白", BLANK_NOTE, "zfxxgk-blank"))
    if _is_inferred(row, column, table):
        return Markup(f"{escape(value)} {_note('推算', INFERRED_NOTE, 'zfxxgk-inferred')}")
    return None


def _key_label(row, value: str, column: str) -> Markup | None:
    """Show the Chinese label under a canonical key (received → 一、本年新收…)."""
    label = _labels().get((_field(row, "table_name"), KEY_COLUMNS[column], value))
    if label is None:
        return None
    return Markup(
        f'{escape(value)}<br><span class="zfxxgk-label" style="color:#555;font-size:0.85em">'
        f"{escape(label)}</span>"
    )


def _text_preview(value: str) -> Markup:
    """A report's full text would push its figures off the page: fold it, first line shown."""
    head = value[:TEXT_PREVIEW_CHARS].replace("\n", " ")
    return Markup(
        f'<details class="zfxxgk-text"><summary>{escape(head)}… '
        f"({len(value):,} 字 · chars)</summary>"
        f'<div style="white-space:pre-wrap">{escape(value)}</div></details>'
    )


def _report_links(row, value, column: str, table: str, database: str, datasette) -> Markup | None:
    """n_values opens the report's figures, checks_failed its failing sums."""
    report_id = _field(row, "id" if table == "reports" else "report_id")
    if not isinstance(report_id, int) or not isinstance(value, int):
        return None
    if column == "n_values" and value:
        target, params = "report_values_labeled", {"report_id": report_id}
    elif column == "checks_failed" and value:
        target, params = "report_checks", {"report_id": report_id, "ok": 0}
    else:
        return None
    url = f"{datasette.urls.table(database, target)}?{urlencode(params)}"
    return Markup(f'<a href="{url}">{value}</a>')


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if database not in _archive_databases(datasette):
        return None
    if column in FIGURE_COLUMNS and table in FIGURE_TABLES:
        return _figure(row, value, column, table)
    if column in KEY_COLUMNS and table in LABELLED_TABLES and isinstance(value, str):
        return _key_label(row, value, column)
    if column in ID_LINKS and isinstance(value, int | str) and value != "":
        url = datasette.urls.row(database, ID_LINKS[column], tilde_encode(str(value)))
        return Markup(f'<a href="{url}">{escape(value)}</a>')
    if column in ("n_values", "checks_failed") and table in REPORT_TABLES:
        return _report_links(row, value, column, table, database, datasette)
    if column == "text" and table == "reports" and isinstance(value, str) and value:
        return _text_preview(value)
    if isinstance(value, dict):  # a foreign key Datasette expanded (versions.sha256 -> blobs)
        value = value.get("value")
    if column == "sha256" and table in SHA256_TABLES and _SHA256.fullmatch(str(value)):
        url = datasette.urls.path(f"/-/zfxxgk/raw/{quote(database)}/{value}")
        return Markup(
            f'{escape(value[:12])}… <a href="{url}" class="zfxxgk-raw">下载原文 · raw body</a>'
        )
    return None

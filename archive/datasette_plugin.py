"""Datasette plugin (entry point `zfxxgk`): makes plain `datasette archive.db` self-explaining.

Uses Datasette 0.65 hooks (get_metadata, canned_queries, render_cell, register_routes),
some of which the 1.0 alphas removed: the project pins datasette<1.0. Only databases
that are zfxxgk archives (recognised by the application_id in the SQLite header) get
the metadata, so the plugin never decorates unrelated databases served alongside.
"""

from __future__ import annotations

import asyncio
import csv
import functools
import io
import os
import re
import sys
import time
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode

import sqlite_utils
from datasette import NotFound, Response, hookimpl
from datasette.utils import tilde_encode
from datasette.utils.asgi import asgi_static
from markupsafe import Markup, escape

from archive import blobs, reader_pages
from archive.guide_examples import guide_examples
from archive.metadata import (
    BLANK_NOTE,
    COLUMN_LABELS,
    FIGURE_COLUMNS,
    HOME_DESCRIPTION_HTML,
    INFERRED_NOTE,
    LEAD_COLUMNS,
    QUERIES,
    TITLE,
    database_metadata,
)
from archive.migrations import ArchiveError
from archive.report_layout import table_spec
from archive.schema import APPLICATION_ID
from archive.store import Archive
from archive.views import REQUESTS_WIDE_COLUMNS, VIEWS

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
# Columns that name a report and open its report page wherever a row has a report_id.
REPORT_PAGE_COLUMNS = {"agency", "title", "机关"}
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


# The guide's examples cost a few queries over the whole archive (seconds on a large one)
# and get_metadata runs on every page: they are read again only when the file changed,
# and at most every EXAMPLES_MAX_AGE seconds while a crawl keeps writing to it.
EXAMPLES_MAX_AGE = 600.0
_examples_cache: dict[str, tuple[float, int, dict]] = {}


def _examples_for(datasette, name: str) -> dict:
    path = str(datasette.databases[name].path)
    stamps = [os.stat(p).st_mtime_ns for p in (path, path + "-wal") if os.path.exists(p)]
    changed = max(stamps, default=0)
    cached = _examples_cache.get(path)
    now = time.monotonic()
    if cached is None or (cached[1] != changed and now - cached[0] > EXAMPLES_MAX_AGE):
        cached = (now, changed, guide_examples(path))
        _examples_cache[path] = cached
    return cached[2]


@hookimpl
def get_metadata(datasette, key, database, table):
    names = _archive_databases(datasette)
    if not names:
        return {}
    return {
        "title": TITLE,
        "description_html": HOME_DESCRIPTION_HTML,
        "databases": {
            name: database_metadata(datasette.urls.database(name), _examples_for(datasette, name))
            for name in names
        },
    }


@hookimpl
def extra_template_vars(database, datasette):
    """Chinese column names and the report listings' lead columns, for archive tables only."""
    if database not in _archive_databases(datasette):
        return {}
    return {"zfxxgk_column_labels": COLUMN_LABELS, "zfxxgk_order": _column_order}


def _column_order(names: list[str]) -> list[int]:
    """Display order: agency, year, title, url first in a report listing, then the rest."""
    if {"agency", "year"} <= set(names):
        lead_names = LEAD_COLUMNS
    elif {"机关", "年度"} <= set(names):  # the views named in Chinese (headline_figures...)
        lead_names = ("机关", "年度", "url")
    else:
        return list(range(len(names)))
    lead = [names.index(name) for name in lead_names if name in names]
    return lead + [i for i in range(len(names)) if i not in lead]


@hookimpl
def canned_queries(datasette, database, actor):
    if database not in _archive_databases(datasette):
        return None
    return {name: dict(query) for name, query in QUERIES.items()}


TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")


@hookimpl
def prepare_jinja2_environment(env, datasette):
    """The plugin's templates (archive/templates), ahead of Datasette's defaults.

    Datasette finds a plugin's templates only beside a plugin that is a package; this one
    is a module of `archive`. A --template-dir given by the user still comes first.
    """
    env.filters["zfxxgk_headers"] = _label_headers
    loader = env.loader.loaders[0]
    default = next(p for p in loader.searchpath if Path(p).parent.name == "datasette")
    if str(TEMPLATES) not in loader.searchpath:
        loader.searchpath.insert(loader.searchpath.index(default), str(TEMPLATES))


_QUERY_HEADER = re.compile(r'<th class="col-([^"]*)" scope="col">([^<]*)</th>')


def _label_headers(html: str, labels: dict[str, str]) -> Markup:
    """Query result headers: the Chinese name, the key under it (the page is Datasette's)."""

    def label(match: re.Match) -> str:
        css, name = match.groups()
        chinese = labels.get(str(Markup(name).unescape()))
        if not chinese:
            return match.group(0)
        return (
            f'<th class="col-{css}" scope="col">{escape(chinese)} <br><span class="zfxxgk-key" '
            f'style="color:#777;font-size:0.8em;font-weight:normal">{name}</span></th>'
        )

    return Markup(_QUERY_HEADER.sub(label, str(html)))


@hookimpl
def register_routes(datasette):
    return [
        # The reader pages' scripts and styles (Chart.js included): served by the archive's
        # own server, so pages work offline and behind firewalls.
        (r"^/-/zfxxgk/static/(?P<path>.*)$", asgi_static(STATIC)),
        (r"^/-/zfxxgk/raw/(?P<database>[^/]+)/(?P<sha256>[0-9a-f]{64})$", raw_body),
        (r"^/-/zfxxgk/report/(?P<database>[^/]+)/(?P<report_id>[0-9]+)$", _reader(reader_pages.report_page)),
        (r"^/-/zfxxgk/timeline/(?P<database>[^/]+)$", _reader(reader_pages.timeline_page)),
        (r"^/-/zfxxgk/compare/(?P<database>[^/]+)$", _reader(reader_pages.compare_page)),
    ]


def _reader(page):
    """A reader page: only on archives, only for actors who may see the database."""

    async def view(datasette, request):
        name = request.url_vars["database"]
        if name not in _archive_databases(datasette):
            raise NotFound("Not a zfxxgk archive")
        await datasette.ensure_permissions(
            request.actor, [("view-database", name), "view-instance"]
        )
        return await page(datasette, request, name)

    return view


@hookimpl
def register_output_renderer(datasette):
    return {
        "extension": "excel",
        "render": excel_csv,
        "can_render": lambda datasette, database: database in _archive_databases(datasette),
    }


# Paging parameters the export sets itself; every other argument (filters, sort, query
# parameters) is passed through so the CSV holds exactly the rows the page selects.
_PAGING = {"_size", "_next", "_shape", "_keys", "_nofacet", "_nocount", "_labels"}


async def excel_csv(datasette, request, database, table, query_name):
    """Every row of the table or query as a CSV Excel opens as it is: UTF-8 with a byte-order
    mark (without it Excel on a Chinese Windows reads GBK and shows mojibake) and Chinese
    headers; `_keys=1` keeps the column keys, for scripts.
    """
    path = request.path.rsplit(".", 1)[0] + ".json"
    base = [(k, v) for k, v in parse_qsl(request.query_string, keep_blank_values=True) if k not in _PAGING]
    params = [*base, ("_shape", "objects"), ("_size", "max"), ("_nofacet", "1"), ("_nocount", "1")]
    columns: list[str] = []
    out = io.StringIO()
    writer = csv.writer(out)
    while True:
        response = await datasette.client.get(f"{path}?{urlencode(params)}")
        if response.status_code != 200:
            return Response.text(response.text, status=response.status_code)
        data = response.json()
        if not columns:
            columns = data["columns"]
            keys_only = request.args.get("_keys") == "1"
            writer.writerow(columns if keys_only else [COLUMN_LABELS.get(c, c) for c in columns])
        for row in data["rows"]:
            writer.writerow(["" if row.get(c) is None else _csv_value(row.get(c)) for c in columns])
        if not data.get("next"):
            break
        params = [*base, ("_shape", "objects"), ("_size", "max"), ("_nofacet", "1"),
                  ("_nocount", "1"), ("_next", data["next"])]
    name = table or query_name or database
    return Response(
        "\ufeff" + out.getvalue(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}.csv"},
    )


def _csv_value(value):
    return value.get("value") if isinstance(value, dict) else value


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
def _labels() -> dict[tuple[str, str, str], str]:
    """(table, "rows"/"cols", key) labels from the canonical key list, first template wins."""
    labels: dict[tuple[str, str, str], str] = {}
    for table, table_spec_ in table_spec()["tables"].items():
        variants = list(table_spec_.get("templates", {}).values()) or [table_spec_]
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


def _portal_links(portal_id: str, database: str, datasette) -> Markup:
    """A portal leads to its reports, its crawls' coverage and the years it lacks."""
    links = [
        (datasette.urls.row(database, "portals", tilde_encode(portal_id)), escape(portal_id)),
        *(
            (f"{datasette.urls.table(database, view)}?{urlencode({'portal_id': portal_id})}", text)
            for view, text in [("latest_reports", "报告 · reports"), ("portal_coverage", "覆盖 · coverage"),
                               ("missing_reports", "缺失 · missing")]
        ),
    ]
    return Markup(" · ".join(f'<a href="{url}">{text}</a>' for url, text in links))


def _report_page_link(row, value, table, database, datasette) -> Markup | None:
    """A report's agency or title opens its report page: the report as printed."""
    report_id = _field(row, "id" if table == "reports" else "report_id")
    if not isinstance(report_id, int):
        return None
    url = reader_pages.report_url(datasette, database, report_id)
    return Markup(f'<a href="{url}" class="zfxxgk-report-link">{escape(value)}</a>')


# portal_coverage columns read from a run's summary JSON (with the key they come from).
SUMMARY_COLUMNS = {
    "reports_listed", "new_documents", "new_versions", "not_modified", "gone", "rejected",
    "errors", "error_messages", "short_columns", "columns", "budget_hit", "dead_reason",
    "dropped", "finished",
}  # fmt: skip


def _summary_figure(row, value, column: str) -> Markup | None:
    """A figure the crawler did not record is unknown, not 0 and not 'none'."""
    if value is not None or _field(row, "run_id") is None:
        return None
    recorded = (_field(row, "recorded_keys") or "").split(",")
    if column in recorded:
        return None
    return Markup(_note("未知", "这次抓取没有记录此项 · not recorded by this crawl", "zfxxgk-unknown"))


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if database not in _archive_databases(datasette):
        return None
    if table == "portal_coverage" and column in SUMMARY_COLUMNS:
        return _summary_figure(row, value, column)
    if table == "portals" and column == "id" and isinstance(value, str):
        return _portal_links(value, database, datasette)
    if column in FIGURE_COLUMNS and table in FIGURE_TABLES:
        return _figure(row, value, column, table)
    if column in KEY_COLUMNS and table in LABELLED_TABLES and isinstance(value, str):
        return _key_label(row, value, column)
    if column in REPORT_PAGE_COLUMNS and isinstance(value, str | int) and value != "":
        linked = _report_page_link(row, value, table, database, datasette)
        if linked is not None:
            return linked
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

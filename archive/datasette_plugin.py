"""Datasette plugin (entry point `zfxxgk`): makes plain `datasette archive.db` self-explaining.

Uses Datasette 0.65 hooks (get_metadata, canned_queries, render_cell), which the 1.0
alphas removed: the project pins datasette<1.0. Only databases that are zfxxgk archives
(recognised by the application_id in the SQLite header) get the metadata, so the plugin
never decorates unrelated databases served alongside.
"""

from __future__ import annotations

import functools
import importlib.util
import json
from pathlib import Path

from datasette import hookimpl
from markupsafe import Markup, escape

from archive.metadata import QUERIES, TITLE, database_metadata
from archive.schema import APPLICATION_ID

KEY_COLUMNS = {"row_key": "rows", "col_key": "cols"}
LABELLED_TABLES = {"report_values", "report_checks", "version_changes", "report_values_labeled"}


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
def get_metadata(datasette, key, database, table):
    names = _archive_databases(datasette)
    if not names:
        return {}
    return {
        "title": TITLE,
        "databases": {name: database_metadata() for name in names},
    }


@hookimpl
def canned_queries(datasette, database, actor):
    if database not in _archive_databases(datasette):
        return None
    return {name: dict(query) for name, query in QUERIES.items()}


@functools.cache
def _labels() -> dict[tuple[str, str], str]:
    """(table, "rows"/"cols", key) labels from the canonical key list, first template wins.

    Read straight from parsers/report_tables.json without importing `parsers` (whose
    import pulls in every document reader) into the Datasette process.
    """
    spec_path = Path(importlib.util.find_spec("parsers").submodule_search_locations[0])
    spec = json.loads((spec_path / "report_tables.json").read_text("utf-8"))
    labels: dict[tuple[str, str], str] = {}
    for table, table_spec in spec["tables"].items():
        variants = list(table_spec.get("templates", {}).values()) or [table_spec]
        for variant in variants:
            for axis in ("rows", "cols"):
                for key, label in variant[axis].items():
                    label = label["label"] if isinstance(label, dict) else label
                    labels.setdefault((table, axis, key), label)
    return labels


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """Show the Chinese label under a canonical key (received → 一、本年新收…)."""
    if table not in LABELLED_TABLES or column not in KEY_COLUMNS or not isinstance(value, str):
        return None
    try:
        table_name = row["table_name"]
    except (IndexError, KeyError):
        return None
    label = _labels().get((table_name, KEY_COLUMNS[column], value))
    if label is None:
        return None
    return Markup(
        f'{escape(value)}<br><span class="zfxxgk-label" style="color:#555;font-size:0.85em">'
        f"{escape(label)}</span>"
    )

"""Parses and their rows: one `reports` row per parse of a version, with its values,
checks, sections and legacy statistics.

Parses are only ever added: a reparse by a newer parser keeps the old rows, and every
view reads the newest parse of each version.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import sqlite_utils

from archive import blobs, summaries
from archive.parse_stage import Parsed
from archive.rows import exact, insert_rows, number, to_json, utc_now
from archive.schema import section_headings
from parsers.version import PARSER_VERSION

# How a legacy statistic's label path is stored: "二、依申请公开情况 / (一)收到申请数".
LABEL_PATH_SEPARATOR = " / "

# Parses a stored body: (body, filename, content_type, url) -> Parsed.
Parse = Callable[[bytes, str | None, str | None, str | None], Parsed]


def parse_version(db: sqlite_utils.Database, version: dict, parse: Parse) -> Parsed:
    document = db["documents"].get(version["document_id"])
    return parse(
        blobs.get(db, version["sha256"]),
        document["filename"],
        version["content_type"],
        document["url"],
    )


def current_parser_text_sha(db: sqlite_utils.Database, version: dict, parse: Parse) -> str | None:
    """The version's text fingerprint as the running parser sees it (re-read if needed)."""
    row = db.execute(
        "SELECT text_sha256 FROM reports WHERE version_id = ? AND parser_version = ? "
        "ORDER BY id DESC LIMIT 1",
        [version["id"], PARSER_VERSION],
    ).fetchone()
    if row is not None:
        return row[0]
    parsed = parse_version(db, version, parse)
    store_report(db, version["id"], version["document_id"], parsed)
    return parsed.text_sha256


def store_report(
    db: sqlite_utils.Database, version_id: int, document_id: int, parsed: Parsed
) -> int:
    try:
        with db.atomic():
            report_id = _insert_report(db, version_id, document_id, parsed)
            template = parsed.report.template if parsed.report else None
            summaries.report_stored(db, report_id, version_id, template)
            return report_id
    except (sqlite3.Error, TypeError, ValueError, AttributeError) as exc:
        # A report the schema cannot hold (duplicate keys, odd types) is a parser
        # bug: keep the version and say so rather than lose the fetch.
        failed = Parsed("parse_error", f"cannot store report: {exc}", None, None)
        with db.atomic():
            report_id = _insert_report(db, version_id, document_id, failed)
            summaries.report_stored(db, report_id, version_id, None)
            return report_id


def versions_to_reparse(db: sqlite_utils.Database, *, all_versions: bool) -> list[dict]:
    """Versions no parse by this PARSER_VERSION covers yet (every version with `all_versions`)."""
    return list(
        db.query(
            "SELECT id, document_id, sha256, content_type FROM versions v WHERE :all OR NOT "
            "EXISTS (SELECT 1 FROM reports r WHERE r.version_id = v.id AND r.parser_version = "
            ":parser) ORDER BY id",
            {"all": all_versions, "parser": PARSER_VERSION},
        )
    )


def _insert_report(
    db: sqlite_utils.Database, version_id: int, document_id: int, parsed: Parsed
) -> int:
    report = parsed.report
    values = report_values(report) if report else []
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
        "warnings": to_json(report.warnings) if report else None,
        "n_values": sum(value["value"] is not None for value in values),
        "checks_total": len(checks),
        "checks_failed": sum(not check.ok for check in checks),
        "source_format": report.source_format if report else None,
        "ocr": bool(report and report.ocr),
    }
    report_id = int(db["reports"].insert(row).last_pk)
    insert_rows(db, "report_values", ({"report_id": report_id, **v} for v in values))
    insert_rows(
        db,
        "report_checks",
        (
            {
                "report_id": report_id,
                "check_name": check.check,
                "table_name": check.table,
                "row_key": check.row,
                "col_key": check.col,
                "expected": number(check.expected),
                "actual": number(check.actual),
                "ok": check.ok,
            }
            for check in checks
        ),
    )
    insert_rows(
        db,
        "report_legacy_statistics",
        (
            {
                "report_id": report_id,
                "position": position,
                "label_path": LABEL_PATH_SEPARATOR.join(item["label_path"]),
                "value": number(item["value"]),
                "value_exact": exact(item["value"]),
                "unit": item["unit"],
                "raw_text": item["raw"],
            }
            for position, item in enumerate(report.legacy_statistics if report else [])
        ),
    )
    if report:
        headings = section_headings()
        insert_rows(
            db,
            "report_sections",
            (
                {"report_id": report_id, "section": key, "heading": headings.get(key), "text": text}
                for key, text in report.sections.items()
            ),
        )
    return report_id


def report_values(report) -> list[dict]:
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
                "value": number(value),
                "value_exact": exact(value),
                "raw_text": cell.raw if cell else None,
                "inferred": bool(cell and cell.inferred),
                "ocr": bool(cell and cell.ocr),
            }
        )
    return values

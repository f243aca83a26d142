"""`zfxxgk export archive.db --format csv|jsonl|xlsx|warc [-o FILE] [--keys-only]`: one row
per agency and year, or the whole fetch log as WARC (see archive.warc).

Researchers load the figures into a spreadsheet or pandas; they get the report the
archive shows for each agency and year (see the latest_reports view) with one column
per canonical cell, named table.row.col (requests.received.total). CSV carries fees
with the digits the report printed; JSONL carries them as numbers, like `zfxxgk parse`.
CSV is Excel-ready (byte-order mark, the template's Chinese labels as headers) unless
--keys-only asks for the keys; xlsx adds the tables in their printed layout.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterator
from contextlib import nullcontext
from decimal import Decimal

from archive.schema import canonical_cells
from archive.spreadsheet import BOM, header_labels, write_workbook
from archive.store import Archive
from archive.warc import write_warc
from cli.commands import open_archive
from parsers.model import json_default

REPORT_COLUMNS = [
    "report_id",
    "portal_id",
    "portal_name",
    "province",
    "city",
    "agency",
    "year",
    "template",
    "title",
    "published",
    "url",
    "kind",
    "version_n",
    "version_fetched_at",
    "gone_at",
    "n_values",
    "checks_total",
    "checks_failed",
    "sources",
    "parser_version",
]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export",
        help="export the latest report per agency and year as a wide table",
        description="One row per agency and year, one column per canonical cell.",
    )
    parser.add_argument("archive", help="archive file")
    parser.add_argument(
        "--format",
        choices=["csv", "jsonl", "xlsx", "warc"],
        default="csv",
        help="csv, jsonl or xlsx: the wide table; warc: every fetch as WARC records (gzipped)",
    )
    parser.add_argument("-o", "--output", help="output file (default: standard output; required for xlsx)")
    parser.add_argument(
        "--keys-only",
        action="store_true",
        help="CSV headed by the column keys (requests.received.total), no byte-order mark: for scripts",
    )
    parser.set_defaults(func=run)


def value_columns(archive: Archive) -> list[str]:
    """Canonical cells in template order, then any other key some exported report has."""
    columns = canonical_cells()
    stored = archive.db.execute(
        "SELECT DISTINCT v.table_name || '.' || v.row_key || '.' || v.col_key "
        "FROM report_values v JOIN latest_reports l ON l.report_id = v.report_id"
    )
    present = {row[0] for row in stored}
    return columns + sorted(present - set(columns))


def wide_rows(archive: Archive, exact_text: bool) -> Iterator[dict]:
    columns = value_columns(archive)
    for report in archive.latest_reports():
        row = {column: report[column] for column in REPORT_COLUMNS}
        row.update(dict.fromkeys(columns))
        for key, value, exact in archive.db.execute(
            "SELECT table_name || '.' || row_key || '.' || col_key, value, value_exact "
            "FROM report_values WHERE report_id = ?",
            [report["report_id"]],
        ):
            if exact is None:
                row[key] = None
            elif exact_text:
                row[key] = exact
            else:
                row[key] = Decimal(exact) if "." in exact else value
        yield row


def run(args: argparse.Namespace) -> int:
    if args.format == "xlsx" and not args.output:
        print("zfxxgk export: --format xlsx needs -o FILE", file=sys.stderr)
        return 2
    archive = open_archive(args.archive, "export")
    if archive is None:
        return 1
    if args.format == "warc":
        with archive, _binary_output(args.output) as out:
            write_warc(archive.db, out)
        return 0
    if args.format == "xlsx":
        with archive:
            columns = REPORT_COLUMNS + value_columns(archive)
            write_workbook(archive, args.output, columns, wide_rows(archive, exact_text=False))
        return 0
    with archive, _output(args.output) as out:
        if args.format == "csv":
            columns = REPORT_COLUMNS + value_columns(archive)
            writer = csv.DictWriter(out, columns)
            if args.keys_only:
                writer.writeheader()
            else:
                out.write(BOM)
                csv.writer(out).writerow(header_labels(columns))
            writer.writerows(wide_rows(archive, exact_text=True))
        else:
            for row in wide_rows(archive, exact_text=False):
                out.write(json.dumps(row, ensure_ascii=False, default=json_default) + "\n")
    return 0


def _binary_output(path: str | None):
    return nullcontext(sys.stdout.buffer) if path is None else open(path, "wb")


def _output(path: str | None):
    if path is None:
        return nullcontext(sys.stdout)
    return open(path, "w", encoding="utf-8", newline="")

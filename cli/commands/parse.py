"""`zfxxgk parse FILE... [--table]`: read documents without touching an archive.

One JSON object per input file, one per line, in input order, so the output pipes
into `jq` or a line-oriented script; `--table` shows the three tables as a person
reads them (the report's own Chinese labels) to compare with the source by eye.
A file that cannot be read is one line on stderr, and the exit status says so only
after every other file has been printed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import unicodedata
from pathlib import Path
from typing import Any

from archive.report_layout import describe_failure
from parsers.errors import UnreadableDocument
from parsers.model import Report, json_default
from parsers.tables import key_schema

# The record's leading keys, in the order the issue fixes; the rest follow.
RECORD_ORDER = (
    "is_report", "template", "year", "agency", "title", "published",
    "sections", "tables", "cells", "checks", "warnings",
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "parse",
        help="parse report documents and print them as JSON lines",
        description="Parse annual-report documents (HTML, text, PDF, DOCX, ...) and print one "
        "JSON object per file, in input order.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="documents to parse")
    parser.add_argument(
        "--table", action="store_true", help="print the three statistics tables readably instead"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        return _parse_files(args.files, table=args.table)
    except BrokenPipeError:  # `zfxxgk parse ... | head`: the reader has all it wants
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return 0


def _parse_files(files: list[str], *, table: bool) -> int:
    from parsers.report import parse_document

    failures = 0
    for name in files:
        try:
            report = parse_document(Path(name).read_bytes(), filename=name)
        except OSError as exc:
            failures += _fail(name, exc.strerror or str(exc))
            continue
        except UnreadableDocument as exc:
            failures += _fail(name, f"unreadable: {exc.reason}")
            continue
        except Exception as exc:  # one bad document must not stop the others
            failures += _fail(name, f"parser error: {type(exc).__name__}: {exc}")
            continue
        if table:
            print(render_tables(report, name))
        else:
            print(json.dumps(record(report, name), ensure_ascii=False, default=json_default))
        sys.stdout.flush()
    return 1 if failures else 0


def _fail(name: str, message: str) -> int:
    sys.stdout.flush()
    print(f"zfxxgk parse: {name}: {message}", file=sys.stderr, flush=True)
    return 1


def record(report: Report, filename: str) -> dict[str, Any]:
    data = report.to_json()
    ordered = {key: data.pop(key) for key in RECORD_ORDER}
    ordered.update(data)
    ordered["file"] = filename
    return ordered


def _labels(table: str, template: str) -> tuple[dict[str, str], dict[str, str]]:
    """(row key -> label path, col key -> label path) in the schema's order."""
    spec = key_schema()["tables"][table]
    if table == "active":
        layout = spec["templates"][template]
        return {k: v["label"] for k, v in layout["rows"].items()}, layout["cols"]
    rows = {k: v.split(" (")[0] for k, v in spec["rows"].items()}
    return rows, spec["cols"]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(width - _width(text), 0)
    return gap + text if right else text + gap


def render_tables(report: Report, filename: str) -> str:
    """The tables as aligned text: grouped row labels, values, `*` on inferred cells.

    A blank the report left is shown as "—"; a column the row does not have stays empty.
    """
    head = f"== {filename}: {report.title or '(no title)'}"
    facts = [str(x) for x in (report.agency, report.year, report.template) if x]
    lines = [f"{head} ({', '.join(facts)})" if facts else head]
    if not report.is_report:
        return "\n".join([*lines, f"not a report: {report.reason}", ""])
    if report.legacy_statistics:
        return "\n".join([*lines, *_render_legacy(report.legacy_statistics), ""])
    if not report.tables:
        return "\n".join([*lines, "no statistics tables (legacy report or none recognised)", ""])
    inferred = {(c.table, c.row, c.col) for c in report.cells if c.inferred}
    for table, rows in report.tables.items():
        row_labels, col_labels = _labels(table, report.template or "2021")
        lines.append(f"\n[{key_schema()['tables'][table]['label']}]")
        lines.extend(_render_table(table, rows, row_labels, col_labels, inferred))
    if inferred:
        lines.append("\n* 推算：报告未印此数，由表内恒等式推算 · inferred from an identity of the template")
    lines.append("")
    lines.extend(check_lines(report.checks, report.template))
    lines.extend(f"提示 · warning: {warning}" for warning in report.warnings)
    lines.append("")
    return "\n".join(lines)


def check_lines(checks: list, template: str | None) -> list[str]:
    """How many identities were checked and each failing one in the template's words."""
    failed = [check for check in checks if not check.ok]
    if not checks:
        return []
    if not failed:
        return [f"{len(checks)} 项核对全部通过 · all {len(checks)} checks pass"]
    return [f"{len(failed)} 项核对未通过 · {len(failed)} of {len(checks)} checks fail"] + [
        "! " + failure_text(check, template) for check in failed
    ]


def failure_text(check, template: str | None) -> str:
    """A failing Check as the report page states it: "总计列：本年新收 + 上年结转 = 4 ≠ 3 = …"."""
    row = {"check_name": check.check, "table_name": check.table, "row_key": check.row,
           "col_key": check.col, "expected": check.expected, "actual": check.actual}
    return describe_failure(row, template).message


def _render_legacy(statistics: list[dict[str, Any]]) -> list[str]:
    """A pre-2019 statistics table as printed: indented label paths, figure and unit."""
    lines = ["", "[统计表 (pre-2019, as printed; not mapped onto the 2019/2021 keys)]"]
    for item in statistics:
        *parents, label = item["label_path"]
        figure = "—" if item["value"] is None else str(item["value"])
        unit = f" {item['unit']}" if item["unit"] and item["value"] is not None else ""
        lines.append(f"{'  ' * len(parents)}{label}  {figure}{unit}")
    return lines


def _render_table(
    table: str,
    rows: dict[str, dict[str, Any]],
    row_labels: dict[str, str],
    col_labels: dict[str, str],
    inferred: set[tuple[str, str, str]],
) -> list[str]:
    cols = [c for c in col_labels if any(c in values for values in rows.values())]
    # requests columns are paths ("法人或其他组织/商业企业"); "本年增/减" is one label
    headers = [col_labels[c] if table == "active" else col_labels[c].split("/")[-1] for c in cols]
    body: list[tuple[str, list[str]]] = []
    shown_groups: list[str] = []
    for row_key in row_labels:
        if row_key not in rows:
            continue
        path = row_labels[row_key].split("/")
        for depth, group in enumerate(path[:-1]):
            if len(shown_groups) <= depth or shown_groups[depth] != group:
                del shown_groups[depth:]
                shown_groups.append(group)
                if len(group) > 1:  # "三" alone only repeats the heading above
                    body.append(("  " * depth + group, []))
        del shown_groups[len(path) - 1 :]
        cells = []
        for col in cols:
            if col not in rows[row_key]:  # the 2021 active table: each row has its own columns
                cells.append("")
                continue
            value = rows[row_key][col]
            text = "—" if value is None else str(value)
            cells.append(text + ("*" if (table, row_key, col) in inferred else ""))
        body.append(("  " * (len(path) - 1) + path[-1], cells))
    label_width = max([_width(label) for label, _ in body] + [4])
    widths = [
        max([_width(h)] + [_width(cells[i]) for _, cells in body if cells]) for i, h in enumerate(headers)
    ]
    out = [_pad("", label_width) + "  " + "  ".join(_pad(h, w, True) for h, w in zip(headers, widths, strict=True))]
    for label, cells in body:
        if not cells:
            out.append(label)
            continue
        values = "  ".join(_pad(c, w, True) for c, w in zip(cells, widths, strict=True))
        out.append((_pad(label, label_width) + "  " + values).rstrip())
    return out

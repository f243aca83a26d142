"""The export as a reader's spreadsheet: Chinese headers, and the tables as printed.

`zfxxgk export` writes one row per agency and year with one column per canonical cell;
a reader opening it in Excel needs the template's words, not `requests.received.total`,
and the two templates' active-disclosure tables told apart. The xlsx workbook adds one
sheet per statistical table with each report's table in the printed layout (merged
headers, 第二十条 items), so a figure can be checked against the PDF at a glance.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from openpyxl.utils import get_column_letter

from archive.metadata import COLUMN_LABELS
from archive.report_layout import (
    TABLE_TITLES,
    Value,
    describe_failure,
    grid,
    printed_tables,
)
from archive.store import Archive
from parsers.key_schema import load_key_schema

TABLE_SHORT = {"active": "二、主动公开", "requests": "三、依申请", "appeals": "四、复议诉讼"}
# Excel-ready CSV starts with a byte-order mark: Excel on a Chinese Windows reads a CSV
# without one in the ANSI code page (GBK), and every Chinese header turns to mojibake.
BOM = "\ufeff"


def _cell_labels() -> dict[str, str]:
    """table.row.col -> "三、依申请·一、本年新收政府信息公开申请数量·自然人"; a cell of the
    active table that only one template has says which ("（2019年模板）")."""
    labels: dict[str, str] = {}
    templates: dict[str, list[str]] = {}
    for table, table_spec_ in load_key_schema()["tables"].items():
        variants = table_spec_.get("templates") or {"": table_spec_}
        for template, variant in variants.items():
            for row, row_spec in variant["rows"].items():
                row_label = row_spec["label"] if isinstance(row_spec, dict) else row_spec
                cols = row_spec["cols"] if isinstance(row_spec, dict) else variant["cols"]
                for col in cols:
                    key = f"{table}.{row}.{col}"
                    label = f"{row_label}·{variant['cols'][col]}"
                    if table != "active":  # 三/（三）不予公开/1.… : the label's levels
                        label = label.replace("/", "·")
                    labels.setdefault(key, f"{TABLE_SHORT[table]}·{label}")
                    templates.setdefault(key, []).append(template)
    return {
        key: label
        + (f"（{templates[key][0]}年模板）" if len(templates[key]) == 1 and templates[key][0] else "")
        for key, label in labels.items()
    }


def header_labels(columns: Iterable[str]) -> list[str]:
    cells = _cell_labels()
    return [COLUMN_LABELS.get(c) or cells.get(c) or c for c in columns]


def write_workbook(archive: Archive, path: str | Path, columns: list[str], rows: Iterable[dict]) -> None:
    """The wide table (sheet 数据) and one sheet per statistical table, printed layout."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = Workbook()
    data = workbook.active
    data.title = "数据"
    data.append(header_labels(columns))
    data.append(columns)  # the keys, for scripts and formulas
    sheets = {key: workbook.create_sheet(TABLE_SHORT[key]) for key in TABLE_TITLES}
    next_row = dict.fromkeys(TABLE_TITLES, 1)
    bold, grey = Font(bold=True), PatternFill("solid", fgColor="F2F2F2")
    red = PatternFill("solid", fgColor="FDE2E2")
    wrapped = Alignment(wrap_text=True, vertical="center")
    centred = Alignment(vertical="center")
    for row in rows:
        data.append([row.get(c) for c in columns])
        report_id = row["report_id"]
        values = {
            (t, r, c): Value(v, exact, raw, bool(inferred), bool(ocr))
            for t, r, c, v, exact, raw, inferred, ocr in archive.db.execute(
                "SELECT table_name, row_key, col_key, value, value_exact, raw_text, inferred, ocr "
                "FROM report_values WHERE report_id = ?", [report_id])
        }
        if not values:
            continue
        failures = [
            describe_failure(dict(zip(("check_name", "table_name", "row_key", "col_key", "expected", "actual"), check, strict=True)), row["template"])
            for check in archive.db.execute(
                "SELECT check_name, table_name, row_key, col_key, expected, actual "
                "FROM report_checks WHERE report_id = ? AND NOT ok ORDER BY id", [report_id])
        ]
        for table in printed_tables(row["template"], values, failures):
            sheet = sheets[table.key]
            top = next_row[table.key]  # Worksheet.max_row scans every cell: track it here
            title = sheet.cell(top, 1, f"{row['agency']} {row['year']}年 · {table.title} · 报告编号 {report_id}")
            title.font = bold
            cells_grid = grid(table)
            next_row[table.key] = top + len(cells_grid) + 2  # a blank row between reports
            for r, cells in enumerate(cells_grid, top + 1):
                for c, cell in enumerate(cells, 1):
                    if cell is None:
                        continue
                    target = sheet.cell(r, c)
                    if cell.header:
                        target.value, target.fill = cell.text, grey
                    else:
                        number = None if cell.value is None else cell.value.value
                        target.value = number
                        if cell.marks or cell.failures:
                            notes = cell.marks + [f.message for f in cell.failures]
                            target.comment = Comment("；".join(notes), "zfxxgk")
                        if cell.failures:
                            target.fill = red
                    target.alignment = wrapped if cell.header else centred
                    if cell.rowspan > 1 or cell.colspan > 1:
                        _merge(sheet, r, c, cell.rowspan, cell.colspan)
    for sheet in sheets.values():
        sheet.column_dimensions["A"].width = 30
    workbook.save(path)


def _merge(sheet, row: int, col: int, rowspan: int, colspan: int) -> None:
    """Worksheet.merge_cells without its overlap check, which compares each new range with
    every range already merged (quadratic: minutes for a thousand reports). The printed
    grid's ranges never overlap, so the range is added and its covered cells marked."""
    from openpyxl.cell.cell import MergedCell
    from openpyxl.worksheet.merge import MergedCellRange

    merged = MergedCellRange(sheet, f"{get_column_letter(col)}{row}:"
                                    f"{get_column_letter(col + colspan - 1)}{row + rowspan - 1}")
    sheet.merged_cells.ranges.add(merged)
    for r in range(row, row + rowspan):
        for c in range(col, col + colspan):
            if (r, c) != (row, col):
                sheet._cells[(r, c)] = MergedCell(sheet, r, c)

"""XLSX with openpyxl, XLS with xlrd: each sheet one grid, merged ranges expanded.

openpyxl is only used in its normal (not read-only) mode because read-only worksheets do
not expose merged ranges; the zip bomb check and the cell limit bound what that costs.
xlrd 2 reads only the legacy XLS format, which is exactly what it is used for.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable

from parsers.errors import UnreadableDocument
from parsers.formats import limits
from parsers.model import Extracted, Grid


def extract(body: bytes, fmt: str) -> Extracted:
    sheets = _xlsx_sheets(body) if fmt == "xlsx" else _xls_sheets(body)
    grids: list[Grid] = []
    lines: list[str] = []
    for name, grid in sheets:
        grid = _trim(grid)
        if not grid:
            continue
        grids.append(grid)
        lines.append(name)
        lines.extend("\t".join(row) for row in grid)
    return Extracted(text="\n".join(lines), grids=grids, source_format=fmt)


def _xlsx_sheets(body: bytes) -> list[tuple[str, Grid]]:
    import openpyxl

    limits.open_zip(body, "XLSX")
    try:
        book = openpyxl.load_workbook(io.BytesIO(body), data_only=True)
    except Exception as exc:  # openpyxl raises assorted errors on damaged parts
        raise UnreadableDocument(f"XLSX cannot be opened: {type(exc).__name__}: {exc}") from exc
    sheets = []
    for sheet in book.worksheets:
        _check_cells(sheet.max_row * sheet.max_column, sheet.title)
        grid = [[_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        for merged in sheet.merged_cells.ranges:
            value = grid[merged.min_row - 1][merged.min_col - 1]
            _fill(grid, merged.min_row - 1, merged.max_row, merged.min_col - 1, merged.max_col, value)
        sheets.append((sheet.title, grid))
    return sheets


def _xls_sheets(body: bytes) -> list[tuple[str, Grid]]:
    import xlrd

    limits.check_size(body, "XLS")
    try:
        book = xlrd.open_workbook(file_contents=body, formatting_info=True, on_demand=True)
    except Exception as exc:  # xlrd raises XLRDError, CompDocError, struct errors...
        raise UnreadableDocument(f"XLS cannot be opened: {type(exc).__name__}: {exc}") from exc
    sheets = []
    for index in range(book.nsheets):
        sheet = book.sheet_by_index(index)
        _check_cells(sheet.nrows * sheet.ncols, sheet.name)
        grid = [
            [_xls_text(book, sheet.cell(r, c)) for c in range(sheet.ncols)]
            for r in range(sheet.nrows)
        ]
        for row_lo, row_hi, col_lo, col_hi in sheet.merged_cells:
            _fill(grid, row_lo, row_hi, col_lo, col_hi, grid[row_lo][col_lo])
        sheets.append((sheet.name, grid))
    return sheets


def _check_cells(count: int, sheet: str) -> None:
    if count > limits.MAX_SHEET_CELLS:
        raise UnreadableDocument(
            f"sheet {sheet} spans {count} cells (limit {limits.MAX_SHEET_CELLS})"
        )


def _fill(grid: Grid, row_lo: int, row_hi: int, col_lo: int, col_hi: int, value: str) -> None:
    """Write a merged range's text into every slot (row_hi/col_hi exclusive)."""
    for r in range(row_lo, min(row_hi, len(grid))):
        for c in range(col_lo, min(col_hi, len(grid[r]))):
            grid[r][c] = value


def _text(value: object) -> str:
    """A cell as the sheet shows it: 3.0 -> '3', a date -> ISO, None -> ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _xls_text(book, cell) -> str:
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return _text(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return _text(cell.value)
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERR")
    return _text(cell.value)


def _trim(grid: Grid) -> Grid:
    """Drop empty rows and the empty columns on the right that spreadsheets carry."""
    rows = [row for row in grid if any(cell for cell in row)]
    width = max((_last_filled(row) for row in rows), default=0)
    return [row[:width] + [""] * (width - len(row)) for row in rows]


def _last_filled(row: Iterable[str]) -> int:
    last = 0
    for index, cell in enumerate(row, start=1):
        if cell:
            last = index
    return last

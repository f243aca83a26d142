"""XLSX with openpyxl, XLS with xlrd: each sheet one grid, merged ranges expanded.

A spreadsheet is the cheapest bomb there is (a few MB of zip can declare millions of
cells), so nothing is loaded whole. openpyxl's read-only mode streams the values; its
worksheets do not expose merged ranges, so one streaming pass over each sheet's XML
first counts the cells and collects the `mergeCell` ranges, and refuses the sheet as
soon as the count passes `MAX_SHEET_CELLS` (or its declared dimension does), before
openpyxl has built a single cell. xlrd 2 reads only the legacy XLS format, which is
exactly what it is used for; its compound-file reader follows short-sector chains
without detecting cycles, so those chains are checked before xlrd reads the file.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
import zlib
from collections.abc import Iterable

from lxml import etree

from parsers.errors import UnreadableDocument
from parsers.formats import limits
from parsers.model import Extracted, Grid

_EOC = -2  # end of an OLE2 sector chain


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

    archive = limits.open_zip(body, "XLSX")
    try:
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises assorted errors on damaged parts
        raise UnreadableDocument(f"XLSX cannot be opened: {type(exc).__name__}: {exc}") from exc
    sheets = []
    try:
        for sheet in book.worksheets:
            if sheet.max_row and sheet.max_column:
                _check_cells(sheet.max_row * sheet.max_column, sheet.title, "declares")
            merges = _scan_sheet(archive, sheet._worksheet_path, sheet.title)
            sheet.reset_dimensions()  # stream every cell, not only the declared range
            grid: Grid = []
            cells = 0
            for row in sheet.iter_rows(values_only=True):
                cells += max(1, len(row))
                _check_cells(cells, sheet.title)
                grid.append([_text(v) for v in row])
            _fill_merges(grid, merges, sheet.title)
            sheets.append((sheet.title, grid))
    finally:
        book.close()
    return sheets


def _scan_sheet(
    archive: zipfile.ZipFile, path: str, title: str
) -> list[tuple[int, int, int, int]]:
    """Count a sheet's cells in one streaming pass and return its merged ranges.

    Ranges are (row_lo, row_hi, col_lo, col_hi), zero-based with exclusive ends as xlrd
    gives them. The pass keeps no element: memory stays flat whatever the sheet holds.
    """
    from openpyxl.utils.cell import range_boundaries

    merges = []
    cells = 0
    try:
        with archive.open(path) as source:
            for _, element in etree.iterparse(source, tag=("{*}c", "{*}mergeCell")):
                if element.tag.endswith("}c") or element.tag == "c":
                    cells += 1
                    if cells > limits.MAX_SHEET_CELLS:
                        _check_cells(cells, title, "holds more than")
                elif element.get("ref"):
                    try:
                        c0, r0, c1, r1 = range_boundaries(element.get("ref"))
                    except (ValueError, TypeError):
                        continue
                    if None not in (c0, r0, c1, r1):
                        merges.append((r0 - 1, r1, c0 - 1, c1))
                element.clear()
                while element.getprevious() is not None:  # drop the cleared cells too
                    del element.getparent()[0]
    except KeyError as exc:
        raise UnreadableDocument(f"XLSX lacks {path}") from exc
    except (etree.XMLSyntaxError, zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        raise UnreadableDocument(f"XLSX sheet {title} is damaged: {exc}") from exc
    return merges


def _xls_sheets(body: bytes) -> list[tuple[str, Grid]]:
    import xlrd

    limits.check_size(body, "XLS")
    _check_short_chains(body)
    log = io.StringIO()  # xlrd prints its warnings to stdout, where `zfxxgk parse` writes JSON
    try:
        book = xlrd.open_workbook(
            file_contents=body, formatting_info=True, on_demand=True, logfile=log
        )
    except Exception as exc:  # xlrd raises XLRDError, CompDocError, struct errors...
        raise UnreadableDocument(f"XLS cannot be opened: {type(exc).__name__}: {exc}") from exc
    sheets = []
    for index in range(book.nsheets):
        try:
            sheet = book.sheet_by_index(index)
        except Exception as exc:  # a damaged sheet record: struct.error, IndexError...
            raise UnreadableDocument(
                f"XLS sheet {index + 1} is damaged: {type(exc).__name__}: {exc}"
            ) from exc
        _check_cells(sheet.nrows * sheet.ncols, sheet.name)
        grid = [
            [_xls_text(book, sheet.cell(r, c)) for c in range(sheet.ncols)]
            for r in range(sheet.nrows)
        ]
        _fill_merges(grid, sheet.merged_cells, sheet.name)
        sheets.append((sheet.name, grid))
    return sheets


def _check_short_chains(body: bytes) -> None:
    """Refuse an XLS whose small streams' sector chains loop (xlrd would never return).

    xlrd checks the chains of big streams for cycles but follows those of streams kept
    in the short-sector container (under 4 KB, the usual size of a Workbook stream in a
    small report) without a check, so one damaged table entry keeps it busy forever.
    """
    from xlrd.compdoc import CompDoc, CompDocError

    try:
        doc = CompDoc(body, logfile=io.StringIO())
    except (CompDocError, AssertionError, IndexError, ValueError, struct.error) as exc:
        raise UnreadableDocument(f"XLS cannot be opened: {type(exc).__name__}: {exc}") from exc
    for entry in doc.dirlist:
        if entry.etype != 2 or entry.tot_size >= doc.min_size_std_stream:
            continue  # only streams in the short-sector container
        sector, seen = entry.first_SID, set()
        while sector >= 0:
            if sector in seen or sector >= len(doc.SSAT):
                raise UnreadableDocument(
                    f"XLS cannot be opened: stream {entry.name} has a broken sector chain"
                )
            seen.add(sector)
            sector = doc.SSAT[sector]


def _check_cells(count: int, sheet: str, verb: str = "spans") -> None:
    if count > limits.MAX_SHEET_CELLS:
        raise UnreadableDocument(
            f"sheet {sheet} {verb} {count} cells (limit {limits.MAX_SHEET_CELLS})"
        )


def _fill_merges(grid: Grid, merges: Iterable[tuple[int, int, int, int]], sheet: str) -> None:
    """Write each merged range's text into every slot (row_hi/col_hi exclusive).

    Ranges are clipped to the grid, and the slots written in all are bounded too:
    thousands of overlapping ranges over a big sheet would otherwise multiply.
    """
    written = 0
    for row_lo, row_hi, col_lo, col_hi in merges:
        if not 0 <= row_lo < len(grid) or col_hi <= col_lo:
            continue
        top = grid[row_lo]
        value = top[col_lo] if col_lo < len(top) else ""
        for r in range(row_lo, min(row_hi, len(grid))):
            written += col_hi - col_lo
            _check_cells(written, sheet, "has merged ranges covering")
            row = grid[r]
            row.extend([""] * (col_hi - len(row)))  # streamed rows end at their last value
            row[col_lo:col_hi] = [value] * (col_hi - col_lo)


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

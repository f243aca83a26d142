"""XLSX and XLS: each sheet a grid, merged ranges expanded, numbers as the sheet shows them."""

import io

import openpyxl
import pytest

from parsers.errors import UnreadableDocument
from parsers.formats import extract, sniff_format
from parsers.formats.legacy_word import convert

EXPECTED = [
    ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
    ["行政规范性文件", "1", "0", "3"],
    ["行政事业性收费", "180.338174", "180.338174", "180.338174"],
]


@pytest.fixture(scope="module")
def workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "主动公开"
    sheet.append(["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"])
    sheet.append(["行政规范性文件", 1, 0, 3])
    sheet.append(["行政事业性收费", 180.338174])
    sheet.merge_cells("B3:D3")
    sheet.append([])  # an empty row and an empty second sheet are dropped
    book.create_sheet("空表")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_sheet_is_a_grid_with_merges_expanded(workbook):
    assert sniff_format(workbook, filename="年报.xls") == "xlsx"
    doc = extract(workbook, fmt="xlsx")
    assert doc.grids == [EXPECTED]
    assert doc.text.split("\n")[:2] == ["主动公开", "信息内容\t本年制发件数\t本年废止件数\t现行有效件数"]


def test_xls_converted_by_libreoffice_reads_the_same(workbook):
    legacy = convert(workbook, source_suffix=".xlsx", target="xls")
    assert sniff_format(legacy) == "xls"
    assert extract(legacy, fmt="xls").grids == [EXPECTED]


def test_damaged_spreadsheets_are_unreadable(workbook):
    with pytest.raises(UnreadableDocument):
        extract(workbook[:2000], fmt="xlsx")
    with pytest.raises(UnreadableDocument, match="XLS cannot be opened"):
        extract(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, fmt="xls")

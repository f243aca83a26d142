"""Small hostile files are refused by the limits, cheaply, with a reason (never a crash).

Each bomb here took a naive reader minutes or gigabytes (or raised a raw library error);
the assertions check the reason names the limit, and, where the cost is the point, that
the work done stayed small (memory measured with tracemalloc, not wall-clock time).
"""

import io
import re
import tracemalloc
import zipfile

import openpyxl
import pytest

from demo import bombs
from demo.documents import expand, to_docx, to_pdf
from demo.ofd import make_ofd
from parsers import parse_document
from parsers.errors import UnreadableDocument
from parsers.formats import extract, limits
from parsers.formats import pdf as pdf_reader
from parsers.formats.legacy_word import convert

TABLE = expand([[("项目", 1, 1), ("件数", 1, 1)], [("新收", 1, 1), ("3", 1, 1)]])


def _refused(body: bytes, filename: str) -> str:
    with pytest.raises(UnreadableDocument) as caught:
        parse_document(body, filename=filename)
    reason = caught.value.reason
    assert reason and "\n" not in reason
    return reason


# --- HTML ------------------------------------------------------------------------------


def test_span_bomb_table_is_refused_before_it_is_expanded():
    body = bombs.span_bomb_html()
    assert len(body) < 12_000  # 9-10 KB of markup for a 10-million-slot grid
    reason = _refused(body, "report.html")
    assert f"cover more than {limits.MAX_TABLE_CELLS} cells" in reason


def test_table_of_many_empty_rows_under_one_wide_cell_is_bounded():
    """Spans over the limit only through rows: 600 rows under a 200-column cell."""
    rows = '<tr><td colspan="200">x</td></tr>' + "<tr><td>1</td></tr>" * 600
    body = f"<html><body><table>{rows}</table></body></html>".encode()
    reason = _refused(body, "report.html")
    assert "HTML table expands to" in reason and f"limit {limits.MAX_TABLE_CELLS}" in reason


def test_html_over_its_size_limit_is_refused(monkeypatch):
    monkeypatch.setitem(limits.MAX_BYTES_BY_FORMAT, "html", 10_000)
    body = b"<html><body>" + "<p>某县2021年政府信息公开工作年度报告</p>".encode() * 500 + b"</body></html>"
    assert "HTML too large" in _refused(body, "report.html")


def test_deeply_nested_page_parses_without_recursion_errors():
    report = parse_document(bombs.deep_nesting_html(), filename="report.html")
    assert report.is_report is False  # libxml2 stops at its depth limit; no crash


@pytest.mark.parametrize("control", ["\x0b", "\x0c", "\x1f"])
def test_html_with_control_characters_in_a_heading_is_read(control):
    body = f"<html><head><title>标题</title></head><body><h1>某县{control}年报</h1><p>正文</p></body></html>"
    report = parse_document(body.encode(), filename="report.html")
    assert report.source_format == "html"


# --- PDF -------------------------------------------------------------------------------


def test_pdf_drawing_one_form_thousands_of_times_is_refused_before_layout():
    body = bombs.xobject_repeat_pdf()
    assert len(body) < 25_000
    tracemalloc.start()
    try:
        reason = _refused(body, "report.pdf")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "shows up to" in reason and f"limit {limits.MAX_PAGE_CHARS}" in reason
    assert peak < 50 * 1024 * 1024  # laying out 2 million glyphs costs gigabytes


def test_pdf_with_too_many_objects_is_refused(monkeypatch):
    monkeypatch.setattr(limits, "MAX_PAGE_OBJECTS", 100)
    body = bombs.xobject_repeat_pdf(draws=150, glyphs=1)
    assert "draws more than 100 objects" in _refused(body, "report.pdf")


def test_huge_image_is_refused_before_rendering():
    body = bombs.huge_image_pdf()
    assert len(body) < 2_000
    reason = _refused(body, "scan.pdf")
    assert "50000x50000 pixels" in reason


def test_big_scanned_page_is_rendered_for_ocr_within_the_pixel_limit(monkeypatch):
    seen = []
    monkeypatch.setattr(limits, "MAX_IMAGE_PIXELS", 1_000_000)
    monkeypatch.setattr(
        pdf_reader.ocr, "ocr_image", lambda image, what: seen.append(image.size) or "扫描页"
    )
    doc = extract(bombs.huge_image_pdf(width=100, height=100, page=2000), fmt="pdf")
    (width, height), = seen
    assert width * height <= 1_000_000 and width > 900  # 2000 pt at 36 dpi, not 300
    assert any("rendered for OCR at 36 dpi" in w for w in doc.warnings)


def test_pdf_whose_page_tree_cannot_be_walked_is_unreadable():
    reason = _refused(bombs.unresolvable_mediabox_pdf(), "report.pdf")
    assert reason.startswith("damaged PDF")


def test_normal_pdf_is_within_every_page_budget():
    doc = extract(to_pdf(["某县2021年政府信息公开工作年度报告", TABLE]), fmt="pdf")
    assert doc.grids == [TABLE.grid()]


# --- spreadsheets ----------------------------------------------------------------------


def test_xlsx_declaring_a_huge_sheet_is_refused_before_any_cell_is_read():
    reason = _refused(bombs.huge_sheet_xlsx(rows=50, cols=50), "report.xlsx")
    assert "declares 17179869184 cells" in reason


def test_xlsx_cells_are_counted_while_streaming_not_after_loading(monkeypatch):
    monkeypatch.setattr(limits, "MAX_SHEET_CELLS", 20_000)
    body = bombs.huge_sheet_xlsx(rows=300, cols=100, declared=None)  # 30,000 cells
    extract(bombs.huge_sheet_xlsx(rows=2, cols=2, declared=None), fmt="xlsx")  # imports done
    tracemalloc.start()
    try:
        reason = _refused(body, "report.xlsx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reason == "sheet xl/worksheets/sheet1.xml holds more than 20000 cells"
    assert peak < 3 * 1024 * 1024  # loading the whole sheet first peaks at ~11 MB


def test_xlsx_merged_ranges_are_still_expanded_when_streaming():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["项目", "件数", None])
    sheet.append(["新收", 3])
    sheet.merge_cells("B1:C1")
    out = io.BytesIO()
    book.save(out)
    assert extract(out.getvalue(), fmt="xlsx").grids == [[["项目", "件数", "件数"], ["新收", "3", ""]]]


def test_xlsx_with_overlapping_merges_is_bounded(monkeypatch):
    monkeypatch.setattr(limits, "MAX_SHEET_CELLS", 5_000)
    book = openpyxl.Workbook()
    sheet = book.active
    for _ in range(50):
        sheet.append(list(range(50)))
    merges = b"".join(b'<mergeCell ref="A1:AX50"/>' for _ in range(10))
    out = io.BytesIO()
    book.save(out)
    with zipfile.ZipFile(out) as src:
        sheet_xml = src.read("xl/worksheets/sheet1.xml").replace(
            b"</sheetData>", b'</sheetData><mergeCells count="10">' + merges + b"</mergeCells>"
        )
    body = _replace_member(out.getvalue(), "xl/worksheets/sheet1.xml", sheet_xml)
    assert "merged ranges covering" in _refused(body, "report.xlsx")


def _replace_member(package: bytes, name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, data if info.filename == name else src.read(info))
    return out.getvalue()


@pytest.fixture(scope="module")
def xls_body() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["项目", "件数"])
    book.active.append(["新收", 3])
    out = io.BytesIO()
    book.save(out)
    return convert(out.getvalue(), source_suffix=".xlsx", target="xls")


def test_xls_whose_sector_chain_loops_is_refused_at_once(xls_body):
    body = bombs.looped_xls(xls_body)
    assert len(body) == len(xls_body)
    assert "broken sector chain" in _refused(body, "report.xls")


def test_doc_whose_allocation_table_is_freed_is_unreadable():
    doc = convert(to_docx(["某县2021年政府信息公开工作年度报告", TABLE]), source_suffix=".docx", target="doc")
    reason = _refused(bombs.freed_allocation_table(doc), "report.doc")
    assert reason.startswith("damaged DOC file")


# --- DOCX and OFD ----------------------------------------------------------------------


def test_docx_cell_spanning_a_billion_columns_spans_at_most_max_span():
    body = bombs.gridspan_bomb_docx(to_docx(["某县2021年政府信息公开工作年度报告", TABLE]))
    (grid,) = extract(body, fmt="docx").grids
    assert grid[0] == ["项目"] * limits.MAX_SPAN + ["件数"]


def test_docx_table_of_wide_rows_is_refused(monkeypatch):
    monkeypatch.setattr(limits, "MAX_TABLE_CELLS", 2_000)
    rows = limits.MAX_TABLE_CELLS // limits.MAX_SPAN + 1
    table = expand([[(str(r), 1, 1)] for r in range(rows)])
    body = bombs.gridspan_bomb_docx(to_docx([table]), span=limits.MAX_SPAN, cells=rows)
    assert "DOCX table expands to" in _refused(body, "report.docx")


@pytest.fixture(scope="module")
def ofd_body() -> bytes:
    return make_ofd([["某局2021年政府信息公开工作年度报告", TABLE]])


def test_ofd_member_that_does_not_inflate_is_unreadable(ofd_body):
    body = bombs.damage_member(ofd_body, "Doc_0/Pages/Page_0/Content.xml")
    reason = _refused(body, "report.ofd")
    assert reason.startswith("OFD member Doc_0/Pages/Page_0/Content.xml is damaged")


def test_ofd_with_an_encrypted_member_is_unreadable(ofd_body):
    body = bombs.damage_member(ofd_body, "Doc_0/Pages/Page_0/Content.xml", encrypted=True)
    assert "is encrypted" in _refused(body, "report.ofd")


def test_ofd_glyph_advance_shorthand_cannot_allocate_without_bound(ofd_body):
    with zipfile.ZipFile(io.BytesIO(ofd_body)) as package:
        page = package.read("Doc_0/Pages/Page_0/Content.xml")
    bomb = re.sub(rb'DeltaX="[^"]*"', b'DeltaX="g 1000000000000 3"', page, count=1)
    assert bomb != page
    doc = extract(_replace_member(ofd_body, "Doc_0/Pages/Page_0/Content.xml", bomb), fmt="ofd")
    assert "某局2021年政府信息公开工作年度报告" in doc.text.replace(" ", "")


def test_ofd_page_with_too_many_ruling_lines_is_refused(ofd_body, monkeypatch):
    monkeypatch.setattr(limits, "MAX_PATH_SEGMENTS", 3)
    assert "line segments" in _refused(ofd_body, "report.ofd")

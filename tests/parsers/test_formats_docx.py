"""DOCX: merged cells read as the grid they show, document order, bombs refused."""

import io
import zipfile

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from demo.documents import expand, to_docx, zip_bomb_docx
from parsers.errors import UnreadableDocument
from parsers.formats import extract, limits, sniff_format


def _cells(values: str) -> list[tuple[str, int, int]]:
    return [(v, 1, 1) for v in values.split()]


# The request table's header as the template prints it: a 3x3 note cell, 申请人情况 over
# seven columns, 法人或其他组织 over five, 自然人 and 总计 down two rows.
HEADER = expand([
    [("（本列数据的勾稽关系为）", 3, 3), ("申请人情况", 1, 7)],
    [("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1)],
    [("商业企业", 1, 1), ("科研机构", 1, 1), ("社会公益组织", 1, 1), ("法律服务机构", 1, 1),
     ("其他", 1, 1)],
    [("一、本年新收政府信息公开申请数量", 1, 3), *_cells("14 0 0 0 0 0 14")],
    [("三、本年度办理结果", 2, 1), ("（一）予以公开", 1, 2), *_cells("9 1 0 0 0 0 10")],
    [("（三）不予公开", 1, 1), ("1.属于国家秘密", 1, 1), *_cells("0 0 0 0 0 0 0")],
])


@pytest.fixture(scope="module")
def report_docx() -> bytes:
    return to_docx(["某局2021年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况",
                    HEADER, "四、政府信息公开行政复议、行政诉讼情况"], title="某局年报")


def test_merged_cells_repeat_their_text_in_every_slot(report_docx):
    doc = extract(report_docx, fmt="docx")
    assert doc.grids == [HEADER.grid()]
    grid = doc.grids[0]
    assert grid[0] == ["（本列数据的勾稽关系为）"] * 3 + ["申请人情况"] * 7
    assert grid[2][:4] == ["（本列数据的勾稽关系为）"] * 3 + ["自然人"]
    assert grid[5][:3] == ["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密"]
    assert doc.source_format == "docx" and doc.title == "某局年报"


def test_paragraphs_and_tables_keep_document_order(report_docx):
    lines = extract(report_docx, fmt="docx").text.split("\n")
    assert lines[0] == "某局2021年政府信息公开工作年度报告"
    assert lines[1] == "三、收到和处理政府信息公开申请情况"
    assert lines[5].split("\t")[-1] == "14"  # first data row of the table
    assert lines[-1] == "四、政府信息公开行政复议、行政诉讼情况"


def test_row_starting_late_keeps_columns_aligned():
    """gridBefore: a row that skips its first grid column (python-docx misaligns these)."""
    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate([["标签", "甲", "乙"], ["行一", "1", "2"], ["", "3", "4"]]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(0, 0).merge(table.cell(1, 0))  # vMerge down the first column
    last = table.rows[2]._tr
    last.remove(last.tc_lst[0])
    before = OxmlElement("w:gridBefore")
    before.set(qn("w:val"), "1")
    last.get_or_add_trPr().append(before)
    out = io.BytesIO()
    document.save(out)
    grid = extract(out.getvalue(), fmt="docx").grids[0]
    assert grid == [["标签\n行一", "甲", "乙"], ["标签\n行一", "1", "2"], ["", "3", "4"]]


def test_docx_named_pdf_is_read_as_docx(report_docx):
    fmt = sniff_format(report_docx, filename="年报.pdf")
    assert extract(report_docx, fmt=fmt, filename="年报.pdf").grids == [HEADER.grid()]


def test_zip_bomb_refused_before_inflating(report_docx):
    bomb = zip_bomb_docx(report_docx, 40 * 1024 * 1024)  # 40 MB of zeros in ~40 KB
    assert len(bomb) < 200_000
    with pytest.raises(UnreadableDocument, match="zip bomb"):
        extract(bomb, fmt="docx")


def test_decompressed_size_limit_is_configurable(report_docx, monkeypatch):
    monkeypatch.setattr(limits, "MAX_DECOMPRESSED_BYTES", 1024)
    with pytest.raises(UnreadableDocument, match="would decompress to"):
        extract(report_docx, fmt="docx")


def test_truncated_docx_is_unreadable(report_docx):
    with pytest.raises(UnreadableDocument, match="not a readable zip"):
        extract(report_docx[: len(report_docx) // 2], fmt="docx")


def test_docx_missing_its_document_part_is_unreadable(report_docx):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(report_docx)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                dst.writestr(info, src.read(info.filename))
    with pytest.raises(UnreadableDocument, match="DOCX cannot be opened"):
        extract(out.getvalue(), fmt="docx")

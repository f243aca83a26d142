"""OFD: `demo.ofd` writes the XML a Chinese OFD producer writes; the reader reads it back."""

import io
import zipfile

import pytest

from demo.documents import expand
from demo.ofd import LEFT, make_ofd, text_object
from parsers.errors import UnreadableDocument
from parsers.formats import extract, sniff_format
from tests.parsers.test_formats_docx import HEADER

ROWS = [[(f"第{i}街道", 1, 1), (str(i), 1, 1), (str(2 * i), 1, 1)] for i in range(6)]
HEAD = [[("街道", 2, 1), ("申请件数", 1, 2)], [("新收", 1, 1), ("办结", 1, 1)]]


@pytest.fixture(scope="module")
def report_ofd() -> bytes:
    return make_ofd([
        ["某局2021年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况", HEADER, "四、行政复议"],
        [expand(HEAD + ROWS[:3])],
        [expand(HEAD + ROWS[3:]), "五、存在的主要问题及改进情况"],
    ])


def test_ofd_is_sniffed_from_its_members(report_ofd):
    assert sniff_format(report_ofd, filename="年报.zip") == "ofd"


def test_ruled_table_with_merged_cells_is_rebuilt(report_ofd):
    doc = extract(report_ofd, fmt="ofd")
    assert doc.grids[0] == HEADER.grid()
    assert doc.title == "某局2021年政府信息公开工作年度报告" and doc.published == "2022-01-12"
    assert doc.pages == 3 and doc.source_format == "ofd"


def test_table_continued_on_next_page_is_joined_without_repeated_header(report_ofd):
    doc = extract(report_ofd, fmt="ofd")
    assert len(doc.grids) == 2
    assert doc.grids[1] == expand(HEAD + ROWS).grid()


def test_text_in_reading_order(report_ofd):
    lines = extract(report_ofd, fmt="ofd").text.split("\n")
    assert lines[:2] == ["某局2021年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况"]
    assert lines.index("四、行政复议") < lines.index("街道\t申请件数\t申请件数")
    assert lines[-1] == "五、存在的主要问题及改进情况"
    assert "- 1 -" not in lines  # page numbers are furniture


def test_unruled_rows_come_out_as_tab_separated_cells():
    body = make_ofd([["标题"]])
    extra = text_object(LEFT, 60, "行政许可", []) + text_object(LEFT + 60, 60, "12", []) + text_object(LEFT + 90, 60, "3", [])
    with zipfile.ZipFile(io.BytesIO(body)) as src:
        page = src.read("Doc_0/Pages/Page_0/Content.xml").decode().replace("</ofd:Layer>", extra + "</ofd:Layer>")
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as dst:
            for info in src.infolist():
                dst.writestr(info, page if info.filename.endswith("Content.xml") else src.read(info))
    assert "行政许可\t12\t3" in extract(out.getvalue(), fmt="ofd").text.split("\n")


def test_zip_bomb_inside_ofd_is_refused(report_ofd):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(report_ofd)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("Doc_0/Res/font.ttf", b"\0" * (40 * 1024 * 1024))
    with pytest.raises(UnreadableDocument, match="zip bomb"):
        extract(out.getvalue(), fmt="ofd")


def test_ofd_missing_its_document_is_unreadable(report_ofd):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(report_ofd)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename != "Doc_0/Document.xml":
                dst.writestr(info, src.read(info))
    with pytest.raises(UnreadableDocument, match="lacks Doc_0/Document.xml"):
        extract(out.getvalue(), fmt="ofd")

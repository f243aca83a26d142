"""DOC and WPS through LibreOffice: the merged table survives the conversion."""

import pytest

from demo.documents import to_docx
from parsers.errors import UnreadableDocument
from parsers.formats import extract, sniff_format
from parsers.formats.legacy_word import convert
from tests.parsers.test_formats_docx import HEADER


@pytest.fixture(scope="module")
def word97() -> bytes:
    """A Word 97-2003 file made by LibreOffice from a DOCX with merged cells (one run)."""
    source = to_docx(["某局2021年政府信息公开工作年度报告", HEADER, "五、存在的主要问题及改进情况"])
    return convert(source, source_suffix=".docx", target="doc")


def test_doc_is_sniffed_and_keeps_merged_cells(word97):
    assert sniff_format(word97, filename="附件1.doc") == "doc"
    assert sniff_format(word97) == "doc"  # the WordDocument stream, no name needed
    doc = extract(word97, fmt="doc")
    assert doc.source_format == "doc"
    assert doc.grids == [HEADER.grid()]
    assert doc.text.split("\n")[0] == "某局2021年政府信息公开工作年度报告"
    assert doc.text.split("\n")[-1] == "五、存在的主要问题及改进情况"


def test_wps_name_routes_through_the_same_conversion(word97):
    assert sniff_format(word97, filename="年报.wps") == "wps"
    doc = extract(word97, fmt="wps", filename="年报.wps")
    assert doc.source_format == "wps"
    assert doc.grids == [HEADER.grid()]


def test_damaged_doc_is_refused_before_libreoffice_reads_it_as_text():
    body = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00garbage" * 100
    with pytest.raises(UnreadableDocument, match="damaged DOC"):
        extract(body, fmt="doc")


def test_non_ole_bytes_named_doc_are_refused():
    with pytest.raises(UnreadableDocument, match="no OLE2"):
        extract(b"\x00\x01plain bytes", fmt="doc")

"""Format sniffing: the bytes decide before the name, the name before the Content-Type."""

import io
import zipfile

import pytest
from PIL import Image

from demo.documents import expand, to_docx, to_pdf
from parsers.formats import sniff_format

HTML_ERROR_PAGE = (
    "\ufeff  <!DOCTYPE html><html><head><title>404 页面不存在</title></head>"
    "<body>您访问的页面不存在</body></html>"
).encode()


@pytest.fixture(scope="module")
def small_docx() -> bytes:
    return to_docx(["正文", expand([[("a", 1, 1), ("b", 1, 1)]])])


def test_pdf_magic_wins_over_a_wrong_name():
    assert sniff_format(to_pdf(["正文"]), filename="report.docx") == "pdf"


def test_docx_named_pdf_is_docx(small_docx):
    assert sniff_format(small_docx, filename="report.pdf", content_type="application/pdf") == "docx"


def test_html_error_page_saved_as_pdf_is_html():
    assert sniff_format(HTML_ERROR_PAGE, filename="2021年报.pdf", content_type="application/pdf") == "html"


def test_zip_kinds_are_told_apart_by_members():
    def zipped(*names: str) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for name in names:
                z.writestr(name, "<x/>")
        return out.getvalue()

    assert sniff_format(zipped("[Content_Types].xml", "xl/workbook.xml")) == "xlsx"
    assert sniff_format(zipped("OFD.xml", "Doc_0/Document.xml"), filename="a.zip") == "ofd"
    assert sniff_format(zipped("报告.pdf")) == "zip"


def test_images_by_magic():
    out = io.BytesIO()
    Image.new("L", (8, 8), 255).save(out, format="PNG")
    assert sniff_format(out.getvalue(), filename="scan.pdf") == "image"
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="JPEG")
    assert sniff_format(out.getvalue()) == "image"


def test_ole_streams_name_the_legacy_kind():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100
    assert sniff_format(ole + "WordDocument".encode("utf-16-le")) == "doc"
    assert sniff_format(ole + "WordDocument".encode("utf-16-le"), filename="报告.WPS") == "wps"
    assert sniff_format(ole + "Workbook".encode("utf-16-le")) == "xls"


def test_without_magic_the_extension_then_the_content_type_decide():
    assert sniff_format(b"\x00\x01\x02binary", filename="a.doc") == "doc"
    assert sniff_format(b"\x00\x01\x02binary", content_type="application/msword; charset=x") == "doc"
    assert sniff_format("一、总体情况\n本年度".encode("gb18030")) == "text"
    assert sniff_format(b"\x00\x01\x02binary") == "unknown"


def test_zip_holding_one_document_is_that_document(small_docx):
    from parsers.formats import extract

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("附件/2021年报.docx", small_docx)
    doc = extract(out.getvalue(), fmt=sniff_format(out.getvalue()))
    assert doc.source_format == "docx" and doc.grids == [[["a", "b"]]]
    assert doc.warnings == ["read from zip member 附件/2021年报.docx"]


def test_unknown_bytes_are_unreadable_with_reason():
    from parsers.errors import UnreadableDocument
    from parsers.formats import extract

    with pytest.raises(UnreadableDocument, match="unsupported document format: unknown"):
        extract(b"\x00\x01\x02binary", fmt="unknown")

"""PDF: ruled tables (merged, split over pages), metadata, garbage fonts, bad files."""

import io

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from demo.documents import FONT, expand, to_pdf
from parsers.errors import UnreadableDocument
from parsers.formats import extract, limits, sniff_format
from parsers.formats.pdf import untrusted_text
from tests.parsers.test_formats_sniff import HTML_ERROR_PAGE

# A 2-row merged header over 60 rows: reportlab breaks it onto a second page and prints
# the header again there, as Word does with "repeat header rows".
LONG_TABLE = expand(
    [[("街道", 2, 1), ("申请件数", 1, 2)], [("新收", 1, 1), ("办结", 1, 1)]]
    + [[(f"第{i}街道", 1, 1), (str(i), 1, 1), (str(i * 2), 1, 1)] for i in range(60)]
)


@pytest.fixture(scope="module")
def split_table_pdf() -> bytes:
    return to_pdf(["某区2021年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况",
                   LONG_TABLE, "四、政府信息公开行政复议、行政诉讼情况"],
                  title="Microsoft Word - 某区2021年年报.docx", repeat_header=True)


def test_table_split_over_two_pages_is_one_grid_without_repeated_header(split_table_pdf):
    doc = extract(split_table_pdf, fmt="pdf")
    assert doc.pages == 2
    assert len(doc.grids) == 1
    assert doc.grids[0] == LONG_TABLE.grid()  # 2 header rows once, then all 60 rows
    assert doc.grids[0][0] == ["街道", "申请件数", "申请件数"]
    assert doc.grids[0][1] == ["街道", "新收", "办结"]
    assert doc.grids[0][-1] == ["第59街道", "59", "118"]


def test_text_keeps_paragraphs_around_the_table_in_order(split_table_pdf):
    lines = extract(split_table_pdf, fmt="pdf").text.split("\n")
    assert lines[:2] == ["某区2021年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况"]
    assert lines[2] == "街道\t申请件数\t申请件数"
    assert lines[-1] == "四、政府信息公开行政复议、行政诉讼情况"
    assert sum(1 for line in lines if line.startswith("街道")) == 2  # header once, not per page


def test_metadata_title_and_date(split_table_pdf):
    doc = extract(split_table_pdf, fmt="pdf")
    assert doc.title == "某区2021年年报"  # the Word export prefix and suffix removed
    assert doc.published is not None and len(doc.published) == 10


def _one_page(encrypt=None) -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, encrypt=encrypt)
    page.setFont(FONT, 14)
    page.drawString(72, 750, "某局2021年政府信息公开工作年度报告")
    page.save()
    return out.getvalue()


def test_password_protected_pdf_is_unreadable_with_reason():
    body = _one_page(StandardEncryption("user-secret", ownerPassword="owner-secret"))
    with pytest.raises(UnreadableDocument, match="password-protected"):
        extract(body, fmt="pdf")


def test_pdf_encrypted_only_against_editing_still_reads():
    body = _one_page(StandardEncryption("", ownerPassword="owner-secret", canModify=0))
    assert "政府信息公开工作年度报告" in extract(body, fmt="pdf").text


def test_truncated_pdf_is_unreadable_with_reason(split_table_pdf):
    with pytest.raises(UnreadableDocument, match="truncated PDF"):
        extract(split_table_pdf[: len(split_table_pdf) * 2 // 3], fmt="pdf")


def test_damaged_pdf_is_unreadable_not_a_crash():
    with pytest.raises(UnreadableDocument, match="damaged PDF"):
        extract(b"%PDF-1.7\n" + b"\x00garbage" * 200 + b"\n%%EOF\n", fmt="pdf")


def test_html_error_page_named_pdf_never_reaches_the_pdf_reader():
    assert sniff_format(HTML_ERROR_PAGE, filename="年报.pdf") == "html"
    with pytest.raises(ValueError, match="parse_html"):
        extract(HTML_ERROR_PAGE, fmt="html")


def test_page_limit(split_table_pdf, monkeypatch):
    monkeypatch.setattr(limits, "MAX_PAGES", 1)
    with pytest.raises(UnreadableDocument, match="2 pages"):
        extract(split_table_pdf, fmt="pdf")


def test_size_limit(split_table_pdf, monkeypatch):
    monkeypatch.setattr(limits, "MAX_BYTES", 1000)
    with pytest.raises(UnreadableDocument, match="too large"):
        extract(split_table_pdf, fmt="pdf")


def test_font_without_unicode_map_is_flagged_untrusted():
    """The CID font's encoding swapped for Identity-H: glyph codes no longer map to text."""
    body = to_pdf(["某局2021年政府信息公开工作年度报告", "本年度共收到申请十四件"])
    assert body.count(b"/UniGB-UCS2-H") == 1
    broken = body.replace(b"/UniGB-UCS2-H", b"/Identity-H  ")
    doc = extract(broken, fmt="pdf")
    assert any("page 1" in w and "untrusted" in w for w in doc.warnings)
    assert "(cid:" not in doc.text  # pdfium's reading replaced pdfminer's


def test_untrusted_text_detection():
    assert untrusted_text("(cid:123)(cid:456)(cid:789)政府")
    assert untrusted_text("\ue001\ue002\ue003\ue004年度")
    assert untrusted_text("ÄÅÆÇÈÉÊËÌÍ")
    assert untrusted_text("䏣㡄QOQP㩾䅍㪦钑㱻頚㬊㧮")  # CJK Extension A soup
    assert not untrusted_text("一、总体情况\n本年度收到申请14件，办结14件。")
    assert not untrusted_text("")

"""Scans: a PDF page without text layer and an image are OCR'd; suspect digits are listed."""

import io
from decimal import Decimal

import pypdfium2
import pytest
from reportlab.lib.pagesizes import A5
from reportlab.pdfgen import canvas

from parsers.formats import extract, sniff_format
from parsers.formats.ocr import suspect_ocr_cells, tsv_to_text
from parsers.model import Cell, Check, Report
from tests.test_formats_render import FONT


@pytest.fixture(scope="module")
def page_image():
    """A printed page (title, a table row with wide gaps) rendered to a bitmap, as a scanner would."""
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A5)
    page.setFont(FONT, 16)
    page.drawString(40, 520, "政府信息公开工作年度报告")
    page.setFont(FONT, 14)
    for x, text in [(40, "本年新收申请"), (220, "14"), (290, "6"), (350, "20")]:
        page.drawString(x, 470, text)
    page.save()
    pdf = pypdfium2.PdfDocument(out.getvalue())
    image = pdf[0].render(scale=200 / 72).to_pil().convert("L")
    pdf.close()
    return image


@pytest.fixture(scope="module")
def scanned_pdf(page_image) -> bytes:
    out = io.BytesIO()
    page_image.save(out, format="PDF", resolution=200)
    return out.getvalue()


def test_scanned_pdf_page_is_ocred_and_marked(scanned_pdf):
    assert sniff_format(scanned_pdf) == "pdf"
    doc = extract(scanned_pdf, fmt="pdf")
    assert doc.ocr is True
    assert any("page 1" in w and "OCR" in w for w in doc.warnings)
    lines = doc.text.split("\n")
    assert any("政府信息公开" in line for line in lines)
    row = next(line for line in lines if "申请" in line)
    assert row.split("\t")[1:] == ["14", "6", "20"]  # column gaps became tabs


def test_image_file_is_ocred(page_image):
    out = io.BytesIO()
    page_image.save(out, format="PNG")
    assert sniff_format(out.getvalue(), filename="scan.jpg") == "image"
    doc = extract(out.getvalue(), fmt="image")
    assert doc.ocr and doc.source_format == "image"
    assert "14" in doc.text


def test_tsv_layout_joins_cjk_and_splits_columns():
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    words = [("行", 10, 20), ("政", 32, 20), ("许可", 54, 40), ("12", 300, 24), ("3", 400, 12)]
    rows = [header] + [f"5\t1\t1\t1\t1\t{i}\t{x}\t5\t{w}\t20\t90\t{t}" for i, (t, x, w) in enumerate(words)]
    assert tsv_to_text("\n".join(rows)) == "行政许可\t12\t3"


def test_suspect_cells_come_from_failing_identities_and_lookalike_letters():
    cells = [
        Cell("requests", "new", "natural", 14, "14", ocr=True),
        Cell("requests", "new", "total", 19, "19", ocr=True),  # should be 14: a misread 4
        Cell("requests", "carried_over", "total", 0, "O", ocr=True),  # letter O read as 0
        Cell("active", "licensing", "decisions", 5, "5", ocr=True),
    ]
    report = Report(
        is_report=True, ocr=True, cells=cells,
        checks=[Check("row_total", "requests", Decimal(14), Decimal(19), False, row="new"),
                Check("row_total", "active", 5, 5, True, row="licensing")],
    )
    suspects = suspect_ocr_cells(report)
    assert len(suspects) == 3
    assert suspects[0].startswith("requests.carried_over.total: raw 'O'")
    assert {s.split(":")[0] for s in suspects[1:]} == {"requests.new.natural", "requests.new.total"}
    assert suspect_ocr_cells(Report(is_report=True, cells=cells[:2])) == []


def test_ocr_page_limit_refuses_before_running_tesseract(scanned_pdf, monkeypatch):
    from parsers.errors import UnreadableDocument
    from parsers.formats import limits

    monkeypatch.setattr(limits, "MAX_OCR_PAGES", 0)
    with pytest.raises(UnreadableDocument, match="pages to OCR"):
        extract(scanned_pdf, fmt="pdf")

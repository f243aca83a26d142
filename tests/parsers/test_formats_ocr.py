"""Scans: a PDF page without text layer and an image are OCR'd; suspect digits are listed."""

import io
from pathlib import Path

import pypdfium2
import pytest
from reportlab.lib.pagesizes import A5
from reportlab.pdfgen import canvas

from demo.documents import FONT
from parsers import parse_extracted
from parsers.formats import extract, sniff_format
from parsers.formats.ocr import suspect_ocr_cells, tsv_to_text
from parsers.model import Cell, Check, Extracted, Report


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
    parts = ("natural_person", "commercial", "research", "nonprofit", "legal_services", "other_org")
    cells = [Cell("requests", "received", col, 0, "0", ocr=True) for col in parts[1:]]
    cells += [
        Cell("requests", "received", "natural_person", 14, "14", ocr=True),
        Cell("requests", "received", "total", 19, "19", ocr=True),  # should be 14: a misread 4
        Cell("requests", "carried_over", "total", 0, "O", ocr=True),  # letter O read as 0
        Cell("appeals", "review", "total", 5, "5", ocr=True),
    ]
    report = Report(
        is_report=True, ocr=True, template="2021", cells=cells,
        checks=[Check("requests.row_total", "requests", 14, 19, False, row="received"),
                Check("appeals.row_total", "appeals", 5, 5, True, row="review")],
    )
    suspects = suspect_ocr_cells(report)
    # a lone failing check: each of its seven OCR'd operands may hold the wrong digit
    named = [s.split(":")[0].removeprefix("OCR suspect ") for s in suspects]
    assert sorted(named) == sorted(
        [f"requests.received.{col}" for col in (*parts, "total")] + ["requests.carried_over.total"]
    )
    assert "raw 'O' holds a letter read for a digit" in suspects[named.index("requests.carried_over.total")]
    assert "expected 14, got 19" in suspects[named.index("requests.received.total")]
    assert suspect_ocr_cells(Report(is_report=True, template="2021", cells=cells[:2])) == []


SEED_001 = Path(__file__).parents[1] / "fixtures" / "seeds" / "001_752a671dabfd990e.txt"


def ocr_reading_of_seed_001(old_row: str, misread_row: str):
    """Seed 001 (a 2021 report, pipe layout) as if tesseract had misread one row."""
    text = SEED_001.read_text("utf-8")
    assert old_row in text
    return parse_extracted(
        Extracted(text=text.replace(old_row, misread_row), source_format="image", ocr=True)
    )


def test_misread_figure_fails_both_its_checks_and_is_named_alone():
    # Seed 001 prints (一)予以公开 as 14 | 0 | 0 | 0 | 0 | 0 | 14; OCR reads the 14 as 11.
    report = ocr_reading_of_seed_001("(一)予以公开 | 14 |", "(一)予以公开 | 11 |")
    assert report.ocr and report.template == "2021"
    assert report.cells and all(cell.ocr for cell in report.cells)
    failed = {(c.check, c.row or c.col, c.expected, c.actual) for c in report.checks if not c.ok}
    assert failed == {
        ("requests.row_total", "granted", 11, 14),  # 11 + 0 * 5 against the printed 14
        ("requests.outcome_total", "natural_person", 11, 14),  # outcomes against (七)总计 14
    }
    suspects = [w for w in report.warnings if w.startswith("OCR suspect")]
    assert len(suspects) == 1  # the one cell where both failing checks cross
    assert suspects[0].startswith("OCR suspect requests.granted.natural_person: read '11'")
    assert report.to_json()["ocr"] is True


def test_illegible_ocr_figure_is_inferred_and_named():
    # (七)总计's 自然人 figure 14 read as "l4": not a figure, so the identities fill it in.
    report = ocr_reading_of_seed_001(
        "(七)总计 | 14 | 0 | 0 | 0 | 0 | 0 | 14 |", "(七)总计 | l4 | 0 | 0 | 0 | 0 | 0 | 14 |"
    )
    cell = next(
        c for c in report.cells if (c.table, c.row, c.col) == ("requests", "total_processed", "natural_person")
    )
    assert (cell.value, cell.inferred, cell.ocr) == (14, True, True)
    assert all(check.ok for check in report.checks)
    assert any(
        w.startswith("OCR suspect requests.total_processed.natural_person") and "inferred" in w
        for w in report.warnings
    )


def test_text_layer_reports_get_no_ocr_marks():
    report = parse_extracted(Extracted(text=SEED_001.read_text("utf-8"), source_format="pdf"))
    assert not report.ocr and report.cells and not any(cell.ocr for cell in report.cells)
    assert not any(w.startswith("OCR suspect") for w in report.warnings)


def test_ocr_page_limit_refuses_before_running_tesseract(scanned_pdf, monkeypatch):
    from parsers.errors import UnreadableDocument
    from parsers.formats import limits

    monkeypatch.setattr(limits, "MAX_OCR_PAGES", 0)
    with pytest.raises(UnreadableDocument, match="pages to OCR"):
        extract(scanned_pdf, fmt="pdf")

"""Pages per second for each attachment format, parsed whole by `parsers.parse_document`.

Every document holds the same report (seed 001, its tables in the template's shape), so
the figures compare formats, not contents. A page is a page of the PDF rendering of that
report (DOCX, DOC and spreadsheets have no pages of their own). The baseline is bare
pdfplumber text extraction of the same PDF in the same process: the PDF reader's ratio
to it is the cost of tables, page joining and garbage checks.

Run: .venv/bin/python benchmarks/parse_formats.py   (needs LibreOffice and tesseract)
"""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402
import pdfplumber  # noqa: E402
import pypdfium2  # noqa: E402

from demo.documents import Layout, seed_blocks, to_docx  # noqa: E402
from demo.ofd import make_ofd  # noqa: E402
from parsers import parse_document  # noqa: E402
from parsers.formats.legacy_word import convert  # noqa: E402

SEED_001 = next((ROOT / "tests" / "fixtures" / "seeds").glob("001_*.txt"))
MIN_SECONDS = 1.0  # repeat each format at least this long (one run for OCR)


def _documents() -> dict[str, tuple[bytes, int]]:
    """format -> (body, pages) for one rendering of seed 001 in each format."""
    blocks = seed_blocks(SEED_001.read_text(encoding="utf-8"))
    docx_body = to_docx(blocks)
    pdf_body = convert(docx_body, source_suffix=".docx", target="pdf")
    with pdfplumber.open(io.BytesIO(pdf_body)) as pdf:
        pages = len(pdf.pages)
    xlsx_body = _workbook([b for b in blocks if isinstance(b, Layout)])
    scan = _scanned_page(pdf_body)
    return {
        "pdf": (pdf_body, pages),
        "docx": (docx_body, pages),
        "doc": (convert(docx_body, source_suffix=".docx", target="doc"), pages),
        "ofd": (make_ofd([[b] for b in blocks if isinstance(b, Layout)]), 3),
        "xlsx": (xlsx_body, pages),
        "xls": (convert(xlsx_body, source_suffix=".xlsx", target="xls"), pages),
        "image": (scan, 1),
    }


def _workbook(layouts: list[Layout]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for index, layout in enumerate(layouts):
        sheet = book.create_sheet(f"表{index + 1}")
        for row in layout.matrix:
            sheet.append(row)
        for r0, c0, r1, c1 in layout.merges:
            sheet.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _scanned_page(pdf_body: bytes) -> bytes:
    """The PDF's second page (the request table) as a 200 dpi PNG, like a scanner's output."""
    pdf = pypdfium2.PdfDocument(pdf_body)
    image = pdf[1].render(scale=200 / 72).to_pil().convert("L")
    pdf.close()
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _rate(run: Callable[[], object], pages: int, once: bool = False) -> float:
    runs, start = 0, time.perf_counter()
    while True:
        run()
        runs += 1
        elapsed = time.perf_counter() - start
        if once or elapsed >= MIN_SECONDS:
            return runs * pages / elapsed


def format_rates() -> dict[str, float]:
    """Pages per second per format (reading, table normalization and checks), printed with
    the bare pdfplumber baseline."""
    documents = _documents()
    pdf_body, pdf_pages = documents["pdf"]

    def bare_pdfplumber() -> None:
        with pdfplumber.open(io.BytesIO(pdf_body)) as pdf:
            for page in pdf.pages:
                page.extract_text()

    baseline = _rate(bare_pdfplumber, pdf_pages)
    rates = {}
    for fmt, (body, pages) in documents.items():
        rates[fmt] = _rate(
            lambda body=body, fmt=fmt: parse_document(body, filename=f"report.{fmt}"),
            pages,
            once=fmt in ("image", "doc"),
        )
    print(f"{'format':<8}{'pages/s':>10}")
    for fmt, rate in rates.items():
        print(f"{fmt:<8}{rate:>10.2f}")
    print(f"baseline pdfplumber extract_text: {baseline:.2f} pages/s; "
          f"PDF reader at {baseline / rates['pdf']:.2f}x its time")
    return rates


if __name__ == "__main__":
    format_rates()

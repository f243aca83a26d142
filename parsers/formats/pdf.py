"""PDF: text and ruled tables with pdfplumber, pypdfium2 as the second opinion and renderer.

pdfplumber (MIT, on pdfminer.six) is the one maintained Python library that returns a
ruled table's cell boxes, which is what lets merged cells be expanded and a table cut by
a page break be re-joined. pdfminer maps some Chinese fonts to `(cid:NNN)` or nonsense;
PDFium (pypdfium2, Apache/BSD, already a pdfplumber dependency) decodes many of those
fonts, so such pages are re-read with it and flagged when still untrusted. PDFium also
opens the file first, because it reports encryption and damage precisely and fast, and it
renders pages without a text layer for OCR. PyMuPDF is AGPL and is not used.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pdfplumber
import pypdfium2

from parsers.errors import UnreadableDocument
from parsers.formats import limits, ocr, pdf_budget
from parsers.formats.pagination import Page, TableBlock, join_split_tables
from parsers.model import Extracted, Grid

_CID = re.compile(r"\(cid:\d+\)")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Private use, replacement and control characters, Latin-1 letters, and CJK Extension A
# (rare characters no report uses, but where a broken font's codes land in Unicode).
_SUSPECT = re.compile(r"[\ue000-\uf8ff\ufffd\x00-\x1f\x80-\u024f\u3400-\u4dbf]")
_MIN_TEXT_CHARS = 10  # fewer characters than this on a page with an image: a scan


def extract(body: bytes) -> Extracted:
    limits.check_size(body, "PDF")
    if b"%%EOF" not in body[-4096:]:
        raise UnreadableDocument(
            f"truncated PDF: no %%EOF marker at the end of its {len(body)} bytes"
        )
    pdfium_doc = _open_pdfium(body)
    try:
        limits.check_pages(len(pdfium_doc), "PDF")
        return _read(body, pdfium_doc)
    finally:
        pdfium_doc.close()


def _open_pdfium(body: bytes) -> pypdfium2.PdfDocument:
    try:
        return pypdfium2.PdfDocument(body)
    except pypdfium2.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise UnreadableDocument("password-protected PDF: it cannot be opened without a password") from exc
        raise UnreadableDocument(f"damaged PDF: {message}") from exc


def _read(body: bytes, pdfium_doc: pypdfium2.PdfDocument) -> Extracted:
    warnings: list[str] = []
    pages: list[Page] = []
    ocr_pages = 0
    try:
        plumber = pdfplumber.open(io.BytesIO(body))
    except Exception as exc:  # pdfminer raises many types on malformed files
        raise UnreadableDocument(f"damaged PDF: {type(exc).__name__}: {exc}") from exc
    with plumber:
        metadata = plumber.metadata or {}
        for index, page in enumerate(_plumber_pages(plumber)):
            pdf_budget.check_page(page, pdfium_doc[index], index + 1)
            try:
                result = _read_page(
                    page, index, pdfium_doc, warnings, may_ocr=ocr_pages < limits.MAX_OCR_PAGES
                )
            except UnreadableDocument:
                raise
            except Exception as exc:  # one broken page must not lose the others
                warnings.append(f"page {index + 1}: unreadable ({type(exc).__name__}: {exc})")
                result = Page()
            ocr_pages += result.ocr
            pages.append(result)
            page.close()
    blocks = join_split_tables(pages)
    text = "\n".join(
        b if isinstance(b, str) else "\n".join("\t".join(row) for row in b) for b in blocks
    )
    return Extracted(
        text=text.strip("\n"),
        grids=[b for b in blocks if not isinstance(b, str)],
        source_format="pdf",
        title=_clean_title(metadata.get("Title")),
        published=_pdf_date(metadata.get("CreationDate")),
        pages=len(pages),
        ocr=ocr_pages > 0,
        warnings=warnings,
    )


def _plumber_pages(plumber: pdfplumber.PDF) -> Iterator[Any]:
    """pdfplumber's pages, a page tree it cannot walk (no MediaBox, a broken Kids
    array) reported as the file's damage."""
    pages = iter(plumber.pages)
    while True:
        try:
            page = next(pages)
        except StopIteration:
            return
        except Exception as exc:
            raise UnreadableDocument(
                f"damaged PDF: its page tree cannot be read ({type(exc).__name__}: {exc})"
            ) from exc
        yield page


def _ocr_scale(page, index: int, warnings: list[str]) -> float:
    """The render scale for OCR: OCR_DPI, lowered for a page too big to render at it.

    Checked before rendering, as is every image on the page: PDFium decodes an image at
    its own size, and a page can be 200 inches square.
    """
    for image in page.images:
        width, height = image.get("srcsize") or (0, 0)
        limits.check_pixels(int(width), int(height), f"page {index + 1} image")
    scale = limits.OCR_DPI / 72
    pixels = page.width * scale * page.height * scale
    if pixels > limits.MAX_IMAGE_PIXELS:
        scale *= (limits.MAX_IMAGE_PIXELS / pixels) ** 0.5
        warnings.append(
            f"page {index + 1}: {page.width:.0f}x{page.height:.0f} pt page rendered for OCR at "
            f"{scale * 72:.0f} dpi to stay within {limits.MAX_IMAGE_PIXELS} pixels"
        )
    return scale


def _read_page(
    page, index: int, pdfium_doc: pypdfium2.PdfDocument, warnings: list[str], *, may_ocr: bool
) -> Page:
    raw_text = page.extract_text() or ""
    if len(raw_text.strip()) < _MIN_TEXT_CHARS and (page.images or not raw_text.strip()):
        if not page.images and not page.rects and not page.curves:
            return Page()  # a blank page
        if not may_ocr:
            raise UnreadableDocument(
                f"scanned PDF has more than {limits.MAX_OCR_PAGES} pages to OCR"
            )
        scale = _ocr_scale(page, index, warnings)
        image = pdfium_doc[index].render(scale=scale).to_pil()
        text = ocr.ocr_image(image, f"page {index + 1}")
        warnings.append(f"page {index + 1}: no text layer, read by OCR")
        return Page(blocks=[text], ocr=True)
    if untrusted_text(raw_text):
        retry = pdfium_doc[index].get_textpage().get_text_bounded()
        if untrusted_text(retry):
            warnings.append(
                f"page {index + 1}: text layer untrusted (fonts map to (cid:…) or garbage) "
                "even with pdfium"
            )
        else:
            warnings.append(
                f"page {index + 1}: pdfplumber text was garbage ((cid:…) glyphs); read with pdfium, tables as text"
            )
        return Page(blocks=[retry.replace("\r\n", "\n")])
    return Page(blocks=_page_blocks(page))


def untrusted_text(text: str) -> bool:
    """True when a text layer is mostly unmapped glyphs rather than readable text.

    pdfminer writes unmapped glyphs as `(cid:NNN)`; broken ToUnicode maps or encodings give
    private-use or control characters, Latin-1 letters, or rare CJK Extension A characters
    where a Chinese report has common ones.
    """
    stripped = re.sub(r"\s", "", text)
    if not stripped:
        return False
    cids = _CID.findall(stripped)
    if sum(map(len, cids)) > 0.2 * len(stripped):
        return True
    rest = _CID.sub("", stripped)
    if not rest:
        return True
    bad = sum(1 for ch in rest if _SUSPECT.match(ch))
    return bad > 0.2 * len(rest)


def _page_blocks(page) -> list[str | TableBlock]:
    """Text bands and tables of one page, top to bottom."""
    tables = [t for t in page.find_tables() if len(t.rows) >= 2 and len(t.rows[0].cells) >= 2]
    tables.sort(key=lambda t: t.bbox[1])
    x0, top, x1, bottom = page.bbox
    boxes = [t.bbox for t in tables]

    def outside_tables(obj) -> bool:
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)

    outside = page.filter(outside_tables)
    blocks: list[str | TableBlock] = []
    band_top = top
    for table in tables:
        blocks.append(_band_text(outside, (x0, band_top, x1, max(band_top, table.bbox[1]))))
        edges = sorted({c[0] for c in table.cells}) + [table.bbox[2]]
        blocks.append(TableBlock(table_grid(table), edges))
        band_top = min(max(band_top, table.bbox[3]), bottom)
    blocks.append(_band_text(outside, (x0, band_top, x1, bottom)))
    return [b for b in blocks if not isinstance(b, str) or b.strip()]


def _band_text(page, bbox: tuple[float, float, float, float]) -> str:
    if bbox[3] - bbox[1] <= 0:
        return ""
    return page.crop(bbox).extract_text() or ""


def table_grid(table) -> Grid:
    """A pdfplumber table as the grid it shows: a merged cell's text in every slot it covers.

    pdfplumber gives `None` for the slots a merged cell covers beyond its first; each such
    slot gets the text of the cell box that contains the slot's corner.
    """
    texts = table.extract()
    rows = table.rows
    xs = sorted({c[0] for c in table.cells})
    tops = sorted({c[1] for c in table.cells})
    text_of = {}
    for row, row_texts in zip(rows, texts, strict=True):
        for bbox, text in zip(row.cells, row_texts, strict=True):
            if bbox is not None:
                text_of[bbox] = _join_wrapped(text or "")
    grid: Grid = []
    for r, row in enumerate(rows):
        out = []
        for c, bbox in enumerate(row.cells):
            if bbox is None:
                bbox = _covering(table.cells, xs[c], tops[r])
            out.append(text_of.get(bbox, "") if bbox is not None else "")
        grid.append(out)
    return grid


def _covering(cells, x: float, y: float):
    eps = 0.5
    for cell in cells:
        if cell[0] - eps <= x < cell[2] - eps and cell[1] - eps <= y < cell[3] - eps:
            return cell
    return None


def _join_wrapped(text: str) -> str:
    """Undo a cell's line wrapping: CJK lines join directly, others with a space."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    out = ""
    for line in lines:
        if out and not (_CJK.match(out[-1]) or _CJK.match(line[0]) or out[-1] in "（(、，,"):
            out += " "
        out += line
    return out


def _clean_title(title: object) -> str | None:
    if not isinstance(title, str):
        return None
    title = re.sub(r"^Microsoft (Word|PowerPoint|Excel) - ", "", title.strip())
    title = re.sub(r"\.(docx?|wps|xlsx?|pdf)$", "", title, flags=re.IGNORECASE).strip()
    return title or None


def _pdf_date(value: object) -> str | None:
    """`D:20220112093000+08'00'` -> `2022-01-12`."""
    if not isinstance(value, str):
        return None
    match = re.match(r"(?:D:)?(\d{4})(\d{2})(\d{2})", value.strip())
    if not match:
        return None
    year, month, day = match.groups()
    if not ("01" <= month <= "12" and "01" <= day <= "31"):
        return None
    return f"{year}-{month}-{day}"

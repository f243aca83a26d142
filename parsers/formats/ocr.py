"""Scans: tesseract (Debian's chi_sim data) turns page images into text.

The tesseract CLI is used rather than a Python binding: it is what Debian ships and keeps
current, it needs nothing compiled into the virtualenv, and a subprocess can be given a
timeout. Its TSV output gives every word's box, so a table row comes back as cells
separated by tabs where the scan shows a column gap, the layout the text table reader
understands. OCR misreads digits; `suspect_ocr_cells` turns the report's failing
identities into a list of cells to check by eye (the report reader appends it to the
warnings of every OCR'd report).
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import statistics
import subprocess
from collections import defaultdict

from PIL import Image, UnidentifiedImageError

from parsers.checks import Slot, identities
from parsers.errors import UnreadableDocument
from parsers.formats import limits
from parsers.model import Extracted, Report

LANGUAGES = "chi_sim+eng"
PAGE_SEGMENTATION = "6"  # one uniform block: keeps each table row on one line
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
_DIGIT_LOOKALIKES = re.compile(r"[OoQDIlL|SsBZzGg]")


def extract_image(body: bytes) -> Extracted:
    """OCR an image file (every frame of a multi-page TIFF)."""
    try:
        image = Image.open(io.BytesIO(body))
        limits.check_pixels(image.width, image.height, "image")
        frames = getattr(image, "n_frames", 1)
        if frames > limits.MAX_OCR_PAGES:
            raise UnreadableDocument(f"image has {frames} frames (limit {limits.MAX_OCR_PAGES})")
        texts = []
        for frame in range(frames):
            image.seek(frame)
            texts.append(ocr_image(image.copy(), f"frame {frame + 1}"))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise UnreadableDocument(f"image cannot be decoded: {exc}") from exc
    return Extracted(
        text="\n".join(texts), source_format="image", pages=frames, ocr=True,
        warnings=["read by OCR: check digits against the image"],
    )


def ocr_image(image: Image.Image, what: str) -> str:
    """Text of one page image, table rows as tab-separated cells."""
    limits.check_pixels(image.width, image.height, what)
    if shutil.which("tesseract") is None:
        raise UnreadableDocument(f"{what} needs OCR but tesseract is not installed")
    png = io.BytesIO()
    image.convert("L").save(png, format="PNG")
    try:
        result = subprocess.run(
            ["tesseract", "stdin", "stdout", "-l", LANGUAGES, "--psm", PAGE_SEGMENTATION, "tsv"],
            input=png.getvalue(), capture_output=True, timeout=limits.OCR_TIMEOUT_S, check=False,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        )
    except subprocess.TimeoutExpired as exc:
        raise UnreadableDocument(f"OCR of {what} timed out after {limits.OCR_TIMEOUT_S}s") from exc
    if result.returncode != 0:
        raise UnreadableDocument(
            f"OCR of {what} failed: {result.stderr.decode('utf-8', 'replace').strip()[-300:]}"
        )
    return tsv_to_text(result.stdout.decode("utf-8", "replace"))


def tsv_to_text(tsv: str) -> str:
    """Lay tesseract's words out as lines; a wide gap between words becomes a tab.

    chi_sim reports each Chinese character as its own word, so words are joined without
    a space between CJK characters; a gap wider than the line's character height is a
    column boundary.
    """
    lines: dict[tuple[str, str, str], list[dict[str, str]]] = defaultdict(list)
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") == "5" and (row.get("text") or "").strip():
            lines[(row["block_num"], row["par_num"], row["line_num"])].append(row)
    out = []
    for words in lines.values():
        words.sort(key=lambda w: int(w["left"]))
        height = statistics.median(int(w["height"]) for w in words)
        text = ""
        previous_right = None
        for word in words:
            left, token = int(word["left"]), word["text"].strip()
            if previous_right is not None:
                gap = left - previous_right
                if gap > 1.2 * height:
                    text += "\t"
                elif not (_CJK.match(text[-1]) or _CJK.match(token[0])):
                    text += " "
            text += token
            previous_right = left + int(word["width"])
        out.append(text)
    return "\n".join(out)


def suspect_ocr_cells(report: Report) -> list[str]:
    """OCR'd cells worth checking against the scan, one warning each, likeliest first.

    A misread digit shows up as an identity that does not add up. Most cells are operands
    of two or three identities (their row total, their column's balance or outcome sum),
    so a misread breaks checks that cross at it: when some OCR'd cells sit in two or more
    failing checks only those are named, otherwise (a lone failing check) every OCR'd
    operand of a failing check is, since any of them may hold the wrong digit. Raw text holding letters tesseract confuses with digits (O/0, l/1, S/5,
    B/8...) is a suspect on its own, and so is a figure OCR could not read at all and the
    identities filled in (inferred): it may be right, but nobody has seen it printed.
    """
    ocr_cells = {(cell.table, cell.row, cell.col): cell for cell in report.cells if cell.ocr}
    reasons: dict[Slot, list[str]] = defaultdict(list)
    for slot, cell in ocr_cells.items():
        if cell.raw and _DIGIT_LOOKALIKES.search(cell.raw):
            reasons[slot].append(f"raw {cell.raw!r} holds a letter read for a digit?")
        if cell.inferred:
            reasons[slot].append(f"no figure read; {cell.value} inferred from the identities")
    failing = {
        (check.check, check.table, check.row, check.col): check
        for check in report.checks
        if not check.ok
    }
    in_failing: dict[Slot, int] = defaultdict(int)
    if failing and report.template in ("2019", "2021"):
        for identity in identities(report.template):
            check = failing.get((identity.check, identity.table, identity.row, identity.col))
            if check is None:
                continue
            along = f"row {check.row}" if check.row is not None else f"column {check.col}"
            for slot in dict.fromkeys((*identity.left, *identity.right)):
                if slot in ocr_cells:
                    in_failing[slot] += 1
                    reasons[slot].append(
                        f"in failing check {check.check} ({along}: expected {check.expected}, "
                        f"got {check.actual})"
                    )
    crossing = max(in_failing.values(), default=0) >= 2
    return [
        f"OCR suspect {'.'.join(slot)}: read {ocr_cells[slot].raw!r}; " + "; ".join(found)
        for slot, found in reasons.items()
        if not (crossing and in_failing[slot] == 1 and len(found) == 1)
    ]

"""Hostile documents: small files that cost a naive reader minutes or gigabytes.

Each generator builds one kind of bomb a portal could serve (by accident or not), so the
parser tests and `benchmarks/parser_bombs.py` exercise the limits of
`parsers/formats/limits.py` on the real shapes, and `mutations` turns any fixture
document into damaged copies (truncated, bit-flipped, zeroed) the way broken downloads
and broken storage damage files.
"""

from __future__ import annotations

import io
import random
import zipfile
import zlib
from collections.abc import Iterator

REPORT_TITLE = "某县2021年政府信息公开工作年度报告"


def span_bomb_html(cells: int = 250, rows: int = 200) -> bytes:
    """~9 KB of HTML whose table expands to cells x 200 columns by `rows` rows.

    Every cell stays within the 200-slot span a single cell may have; it is their
    product over the table that explodes (250 cells: 50,000 columns, 10 million slots).
    """
    first = "<tr>" + '<td colspan="200" rowspan="200">1</td>' * cells + "</tr>"
    body = f"<h1>{REPORT_TITLE}</h1><table>{first}{'<tr></tr>' * (rows - 1)}</table>"
    return f"<html><head><title>{REPORT_TITLE}</title></head><body>{body}</body></html>".encode()


def deep_nesting_html(depth: int = 100_000) -> bytes:
    """A page of `depth` nested <div>s (and tables inside them) around one report line."""
    inner = "<table><tr><td>" + REPORT_TITLE + "</td></tr></table>"
    return ("<html><body>" + "<div>" * depth + inner + "</div>" * depth + "</body></html>").encode()


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of `objects` (numbered from 1; object 1 is the catalog) with a valid xref."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _stream(dictionary: bytes, data: bytes, compress: bool = True) -> bytes:
    if compress:
        data = zlib.compress(data, 9)
        dictionary += b" /Filter /FlateDecode"
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def xobject_repeat_pdf(draws: int = 2000, glyphs: int = 1000) -> bytes:
    """One page that draws one form XObject `draws` times; the form shows `glyphs` letters.

    The file stays ~20 KB, but a reader that interprets every drawing of the form lays
    out draws x glyphs characters (2 million by default).
    """
    form = b"BT /F1 4 Tf 0 0 Td (" + b"x" * glyphs + b") Tj ET"
    page = b"".join(b"q 1 0 0 1 0 %d cm /X0 Do Q\n" % (i % 800) for i in range(draws))
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /XObject << /X0 5 0 R >> >> >>",
        _stream(b"", page),
        _stream(b"/Type /XObject /Subtype /Form /BBox [0 0 595 842]"
                b" /Resources << /Font << /F1 6 0 R >> >>", form),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def huge_image_pdf(width: int = 50_000, height: int = 50_000, page: int = 14_400) -> bytes:
    """One `page`-point square page showing one grey image declared width x height.

    The image data is a single compressed row and the file is under 1 KB, but a page
    without text is rendered for OCR: at 300 dpi a 200-inch page (the largest PDF
    allows) is a 60,000-pixel square bitmap, and the image is decoded at its own size.
    """
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R"
        b" /Resources << /XObject << /Im0 5 0 R >> >> >>" % (page, page),
        _stream(b"", b"q %d 0 0 %d 0 0 cm /Im0 Do Q" % (page, page)),
        _stream(b"/Type /XObject /Subtype /Image /Width %d /Height %d"
                b" /ColorSpace /DeviceGray /BitsPerComponent 8" % (width, height), b"\x80" * width),
    ])


def huge_sheet_xlsx(rows: int = 100, cols: int = 100, declared: str | None = "A1:XFD1048576") -> bytes:
    """An XLSX whose one sheet holds rows x cols numbers and declares the `declared` range.

    The sheet XML is written straight into the zip (no spreadsheet library), so a sheet of
    millions of cells costs its writer seconds, and its varied figures keep it under the compression-ratio limit.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"
        ))
        package.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ))
        package.writestr("xl/workbook.xml", (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
            ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="统计表" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ))
        package.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>"
        ))
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8"?>'
                        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            if declared:
                sheet.write(b'<dimension ref="%s"/>' % declared.encode())
            sheet.write(b"<sheetData>")
            for r in range(1, rows + 1):
                values = (((r * 7919 + c * 104729) * 2654435761) % 1000003 for c in range(cols))
                sheet.write(b'<row r="%d">' % r + b"".join(b'<c t="n"><v>%d</v></c>' % v for v in values) + b"</row>")
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def mutations(body: bytes, count: int, seed: int = 0) -> Iterator[tuple[str, bytes]]:
    """`count` damaged copies of `body`: (what was done, bytes), reproducible from `seed`."""
    rng = random.Random(seed)
    for _ in range(count):
        kind = rng.choice(("truncate", "flip", "zero"))
        if kind == "truncate":
            cut = rng.randrange(1, len(body))
            yield f"truncated to {cut} bytes", body[:cut]
        elif kind == "flip":
            damaged = bytearray(body)
            spots = [rng.randrange(len(body)) for _ in range(rng.randrange(1, 20))]
            for spot in spots:
                damaged[spot] ^= 1 << rng.randrange(8)
            yield f"bits flipped at {spots}", bytes(damaged)
        else:
            start, length = rng.randrange(len(body)), rng.randrange(1, 1025)
            damaged = bytearray(body)
            damaged[start:start + length] = bytes(len(damaged[start:start + length]))
            yield f"{length} bytes zeroed at {start}", bytes(damaged)

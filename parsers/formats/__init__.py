"""Format readers: any attachment a portal serves, reduced to `Extracted`.

`sniff_format` trusts the bytes before the name: portals serve DOCX files named .pdf,
HTML error pages saved as report.pdf and attachments with a generic content type, so
magic numbers decide first, the file extension second and the Content-Type header last.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import PurePosixPath

from parsers.errors import UnreadableDocument
from parsers.formats import limits
from parsers.model import Extracted

_EXTENSIONS = {
    ".html": "html", ".htm": "html", ".shtml": "html", ".xhtml": "html", ".jsp": "html",
    ".txt": "text", ".pdf": "pdf", ".docx": "docx", ".doc": "doc", ".wps": "wps",
    ".ofd": "ofd", ".xlsx": "xlsx", ".xls": "xls", ".et": "xls", ".zip": "zip",
    ".png": "image", ".jpg": "image", ".jpeg": "image", ".tif": "image", ".tiff": "image",
    ".bmp": "image", ".gif": "image",
}

_CONTENT_TYPES = {
    "text/html": "html", "application/xhtml+xml": "html", "text/plain": "text",
    "application/pdf": "pdf", "application/x-pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/msword": "doc", "application/vnd.ms-works": "wps", "application/wps-office.wps": "wps",
    "application/kswps": "wps", "application/ofd": "ofd",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-excel": "xls", "application/zip": "zip",
    "application/x-zip-compressed": "zip",
}

_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF8", b"BM")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_START = re.compile(
    rb"^(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|table|div|p|script|style)\b",
    re.IGNORECASE | re.DOTALL,
)


def sniff_format(body: bytes, filename: str | None = None, content_type: str | None = None) -> str:
    """The format of `body`: magic bytes first, then the file extension, then Content-Type.

    One of html, text, pdf, docx, doc, wps, ofd, xlsx, xls, zip, image, unknown.
    """
    by_magic = _sniff_magic(body, filename)
    if by_magic is not None:
        return by_magic
    if filename:
        ext = PurePosixPath(filename.split("?")[0].lower()).suffix
        if ext in _EXTENSIONS:
            return _EXTENSIONS[ext]
    if content_type:
        mime = content_type.split(";")[0].strip().lower()
        if mime in _CONTENT_TYPES:
            return _CONTENT_TYPES[mime]
    return "text" if _looks_like_text(body) else "unknown"


def _sniff_magic(body: bytes, filename: str | None) -> str | None:
    head = body[:1024]
    if b"%PDF-" in head:  # the spec tolerates junk before the header
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(body)
    if head.startswith(_OLE_MAGIC):
        return _sniff_ole(body, filename)
    if head.startswith(_IMAGE_MAGIC):
        return "image"
    if head.startswith(b"{\\rtf"):
        return "doc"  # RTF under a .doc name, as Word saves it
    text_head = head.lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")
    if _HTML_START.match(text_head) or b"<html" in head.lower():
        return "html"
    return None


def _sniff_zip(body: bytes) -> str:
    """Office Open XML and OFD are both zips; the member names tell them apart."""
    try:
        names = zipfile.ZipFile(io.BytesIO(body)).namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return "zip"  # damaged: `extract` says why
    if "OFD.xml" in names or "ofd.xml" in names:
        return "ofd"
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
    return "zip"


def _sniff_ole(body: bytes, filename: str | None) -> str:
    """Legacy Office files are OLE2 compound files; their stream names tell the kind.

    Directory entries store stream names in UTF-16LE, so a byte search finds them
    without a compound-file parser. Kingsoft WPS writes a WordDocument stream too, so
    only the .wps name separates it from DOC (LibreOffice reads both the same way).
    """
    if filename and filename.lower().endswith(".wps"):
        return "wps"
    if "WordDocument".encode("utf-16-le") in body:
        return "doc"
    if "Workbook".encode("utf-16-le") in body or "Book".encode("utf-16-le") in body:
        return "xls"
    if filename and filename.lower().endswith((".doc", ".xls", ".et")):
        return _EXTENSIONS[PurePosixPath(filename.lower()).suffix]
    return "unknown"


def _looks_like_text(body: bytes) -> bool:
    sample = body[:4096]
    if not sample.strip() or b"\x00" in sample:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            sample.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            if exc.start > len(sample) - 4:  # a character cut by the sample's end
                return True
    return False


def extract(body: bytes, *, fmt: str, filename: str | None = None) -> Extracted:
    """Read a binary document of format `fmt` (from `sniff_format`) into `Extracted`.

    Raises `UnreadableDocument` with the reason for anything that cannot be read. The
    readers turn the damage they know into precise reasons; whatever else a library
    raises on a malformed file (pdfminer, xlrd and python-docx raise TypeError,
    struct.error or AssertionError on broken structures) is still the file's damage,
    not a crash, and is reported as such in one line.
    """
    what = fmt.upper() if fmt != "unknown" else "file"
    limits.check_size(body, what, fmt)
    reader = _readers().get(fmt)
    if reader is None:
        if fmt in ("html",):
            raise ValueError("HTML is read by parsers.parse_html, not by a format reader")
        raise UnreadableDocument(f"unsupported document format: {fmt}")
    try:
        return reader(body, fmt, filename)
    except UnreadableDocument:
        raise
    except MemoryError as exc:
        raise UnreadableDocument(f"{what} reader ran out of memory") from exc
    except RecursionError as exc:
        raise UnreadableDocument(f"damaged {what}: structures nested too deeply") from exc
    except Exception as exc:
        raise UnreadableDocument(
            f"damaged {what}: {type(exc).__name__}: {str(exc)[:300]}"
        ) from exc


def _readers() -> dict[str, Callable[[bytes, str, str | None], Extracted]]:
    # Imported here so importing `parsers.formats` for sniffing stays cheap.
    from parsers.formats import docx, legacy_word, ocr, ofd, pdf, spreadsheet

    return {
        "pdf": lambda b, f, n: pdf.extract(b),
        "docx": lambda b, f, n: docx.extract(b),
        "doc": legacy_word.extract,
        "wps": legacy_word.extract,
        "ofd": lambda b, f, n: ofd.extract(b),
        "xlsx": lambda b, f, n: spreadsheet.extract(b, f),
        "xls": lambda b, f, n: spreadsheet.extract(b, f),
        "image": lambda b, f, n: ocr.extract_image(b),
        "text": lambda b, f, n: _extract_text(b),
        "zip": lambda b, f, n: _extract_zip(b),
    }


def _extract_text(body: bytes) -> Extracted:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return Extracted(text=body.decode(encoding), source_format="text")
        except UnicodeDecodeError:
            continue
    return Extracted(text=body.decode("gb18030", errors="replace"), source_format="text",
                     warnings=["text is neither UTF-8 nor GB18030; undecodable bytes replaced"])


def _extract_zip(body: bytes) -> Extracted:
    """A zip holding exactly one document is that document (portals zip attachments)."""
    archive = limits.open_zip(body, "zip archive")
    documents = [
        info for info in archive.infolist()
        if not info.is_dir() and PurePosixPath(info.filename.lower()).suffix in _EXTENSIONS
        and not info.filename.startswith("__MACOSX/")
    ]
    if len(documents) != 1:
        names = ", ".join(i.filename for i in archive.infolist()[:10])
        raise UnreadableDocument(
            f"zip archive holds {len(documents)} documents, expected exactly one ({names})"
        )
    name = documents[0].filename
    inner = limits.read_member(archive, name, "zip archive")
    fmt = sniff_format(inner, filename=name)
    if fmt in ("zip", "html", "unknown"):
        raise UnreadableDocument(f"zip archive member {name} is {fmt}, not a report document")
    doc = extract(inner, fmt=fmt, filename=name)
    doc.warnings.append(f"read from zip member {name}")
    return doc

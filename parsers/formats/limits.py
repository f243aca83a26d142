"""Every resource limit the format readers enforce, in one place.

The archive feeds these readers whatever a portal serves, so one hostile or broken file
(a zip bomb in a DOCX, a 5,000-page scan) must cost a bounded amount of memory and time
and end as `UnreadableDocument`, never as an exhausted worker. The constants are module
attributes so a deployment (or a test) can tighten or relax them in one assignment.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from parsers.errors import UnreadableDocument

MAX_BYTES = 64 * 1024 * 1024  # largest file accepted at all
# HTML and plain text cost far more per byte than a binary format (lxml, trafilatura and
# the table reader grow faster than linearly), and no report page comes near this.
MAX_BYTES_BY_FORMAT = {"html": 8 * 1024 * 1024, "text": 8 * 1024 * 1024}
MAX_PAGES = 400  # PDF / OFD pages read
MAX_OCR_PAGES = 40  # scanned pages OCR'd (each costs seconds)
MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024  # sum of declared sizes inside a zip container
MAX_MEMBER_BYTES = 128 * 1024 * 1024  # one member of a zip container
MAX_COMPRESSION_RATIO = 150  # declared size / compressed size, whole archive
MAX_ZIP_MEMBERS = 5000
MAX_IMAGE_PIXELS = 60_000_000  # an image (or rendered page) handed to OCR
MAX_PAGE_OBJECTS = 50_000  # objects one PDF page draws, forms' contents counted each time
MAX_PAGE_CHARS = 100_000  # characters on one PDF page
MAX_SHEET_CELLS = 200_000  # cells read from one spreadsheet (a report sheet has hundreds)
MAX_TABLE_CELLS = 100_000  # slots of one table's grid once its merged cells are expanded
MAX_SPAN = 200  # columns or rows one merged cell may cover
MAX_NESTING = 200  # element depth of an HTML page or an OFD/DOCX part
MAX_PATH_SEGMENTS = 5_000  # ruling-line segments on one OFD page
MAX_TEXT_RUNS = 50_000  # positioned text runs on one OFD page
CONVERT_TIMEOUT_S = 60  # one LibreOffice conversion
OCR_TIMEOUT_S = 120  # one tesseract run
OCR_DPI = 300  # rendering resolution of a scanned PDF page


def check_size(body: bytes | str, what: str, fmt: str | None = None) -> None:
    """Refuse a file too large to read in memory, or (`fmt`) too large for its format."""
    limit = MAX_BYTES_BY_FORMAT.get(fmt, MAX_BYTES) if fmt else MAX_BYTES
    if len(body) > limit:
        raise UnreadableDocument(f"{what} too large: {len(body)} bytes (limit {limit})")


def check_table(rows: int, cols: int, what: str) -> None:
    """Refuse a table whose expanded grid would be enormous (a span bomb)."""
    if rows * cols > MAX_TABLE_CELLS:
        raise UnreadableDocument(
            f"{what} expands to {rows}x{cols} cells (limit {MAX_TABLE_CELLS} cells)"
        )


def check_pages(count: int, what: str) -> None:
    """Refuse a document with more pages than a report ever has."""
    if count > MAX_PAGES:
        raise UnreadableDocument(f"{what} has {count} pages (limit {MAX_PAGES})")


def open_zip(body: bytes, what: str) -> zipfile.ZipFile:
    """Open a zip container after checking it cannot inflate beyond the limits.

    The check reads only the central directory's declared sizes. That suffices because
    `zipfile` never returns more than a member's declared size (a member that inflates
    further fails its CRC check instead), so the declared sizes bound what any reader
    built on `zipfile` (python-docx, openpyxl, ours) can be made to allocate.
    """
    check_size(body, what)
    try:
        archive = zipfile.ZipFile(io.BytesIO(body))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise UnreadableDocument(f"{what} is not a readable zip container: {exc}") from exc
    encrypted = next((m for m in members if m.flag_bits & 0x1), None)
    if encrypted is not None:
        raise UnreadableDocument(
            f"{what} is encrypted: member {encrypted.filename} needs a password"
        )
    if len(members) > MAX_ZIP_MEMBERS:
        raise UnreadableDocument(
            f"{what} holds {len(members)} zip members (limit {MAX_ZIP_MEMBERS})"
        )
    declared = sum(m.file_size for m in members)
    compressed = sum(m.compress_size for m in members)
    if declared > MAX_DECOMPRESSED_BYTES:
        raise UnreadableDocument(
            f"{what} would decompress to {declared} bytes (limit {MAX_DECOMPRESSED_BYTES}): "
            "zip bomb?"
        )
    biggest = max(members, key=lambda m: m.file_size, default=None)
    if biggest is not None and biggest.file_size > MAX_MEMBER_BYTES:
        raise UnreadableDocument(
            f"{what} member {biggest.filename} would decompress to {biggest.file_size} bytes "
            f"(limit {MAX_MEMBER_BYTES}): zip bomb?"
        )
    # Small archives may legitimately compress well (XML of a near-empty document), so the
    # ratio only matters once the inflated size is worth worrying about.
    if declared > 16 * 1024 * 1024 and declared > MAX_COMPRESSION_RATIO * max(compressed, 1):
        raise UnreadableDocument(
            f"{what} compression ratio {declared // max(compressed, 1)}:1 "
            f"(limit {MAX_COMPRESSION_RATIO}:1): zip bomb?"
        )
    return archive


def read_member(archive: zipfile.ZipFile, name: str, what: str) -> bytes:
    """One member's bytes, with a damaged member reported as unreadable, not a crash."""
    try:
        return archive.read(name)
    except KeyError as exc:
        raise UnreadableDocument(f"{what} lacks {name}") from exc
    except RuntimeError as exc:  # zipfile's "File ... is encrypted, password required"
        raise UnreadableDocument(f"{what} member {name} is encrypted: {exc}") from exc
    except NotImplementedError as exc:  # a compression method zipfile does not know
        raise UnreadableDocument(f"{what} member {name} is unreadable: {exc}") from exc
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
        raise UnreadableDocument(f"{what} member {name} is damaged: {exc}") from exc


def check_pixels(width: int, height: int, what: str) -> None:
    """Refuse an image whose decoded bitmap would be enormous (a decompression bomb)."""
    if width * height > MAX_IMAGE_PIXELS:
        raise UnreadableDocument(
            f"{what} is {width}x{height} pixels (limit {MAX_IMAGE_PIXELS} pixels)"
        )

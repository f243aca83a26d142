"""DOC (Word 97-2003) and WPS (Kingsoft): LibreOffice converts them to DOCX.

LibreOffice rather than antiword or catdoc: those print plain text only, so a table's
merged header cells and empty cells vanish into runs of spaces, while the statistics
tables are the point of these reports. antiword also stopped at Word 2003 and neither
reads Kingsoft WPS. LibreOffice's import filters keep the table structure (gridSpan,
vMerge) into DOCX, so one DOCX reader serves all three formats.

Each process gets its own LibreOffice profile (`-env:UserInstallation`): two soffice
instances sharing a profile block or fail, and workers and tests run in parallel.
Conversions within a process are serialised for the same reason.
"""

from __future__ import annotations

import atexit
import io
import os
import shutil
import signal
import struct
import subprocess
import tempfile
import threading
from pathlib import Path

from xlrd.compdoc import CompDoc, CompDocError

from parsers.errors import UnreadableDocument
from parsers.formats import docx, limits
from parsers.model import Extracted

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_lock = threading.Lock()
_profiles: dict[int, Path] = {}


def extract(body: bytes, fmt: str, filename: str | None = None) -> Extracted:
    """Read a DOC or WPS file through a LibreOffice conversion to DOCX."""
    limits.check_size(body, fmt.upper())
    _check_container(body, fmt)
    converted = convert(body, source_suffix=f".{fmt}", target="docx")
    doc = docx.extract(converted)
    doc.source_format = fmt
    return doc


def _check_container(body: bytes, fmt: str) -> None:
    """Refuse what is not a Word/WPS file before LibreOffice sees it.

    LibreOffice imports any file it does not recognise as plain text, so a damaged DOC
    would come back as pages of mojibake instead of an error. The OLE2 structure is
    checked with xlrd's compound-document reader (already a dependency for XLS).
    """
    if body.startswith(b"{\\rtf"):
        return  # RTF saved under a .doc name: LibreOffice reads it as Word does
    if not body.startswith(_OLE_MAGIC):
        raise UnreadableDocument(f"not a {fmt.upper()} file: no OLE2 compound-file header")
    try:
        streams = {entry.name for entry in CompDoc(body, logfile=io.StringIO()).dirlist}
    except (CompDocError, AssertionError, IndexError, ValueError, struct.error) as exc:
        raise UnreadableDocument(f"damaged {fmt.upper()} file: {exc}") from exc
    if fmt == "doc" and "WordDocument" not in streams:
        raise UnreadableDocument("DOC file holds no WordDocument stream")


def convert(body: bytes, *, source_suffix: str, target: str) -> bytes:
    """Convert a document with LibreOffice headless (`target`: docx, doc, pdf...)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise UnreadableDocument(
            f"{source_suffix} needs LibreOffice to convert, and soffice is not installed"
        )
    with _lock, tempfile.TemporaryDirectory(prefix="zfxxgk-convert-") as work:
        source = Path(work) / f"input{source_suffix}"
        source.write_bytes(body)
        outdir = Path(work) / "out"
        command = [
            soffice, f"-env:UserInstallation={_profile().as_uri()}", "--headless", "--norestore",
            "--nologo", "--nolockcheck", "--convert-to", target, "--outdir", str(outdir),
            str(source),
        ]
        # soffice is a launcher that starts soffice.bin: on a timeout the whole process
        # group is killed, or the converter would go on running (and holding the profile).
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env={**os.environ, "HOME": work}, start_new_session=True,
        )
        try:
            stdout, stderr = process.communicate(timeout=limits.CONVERT_TIMEOUT_S)
        except subprocess.TimeoutExpired as exc:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise UnreadableDocument(
                f"LibreOffice conversion of {source_suffix} timed out after "
                f"{limits.CONVERT_TIMEOUT_S}s"
            ) from exc
        finally:
            if process.poll() is None:  # interrupted while waiting: never leave it running
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        outputs = list(outdir.glob("*")) if outdir.exists() else []
        if process.returncode != 0 or not outputs:
            detail = (stderr or stdout).decode("utf-8", "replace").strip()[-300:]
            raise UnreadableDocument(
                f"LibreOffice could not read this {source_suffix} file"
                + (f": {detail}" if detail else "")
            )
        return outputs[0].read_bytes()


def _profile() -> Path:
    """This process's LibreOffice profile directory, removed when the process exits."""
    pid = os.getpid()
    if pid not in _profiles:
        path = Path(tempfile.mkdtemp(prefix=f"zfxxgk-lo-profile-{pid}-"))
        _profiles[pid] = path
        atexit.register(shutil.rmtree, path, True)
    return _profiles[pid]

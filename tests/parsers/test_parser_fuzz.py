"""Fuzzing `parse_document`: damaged fixture documents and random bytes under every name.

Whatever the bytes, the parser returns a `Report` or raises `UnreadableDocument` with a
one-line reason; no other exception, and no input costs more than the deadline. The
documents come from the fixture builders (the same ones the format tests use), damaged
the ways downloads and disks damage files: truncated, bits flipped, a range zeroed.
Examples are derandomized so a run is reproducible, and bounded so the whole module
runs in well under a minute.
"""

import io
from datetime import timedelta

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from demo import bombs
from demo.documents import expand, to_docx, to_pdf
from demo.ofd import make_ofd
from parsers import parse_document
from parsers.errors import UnreadableDocument
from parsers.formats import _EXTENSIONS
from parsers.formats.legacy_word import convert
from tests.support.seeds import seed_text

TITLE = "某县2021年政府信息公开工作年度报告"
TABLE = expand([[("项目", 2, 1), ("件数", 1, 2)], [("新收", 1, 1), ("办结", 1, 1)], [("申请", 1, 1), ("3", 1, 1), ("2", 1, 1)]])
FUZZ = settings(
    max_examples=25,
    deadline=timedelta(seconds=20),  # a bomb costs minutes; a damaged report well under a second
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["项目", "件数", None])
    book.active.append(["新收", 3, 2])
    book.active.merge_cells("B1:C1")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def documents() -> dict[str, bytes]:
    """One small report in each format, built by the fixture builders."""
    html = f"<html><head><title>{TITLE}</title></head><body><h1>{TITLE}</h1>" + "".join(
        f"<p>{line}</p>" for line in seed_text("001").splitlines()[:80]
    ) + "<table><tr><td rowspan=2>项目</td><td colspan=2>件数</td></tr></table></body></html>"
    xlsx = _xlsx()
    return {
        "html": html.encode("gb18030"),
        "pdf": to_pdf([TITLE, TABLE]),
        "docx": to_docx([TITLE, TABLE], title=TITLE),
        "ofd": make_ofd([[TITLE, TABLE]]),
        "xlsx": xlsx,
        "xls": convert(xlsx, source_suffix=".xlsx", target="xls"),
    }


def _damage(data: st.DataObject, body: bytes) -> bytes:
    kind = data.draw(st.sampled_from(["truncate", "flip", "zero"]))
    if kind == "truncate":
        return body[: data.draw(st.integers(1, len(body) - 1))]
    damaged = bytearray(body)
    if kind == "flip":
        for spot in data.draw(st.lists(st.integers(0, len(body) - 1), min_size=1, max_size=16)):
            damaged[spot] ^= 1 << data.draw(st.integers(0, 7))
        return bytes(damaged)
    start = data.draw(st.integers(0, len(body) - 1))
    length = data.draw(st.integers(1, 1024))
    damaged[start : start + length] = bytes(len(damaged[start : start + length]))
    return bytes(damaged)


def _parses_or_refuses(body: bytes, filename: str) -> None:
    try:
        report = parse_document(body, filename=filename)
    except UnreadableDocument as exc:
        assert exc.reason.strip() and "\n" not in exc.reason, exc.reason
        return
    assert report.source_format  # a Report, whatever it says


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx", "ofd", "xlsx", "xls"])
@FUZZ
@given(data=st.data())
def test_damaged_documents_parse_or_are_refused_with_a_reason(documents, fmt, data):
    _parses_or_refuses(_damage(data, documents[fmt]), f"report.{fmt}")


@FUZZ
@given(
    body=st.binary(min_size=0, max_size=4096),
    extension=st.sampled_from(sorted(_EXTENSIONS) + ["", ".bin"]),
)
def test_random_bytes_under_any_name_parse_or_are_refused(body, extension):
    _parses_or_refuses(body, f"report{extension}")


@FUZZ
@given(
    prefix=st.sampled_from([b"%PDF-1.7\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"<html>"]),
    body=st.binary(min_size=0, max_size=2048),
    extension=st.sampled_from([".pdf", ".docx", ".doc", ".xls", ".ofd", ".html"]),
)
def test_random_bytes_behind_a_format_signature_are_refused_or_parsed(prefix, body, extension):
    """Bytes that pass the sniffer's magic test reach the reader (LibreOffice included)."""
    _parses_or_refuses(prefix + body, f"report{extension}")


@pytest.mark.parametrize(
    "body",
    [
        bombs.span_bomb_html(),
        bombs.deep_nesting_html(),
        bombs.xobject_repeat_pdf(),
        bombs.huge_image_pdf(),
        bombs.huge_sheet_xlsx(rows=20, cols=20),
        bombs.unresolvable_mediabox_pdf(),
    ],
    ids=["span-bomb", "deep-nesting", "xobject-repeat", "huge-image", "huge-sheet", "bad-mediabox"],
)
@pytest.mark.parametrize("extension", [".html", ".pdf", ".xlsx", ".bin"])
def test_bombs_under_any_name_are_refused_or_parsed(body, extension):
    _parses_or_refuses(body, f"report{extension}")

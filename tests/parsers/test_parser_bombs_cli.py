"""Bombs and damaged files through `zfxxgk parse` and `zfxxgk ingest`, as users run them.

Each refused file costs one line naming it and the limit it hit: no traceback, no
library noise on stdout (where `parse` writes JSON lines), and the commands return.
"""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from demo import bombs
from demo.documents import expand
from demo.ofd import make_ofd
from parsers.formats.legacy_word import convert

pytestmark = pytest.mark.e2e

ZFXXGK = Path(sys.executable).parent / "zfxxgk"
TITLE = "某局2021年政府信息公开工作年度报告"

# file name -> what its one-line reason must say
REFUSED = {
    "span-bomb.html": "merged cells cover more than",
    "xobject-repeat.pdf": "shows up to",
    "huge-image.pdf": "50000x50000 pixels",
    "huge-sheet.xlsx": "declares 17179869184 cells",
    "looped.xls": "broken sector chain",
    "truncated.xls": "XLS cannot be opened",
    "inflate-error.ofd": "is damaged: Error -3",
    "encrypted.ofd": "is encrypted",
    "random.docx": "",
}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bombs")
    book = openpyxl.Workbook()
    book.active.append(["项目", "件数"])
    out = io.BytesIO()
    book.save(out)
    xls = convert(out.getvalue(), source_suffix=".xlsx", target="xls")
    ofd = make_ofd([[TITLE, expand([[("项目", 1, 1), ("件数", 1, 1)], [("新收", 1, 1), ("3", 1, 1)]])]])
    page = "Doc_0/Pages/Page_0/Content.xml"
    bodies = {
        "span-bomb.html": bombs.span_bomb_html(),
        "xobject-repeat.pdf": bombs.xobject_repeat_pdf(),
        "huge-image.pdf": bombs.huge_image_pdf(),
        "huge-sheet.xlsx": bombs.huge_sheet_xlsx(rows=20, cols=20),
        "looped.xls": bombs.looped_xls(xls),
        "truncated.xls": xls[:-100],
        "inflate-error.ofd": bombs.damage_member(ofd, page),
        "encrypted.ofd": bombs.damage_member(ofd, page, encrypted=True),
        "random.docx": random.Random(14).randbytes(3000),
        "deep-nesting.html": bombs.deep_nesting_html(),
    }
    paths = {}
    for name, body in bodies.items():
        paths[name] = folder / name
        paths[name].write_bytes(body)
    return paths


def _run(*args: str) -> subprocess.CompletedProcess:
    if not ZFXXGK.exists():
        pytest.fail(f"console script missing: {ZFXXGK} (run `make venv`)")
    # the timeout only guards the suite against a hang; the bombs take seconds
    return subprocess.run(
        [str(ZFXXGK), *args], capture_output=True, text=True, timeout=600, check=False
    )


def test_parse_prints_one_reason_line_per_refused_file(files):
    result = _run("parse", *(str(p) for p in files.values()))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = result.stderr.splitlines()
    assert len(errors) == len(REFUSED), result.stderr
    for line, (name, reason) in zip(errors, REFUSED.items(), strict=True):
        assert line.startswith(f"zfxxgk parse: {files[name]}: unreadable: "), line
        assert reason in line
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]  # JSON lines only
    assert record["file"] == str(files["deep-nesting.html"]) and record["is_report"] is False


def test_ingest_archives_every_refused_file_with_its_reason(files, tmp_path):
    result = _run("ingest", str(tmp_path / "archive.db"), *(str(p) for p in files.values()))
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(files), result.stdout
    for line, name in zip(lines, files, strict=True):
        assert line.startswith(f"{files[name]}: document "), line
        if name in REFUSED:
            assert "unreadable: " in line and REFUSED[name] in line, line

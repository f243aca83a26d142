"""Pre-2019 statistics tables in the archive: schema step v2 -> v3, storage, views, Datasette.

The expected rows are the statistics table of tests/fixtures/html/legacy_2012.html, read
by hand (统计指标 | 单位 | 统计数).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import sqlite_utils

from archive import Archive, blobs
from archive.migrations import migrate
from archive.schema import SCHEMA_VERSION
from parsers import PARSER_VERSION
from tests.support.archive import fetch

LEGACY_2012 = Path(__file__).parents[1] / "fixtures" / "html" / "legacy_2012.html"
LEGACY_URL = "http://127.0.0.9/xxgk/nb/2012.html"
EXPECTED_ROWS = [
    (0, "一、主动公开情况", None, None, None, "—"),
    (1, "一、主动公开情况 / (一)主动公开政府信息数", 1520, "1520", "条", "1520"),
    (2, "二、依申请公开情况", None, None, None, "—"),
    (3, "二、依申请公开情况 / (一)收到申请数", 12, "12", "件", "12"),
    (4, "二、依申请公开情况 / (一)收到申请数 / 1.当面申请数", 3, "3", "件", "3"),
    (5, "二、依申请公开情况 / (二)申请办结数", 12, "12", "件", "12"),
    (6, "二、依申请公开情况 / (二)申请办结数 / 1.按时办结数", 12, "12", "件", "12"),
    (7, "三、行政复议数量", 0, "0", "件", "0"),
    (8, "四、行政诉讼数量", 0, "0", "件", "0"),
]
COLUMNS = "position, label_path, value, value_exact, unit, raw_text"


def stored_rows(db: sqlite_utils.Database, report_id: int) -> list[tuple]:
    return db.execute(
        f"SELECT {COLUMNS} FROM report_legacy_statistics WHERE report_id = ? ORDER BY position",
        [report_id],
    ).fetchall()


def make_v2_archive(path: Path) -> None:
    """An archive as zfxxgk wrote it at schema version 2: the legacy page and one old parse."""
    db = sqlite_utils.Database(path)
    migrate(db, str(path), target=2)
    body = LEGACY_2012.read_bytes()
    sha = blobs.put(db, body)
    db["documents"].insert(
        {
            "id": 1,
            "url": LEGACY_URL,
            "kind": "report_page",
            "first_seen": "2013-04-01T00:00:00Z",
            "last_seen": "2013-04-01T00:00:00Z",
        }
    )
    db["versions"].insert(
        {
            "id": 1,
            "document_id": 1,
            "n": 1,
            "fetched_at": "2013-04-01T00:00:00Z",
            "sha256": sha,
            "fingerprint_kind": "raw",
            "fingerprint": sha,
            "content_type": "text/html; charset=utf-8",
            "size": len(body),
        }
    )
    db["reports"].insert(
        {
            "id": 1,
            "version_id": 1,
            "document_id": 1,
            "parser_version": "0.1.0+0123456789ab",
            "status": "ok",
            "is_report": 1,
            "template": "legacy",
            "year": 2012,
            "agency": "石门县人民政府",
            "n_values": 0,
            "checks_total": 0,
            "checks_failed": 0,
            "source_format": "html",  # a version 2 column
            "ocr": 0,
        }
    )
    db.execute("UPDATE documents SET current_version_id = 1")
    db.conn.commit()
    db.close()


def test_version_2_archive_migrates_and_reparse_fills_legacy_statistics(tmp_path):
    path = tmp_path / "v2.db"
    make_v2_archive(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (2,)
    assert SCHEMA_VERSION >= 3  # the version that added legacy statistics

    with Archive.open(path) as archive:
        assert archive.db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert list(archive.db["report_legacy_statistics"].columns_dict) == [
            "report_id", "position", "label_path", "value", "value_exact", "unit", "raw_text"
        ]
        old = archive.db["reports"].get(1)
        assert (old["agency"], old["source_format"], old["parser_version"]) == (
            "石门县人民政府", "html", "0.1.0+0123456789ab"
        )
        assert stored_rows(archive.db, 1) == []  # the old parse had none; nothing invented
        stats = archive.reparse()
        assert (stats.versions, stats.ok) == (1, 1)
        new_id = archive.db.execute(
            "SELECT id FROM reports WHERE parser_version = ?", [PARSER_VERSION]
        ).fetchone()[0]
        assert stored_rows(archive.db, new_id) == EXPECTED_ROWS
        view = archive.db.execute(
            "SELECT agency, year, label_path, value, unit FROM legacy_statistics "
            "WHERE position = 4"
        ).fetchall()
        assert view == [("石门县人民政府", 2012, EXPECTED_ROWS[4][1], 3, "件")]
        # never mapped onto the 2019/2021 keys
        assert archive.db.execute("SELECT count(*) FROM report_values").fetchone() == (0,)


def test_recorded_legacy_page_and_datasette_show_its_statistics(tmp_path):
    path = tmp_path / "archive.db"
    with Archive.open(path) as archive:
        outcome = archive.record(
            fetch(
                LEGACY_URL,
                "2013-04-01T00:00:00Z",
                LEGACY_2012.read_bytes(),
                headers={"content-type": "text/html; charset=utf-8"},
            )
        )
        assert stored_rows(archive.db, outcome.report_id) == EXPECTED_ROWS

    datasette = shutil.which("datasette", path=str(Path(sys.executable).parent))

    def get(url: str) -> object:
        done = subprocess.run(
            [datasette, str(path), "--get", url], capture_output=True, timeout=60, check=True
        )
        return json.loads(done.stdout)

    tables = get("/-/metadata.json")["databases"]["archive"]["tables"]
    assert "国办发〔2014〕32号" in tables["report_legacy_statistics"]["description"]
    assert "label_path" in tables["legacy_statistics"]["columns"]
    shown = get("/archive/legacy_statistics.json?_shape=array&_size=max")
    assert [(row["label_path"], row["value"]) for row in shown] == [
        (label, value) for _, label, value, *_ in EXPECTED_ROWS
    ]

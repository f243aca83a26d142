"""Schema versions: fresh archives, forward migration from v1, refusal of what we don't know."""

from __future__ import annotations

import sqlite3

import pytest
import sqlite_utils

from archive import Archive, ArchiveError
from archive.migrations import migrate
from archive.schema import APPLICATION_ID, SCHEMA_VERSION


def header(path) -> tuple[int, int, str]:
    conn = sqlite3.connect(path)
    try:
        return (
            conn.execute("PRAGMA application_id").fetchone()[0],
            conn.execute("PRAGMA user_version").fetchone()[0],
            conn.execute("PRAGMA journal_mode").fetchone()[0],
        )
    finally:
        conn.close()


def test_fresh_archive_records_identity_version_and_wal(tmp_path):
    path = tmp_path / "archive.db"
    Archive.open(path).close()
    assert header(path) == (APPLICATION_ID, SCHEMA_VERSION, "wal")


def test_version_1_archive_is_migrated_forward_with_its_data(tmp_path):
    path = tmp_path / "v1.db"
    db = sqlite_utils.Database(path)
    migrate(db, str(path), target=1)
    assert "ocr" not in db["reports"].columns_dict
    db["documents"].insert(
        {
            "id": 1,
            "url": "http://x/a.html",
            "kind": "report_page",
            "first_seen": "2020-01-01T00:00:00Z",
            "last_seen": "2020-01-01T00:00:00Z",
        }
    )
    db["blobs"].insert(
        {"sha256": "aa", "size": 1, "compression": "none", "stored_size": 1, "data": b"x"}
    )
    db["versions"].insert(
        {
            "id": 1,
            "document_id": 1,
            "n": 1,
            "fetched_at": "2020-01-01T00:00:00Z",
            "sha256": "aa",
            "fingerprint_kind": "raw",
            "fingerprint": "aa",
            "size": 1,
        }
    )
    db["reports"].insert(
        {
            "id": 1,
            "version_id": 1,
            "document_id": 1,
            "parser_version": "0.0.1",
            "status": "ok",
            "is_report": 1,
            "agency": "某某局",
            "year": 2019,
            "template": "2019",
            "n_values": 1,
            "checks_total": 0,
            "checks_failed": 0,
            "text": "某某局2019年政府信息公开工作年度报告",
        }
    )
    db["report_values"].insert(
        {
            "report_id": 1,
            "table_name": "requests",
            "row_key": "received",
            "col_key": "total",
            "value": 3,
            "value_exact": "3",
        }
    )
    db.execute("UPDATE documents SET current_version_id = 1")
    db.conn.commit()
    db.close()
    assert header(path)[1] == 1

    with Archive.open(path) as archive:
        assert header(path)[:2] == (APPLICATION_ID, SCHEMA_VERSION)
        assert archive.db["reports"].get(1)["ocr"] == 0
        assert archive.db["reports"].get(1)["source_format"] is None
        assert "ocr" in archive.db["report_values"].columns_dict
        latest = list(archive.latest_reports())
        assert [(r["agency"], r["year"]) for r in latest] == [("某某局", 2019)]
        hits = archive.db.execute(
            "SELECT rowid FROM reports_fts WHERE reports_fts MATCH '\"信息公开\"'"
        ).fetchall()
        assert hits == [(1,)]


def test_newer_archive_is_refused_untouched(tmp_path):
    path = tmp_path / "future.db"
    Archive.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(ArchiveError, match="newer than this zfxxgk"):
        Archive.open(path)
    assert path.read_bytes() == before


def test_foreign_database_is_refused_untouched(tmp_path):
    path = tmp_path / "cats.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE cats (name TEXT)")
    conn.execute("INSERT INTO cats VALUES ('Tom')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(ArchiveError, match="not a zfxxgk archive.*cats"):
        Archive.open(path)
    assert path.read_bytes() == before
    assert header(path) == (0, 0, "delete")


def test_other_applications_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 1234")
    conn.close()
    with pytest.raises(ArchiveError, match="another application"):
        Archive.open(path)


def test_a_file_that_is_not_sqlite_is_refused(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("这不是数据库 " * 100, encoding="utf-8")
    with pytest.raises(ArchiveError, match="cannot be opened as an archive"):
        Archive.open(path)

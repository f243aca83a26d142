"""An archive written by the previous release (schema 3, zfxxgk at commit 616a537) opens
with today's code: migrated forward in place, every view showing what it showed before,
every body still verifying, and new fetches recorded on top.

tests/fixtures/archive/release-616a537.db was built by that release's own code
(`Archive.record` at 616a537: a page revised once, its attachment, a report that went
404, a 304 and a timeout), not by today's."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections import Counter
from pathlib import Path

from archive import Archive, blobs
from archive.schema import SCHEMA_VERSION
from tests.support.archive import fetch, report_page

RELEASE = Path(__file__).parents[1] / "fixtures" / "archive" / "release-616a537.db"
OLD_VIEWS = ["current_reports", "report_candidates", "latest_reports", "headline_figures",
             "requests_wide", "failed_checks", "version_changes", "missing_reports",
             "report_values_labeled", "legacy_statistics", "report_sections"]  # fmt: skip


def view_rows(conn: sqlite3.Connection, name: str, columns: list[str] | None = None):
    cursor = conn.execute(f"SELECT * FROM [{name}]")
    names = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    if columns is not None:
        rows = [tuple(row[names.index(c)] for c in columns) for row in rows]
    return names, Counter(rows)


def test_previous_release_archive_migrates_and_shows_the_same(tmp_path):
    path = tmp_path / "archive.db"
    shutil.copy(RELEASE, path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (3,)
        before = {name: view_rows(conn, name) for name in OLD_VIEWS}
        history = conn.execute("SELECT version_id, values_changed FROM version_history").fetchall()
    assert sum(before["version_changes"][1].values()) > 0 and before["latest_reports"][1]

    with Archive.open(path) as archive:
        db = archive.db
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        for name, (columns, rows) in before.items():
            assert view_rows(db.conn, name, columns)[1] == rows, name
        assert sorted(
            db.execute("SELECT version_id, values_changed FROM version_history")
        ) == sorted(history)
        for sha, size, compression in db.execute(
            "SELECT sha256, size, compression FROM blobs"
        ).fetchall():
            body = blobs.get(db, sha)
            assert (hashlib.sha256(body).hexdigest(), len(body)) == (sha, size)
            assert compression in ("zlib", "none")  # stored by the old release, kept as is
        # Recording goes on over the migrated rows: a revision of the revised page.
        page = db.execute(
            "SELECT url FROM documents WHERE kind = 'report_page' AND portal_id = 'szs'"
        ).fetchone()[0]
        outcome = archive.record(
            fetch(page, "2026-05-01T00:00:00Z", report_page(received=16), portal_id="szs")
        )
        assert outcome.new_version
        received = db.execute(
            "SELECT 本年新收申请, 城市 FROM headline_figures WHERE report_id = ?",
            [outcome.report_id],
        ).fetchone()
        assert received == (16, "衡水市")
        changes = db.execute(
            "SELECT changes FROM version_history WHERE version_id = ?", [outcome.version_id]
        ).fetchone()[0]
        assert "requests.received.total: 15 → 16" in changes

"""kill -9 in the middle of ingesting: the file stays whole and keeps every acknowledged fetch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from archive import Archive

pytestmark = pytest.mark.e2e

# Ingests distinct report pages forever, printing each URL once record() has returned
# (i.e. once its transaction committed). Bodies are large so that the kill is likely to
# land while a transaction is being written.
INGEST_LOOP = textwrap.dedent(
    """
    import sys
    from archive import Archive
    from tests.support.archive import fetch, report_page

    padding = "<p>" + "政府信息公开" * 4000 + "</p>"
    with Archive.open(sys.argv[1]) as archive:
        n = 0
        while True:
            n += 1
            url = f"http://127.0.0.1/crash/{n}.html"
            body = report_page(received=n, visits=n).replace(b"</body>", padding.encode() + b"</body>")
            archive.record(fetch(url, f"2026-01-01T00:00:{n % 60:02d}Z", body))
            print(url, flush=True)
    """
)


def test_kill_9_mid_ingest_loses_nothing_acknowledged(tmp_path):
    db_path = tmp_path / "archive.db"
    process = subprocess.Popen(
        [sys.executable, "-c", INGEST_LOOP, str(db_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[2],  # so `tests.support.archive` imports
    )
    acknowledged = []
    try:
        while len(acknowledged) < 12:
            line = process.stdout.readline()
            if not line:
                raise AssertionError(process.stderr.read().decode())
            acknowledged.append(line.decode().strip())
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL

    with Archive.open(db_path) as archive:
        assert archive.db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = {
            row[0]: row[1]
            for row in archive.db.execute(
                "SELECT d.url, count(v.id) FROM documents d JOIN versions v "
                "ON v.document_id = d.id GROUP BY d.url"
            )
        }
        for url in acknowledged:
            assert stored.get(url) == 1, url
        # every stored document is complete: version, blob, fetch and report present
        incomplete = archive.db.execute(
            "SELECT count(*) FROM documents d LEFT JOIN versions v ON v.id = d.current_version_id "
            "LEFT JOIN blobs b ON b.sha256 = v.sha256 "
            "LEFT JOIN reports r ON r.version_id = v.id "
            "WHERE v.id IS NULL OR b.sha256 IS NULL OR r.id IS NULL"
        ).fetchone()[0]
        assert incomplete == 0


# Records 15 documents of its own and, every time, the same shared URL, with its own
# body; prints "done" at the end.
WRITER = textwrap.dedent(
    """
    import sys
    from archive import Archive
    from tests.support.archive import fetch, shenzhou_text

    name = sys.argv[2]
    with Archive.open(sys.argv[1]) as archive:
        for n in range(15):
            body = shenzhou_text(received_total=100 + n)
            archive.record(fetch(f"http://127.0.0.1/{name}/{n}.txt", f"2026-01-01T00:{n:02d}:00Z",
                                 body, filename="report.txt"))
            archive.record(fetch("http://127.0.0.1/shared.txt", f"2026-01-01T00:{n:02d}:01Z",
                                 body + name.encode(), filename="report.txt"))
    print("done")
    """
)


def test_concurrent_writers_wait_their_turn(tmp_path):
    db_path = tmp_path / "archive.db"
    Archive.open(db_path).close()  # created once, as the crawler does before its workers
    root = Path(__file__).resolve().parents[2]
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db_path), name],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for name in ("a", "b")
    ]
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert out.decode().strip() == "done", err.decode()[-2000:]
    with Archive.open(db_path) as archive:
        assert archive.db["documents"].count == 31
        shared = archive.db.execute(
            "SELECT count(*), max(n) FROM versions v JOIN documents d ON d.id = v.document_id "
            "WHERE d.url = 'http://127.0.0.1/shared.txt'"
        ).fetchone()
        assert shared == (30, 30)  # every distinct body a version, numbered without gaps
        assert archive.db["fetches"].count == 60

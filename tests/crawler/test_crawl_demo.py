"""`zfxxgk demo` on a fresh directory: serves the demo portals, crawls them, says how to browse."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from demo.families import FAMILIES
from demo.scenarios import demo
from tests.support.archive import free_port
from tests.support.crawl import query

pytestmark = pytest.mark.e2e

ZFXXGK = Path(sys.executable).with_name("zfxxgk")


def test_demo_command_crawls_every_family_into_the_archive(tmp_path):
    db = tmp_path / "archive.db"
    done = subprocess.run([str(ZFXXGK), "demo", "--db", str(db), "--port", str(free_port())], cwd=tmp_path,
                          capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert f"datasette {db}" in done.stdout and f"zfxxgk serve {db}" in done.stdout
    portals = demo()
    per_portal = dict(query(db, "SELECT portal_id, count(*) FROM documents "
                                "WHERE kind = 'report_page' GROUP BY 1"))
    assert per_portal == {p.content.id: len(p.expected_reports()) for p in portals}
    assert {p.family for p in portals} == set(FAMILIES)
    assert query(db, "SELECT count(*) FROM portals")[0][0] == len(portals)
    total = sum(per_portal.values())
    assert f"{total + 5} documents archived" in done.stdout  # report pages + 5 attachments
    # The demo portals are well-formed: a first look at the project shows no crawl errors.
    errors = query(db, "SELECT portal_id, json_extract(summary, '$.error_messages') "
                       "FROM run_portals WHERE json_extract(summary, '$.errors') > 0")
    assert errors == []


def test_demo_twice_archives_every_document_once(tmp_path):
    db, port = tmp_path / "archive.db", str(free_port())  # the default port may be taken here
    for _ in range(2):
        done = subprocess.run([str(ZFXXGK), "demo", "--db", str(db), "--port", port], cwd=tmp_path,
                              capture_output=True, text=True, timeout=180, check=False)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    (runs,) = query(db, "SELECT count(*) FROM crawl_runs")[0]
    assert runs == 3  # the first demo crawls twice (a report is revised), the second once
    urls = query(db, "SELECT count(*), count(DISTINCT url) FROM documents")[0]
    assert urls[0] == urls[1] == sum(len(p.expected_reports()) for p in demo()) + 5
    again = query(db, "SELECT count(*) FROM fetches WHERE run_id = 3 "
                      "AND outcome IN ('new_document', 'new_version')")
    assert again == [(0,)]

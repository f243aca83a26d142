"""Recording a fetch and reparsing a version touch a few rows by key, never a whole table.

Checked on the plans SQLite chooses for every statement those calls run: a `SCAN` of an
archive table (rather than a `SEARCH` through an index) would make each document cost
more as the archive grows.
"""

from __future__ import annotations

import re

from archive import Archive, reports, summaries
from archive.parse_stage import parse_body
from tests.archive.test_archive_stored_views import build
from tests.support.archive import PAGE_URL, fetch, report_page

# Scans that do not grow with the archive: the schema, one group's ranked rows, a constant.
FIXED_SIZE = re.compile(r"SCAN (sqlite_master|ranked|CONSTANT ROW|\(subquery-\d+\))$")


def statements_of(archive: Archive, work) -> list[str]:
    seen: list[str] = []
    archive.db.conn.set_trace_callback(seen.append)
    try:
        work()
    finally:
        archive.db.conn.set_trace_callback(None)
    return [
        s
        for s in dict.fromkeys(seen)
        if re.match(r"\s*(SELECT|INSERT|UPDATE|DELETE|WITH)", s, re.I)
    ]


def table_scans(archive: Archive, statements: list[str]) -> list[tuple[str, str]]:
    scans = []
    for statement in statements:
        for row in archive.db.execute("EXPLAIN QUERY PLAN " + statement):
            step = row[3]
            if step.startswith("SCAN") and "INDEX" not in step and not FIXED_SIZE.match(step):
                scans.append((step, " ".join(statement.split())[:200]))
    return scans


def test_record_and_reparse_search_by_key(tmp_path):
    with Archive.open(tmp_path / "a.db") as archive:
        build(archive)

        def record_all() -> None:
            page = report_page(received=15, visits=99)
            archive.record(fetch(PAGE_URL, "2026-04-01T00:00:00Z", page))  # unchanged text
            archive.record(fetch(PAGE_URL, "2026-04-02T00:00:00Z", page))  # identical bytes
            archive.record(fetch(PAGE_URL, "2026-04-03T00:00:00Z", report_page(received=16)))
            archive.record(fetch(PAGE_URL, "2026-04-04T00:00:00Z", status=304))
            archive.record(fetch(PAGE_URL, "2026-04-05T00:00:00Z", status=404))
            archive.record(fetch("http://127.0.0.1/new.txt", "2026-04-05T00:00:00Z", b"x"))
            archive.conditional_headers(PAGE_URL)

        recorded = statements_of(archive, record_all)
        version = next(archive.db.query("SELECT * FROM versions ORDER BY id DESC LIMIT 1"))

        def reparse_one() -> None:
            parsed = reports.parse_version(
                archive.db,
                version,
                lambda b, f, c, u: parse_body(b, filename=f, content_type=c, url=u),
            )
            reports.store_report(archive.db, version["id"], version["document_id"], parsed)
            summaries.refresh_document(archive.db, version["document_id"])

        reparsed = statements_of(archive, reparse_one)
        assert len(recorded) > 20 and len(reparsed) > 10  # the trace saw the work
        assert table_scans(archive, recorded + reparsed) == []

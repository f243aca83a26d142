"""Recording a fetch and reparsing a version touch a few rows by key, never a whole table.

Checked on the plans SQLite chooses for every statement those calls run: a `SCAN` of an
archive table (rather than a `SEARCH` through an index) would make each document cost
more as the archive grows.
"""

from __future__ import annotations

import dataclasses
import re

from archive import Archive, FetchRecord, reports, summaries
from archive.parse_stage import parse_body
from tests.archive.test_archive_stored_views import build
from tests.support.archive import PAGE_URL, fetch, report_page, shenzhou_text

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
            archive.upsert_portals([{"id": "szs", "name": "深州市人民政府", "city": "衡水"}])

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


def test_an_unchanged_registry_rewrites_no_stored_rows(tmp_path):
    with Archive.open(tmp_path / "a.db") as archive:
        build(archive)
        portal = archive.db["portals"].get("szs")
        statements = statements_of(archive, lambda: archive.upsert_portals([portal]))
        renamed = statements_of(
            archive, lambda: archive.upsert_portals([{**portal, "name": "深州市政府"}])
        )
        names = {row[0] for row in archive.db.execute("SELECT portal_name FROM report_index")}
    assert not [s for s in statements if "UPDATE report_index" in s]
    assert [s for s in renamed if "UPDATE report_index" in s]
    assert "深州市政府" in names


def vm_steps(archive: Archive, work) -> int:
    """SQLite virtual-machine steps `work` runs (counted in tens by a progress handler)."""
    steps = [0]

    def count() -> int:
        steps[0] += 10
        return 0

    archive.db.conn.set_progress_handler(count, 10)
    try:
        work()
    finally:
        archive.db.conn.set_progress_handler(None, 10)
    return steps[0]


def agency_report(n: int, year: int, *, received: int = 14) -> FetchRecord:
    url = f"http://127.0.0.1/p{n % 3}/{year}/{n}.txt"
    body = shenzhou_text(agency=f"深州市第{n}局", year=year, received_total=received)
    return fetch(url, f"2026-01-{1 + n % 28:02d}T00:00:00Z", body, filename="r.txt",
                 portal_id=f"p{n % 3}")  # fmt: skip


def test_a_fetch_costs_the_same_whatever_the_archive_holds(tmp_path):
    """New report, revision, unchanged re-fetch, 304 and 404 at two archive sizes: the
    SQLite steps per fetch must not grow with the reports already there (a statement
    that scans a table per document would make them grow with it)."""
    with Archive.open(tmp_path / "a.db") as archive:
        # FTS5 merges its index segments as they accumulate, in bursts whose work per
        # document grows with the logarithm of the documents indexed: that is the index's
        # design, and counted here it would measure where a burst fell. Without merges the
        # index's work per document is fixed, and every other statement is what is measured.
        archive.db.execute("INSERT INTO reports_fts (reports_fts, rank) VALUES ('automerge', 0)")
        archive.db.execute("INSERT INTO reports_fts (reports_fts, rank) VALUES ('crisismerge', 64)")
        archive.upsert_portals([{"id": f"p{p}", "name": f"门户{p}"} for p in range(3)])

        def steps_at(n: int) -> int:
            first = agency_report(n, 2021)
            archive.record(first)

            def work() -> None:
                archive.record_many([
                    agency_report(n + 1, 2021),  # a new document
                    agency_report(n, 2021, received=15),  # a revision
                    fetch(first.url, "2026-03-01T00:00:00Z", first.body + b" "),  # unchanged
                    fetch(first.url, "2026-03-02T00:00:00Z", status=304),
                    fetch(first.url, "2026-03-03T00:00:00Z", status=404),
                ])  # fmt: skip

            return vm_steps(archive, work)

        for n in range(0, 40, 2):
            archive.record_many([agency_report(n + 1000, year) for year in (2019, 2020)])
        small = steps_at(5000)
        for n in range(0, 160, 2):
            archive.record_many([agency_report(n + 2000, year) for year in (2019, 2020)])
        large = steps_at(6000)
        reports = archive.db.execute("SELECT count(*) FROM report_index").fetchone()[0]
    assert reports > 200
    assert large <= 1.02 * small, (small, large)


def test_record_many_is_record_fetch_by_fetch(tmp_path):
    """The same fetches, one by one and as one batch: the same outcomes and rows."""
    fetches = [
        agency_report(1, 2021),
        agency_report(1, 2021, received=15),  # the same URL revised within the batch
        agency_report(2, 2021),
        fetch(agency_report(2, 2021).url, "2026-03-01T00:00:00Z", status=404),
        dataclasses.replace(agency_report(3, 2021), fetch_uuid="u-3"),
        dataclasses.replace(agency_report(3, 2021), fetch_uuid="u-3"),  # delivered twice
    ]
    results = []
    for name, batched in (("one.db", False), ("many.db", True)):
        with Archive.open(tmp_path / name) as archive:
            if batched:
                outcomes = archive.record_many(fetches)
            else:
                outcomes = [archive.record(f) for f in fetches]
            rows = {
                table: archive.db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
                for table in ("documents", "versions", "report_index", "value_changes")
            }
            labels = archive.db.execute("SELECT outcome FROM fetches ORDER BY id").fetchall()
        results.append((outcomes, rows, labels))
    (one, one_rows, one_labels), (many, many_rows, many_labels) = results
    assert [(o.fetch_id, o.new_document, o.new_version, o.gone) for o in one] == [
        (o.fetch_id, o.new_document, o.new_version, o.gone) for o in many
    ]
    assert [label for (label,) in many_labels] == [
        "new_document", "new_version", "new_document", "gone", "new_document"
    ]  # the uuid's second delivery is no fetch of its own
    assert many[5] == many[4]
    assert one_rows == many_rows  # no row carries a clock of its own

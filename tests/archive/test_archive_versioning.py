"""Every versioning rule of Archive.record, on a real SQLite file."""

from __future__ import annotations

import pytest

from archive import Archive
from archive import documents as documents_module
from tests.support.archive import (
    PAGE_URL,
    SHENZHOU,
    fetch,
    report_page,
    shenzhou_text,
)

ATTACHMENT_URL = "http://127.0.0.1/szs/xxgk/2022/report.txt"


@pytest.fixture
def archive(tmp_path):
    with Archive.open(tmp_path / "archive.db") as opened:
        yield opened


def count(archive: Archive, table: str, where: str = "1", params=()) -> int:
    return archive.db.execute(f"SELECT count(*) FROM {table} WHERE {where}", params).fetchone()[0]


def document(archive: Archive, url: str) -> dict:
    return next(archive.db.query("SELECT * FROM documents WHERE url = ?", [url]))


def test_first_fetch_creates_document_version_and_report(archive):
    outcome = archive.record(
        fetch(
            PAGE_URL,
            "2026-01-01T00:00:00Z",
            report_page(),
            portal_id="hb-szs",
            referrer="http://127.0.0.1/szs/xxgk/",
            anchor_text="2021年年度报告",
            headers={"etag": '"v1"', "content-type": "text/html"},
        )
    )
    assert outcome.new_document and outcome.new_version and outcome.is_report
    doc = document(archive, PAGE_URL)
    assert doc["first_seen"] == doc["last_seen"] == "2026-01-01T00:00:00Z"
    assert doc["current_version_id"] == outcome.version_id
    assert (doc["portal_id"], doc["anchor_text"]) == ("hb-szs", "2021年年度报告")
    version = archive.db["versions"].get(outcome.version_id)
    assert (version["n"], version["fingerprint_kind"]) == (1, "text")
    report = archive.db["reports"].get(outcome.report_id)
    assert report["status"] == "ok" and report["year"] == 2021 and "深州" in report["agency"]
    received = archive.db.execute(
        "SELECT value FROM report_values WHERE report_id = ? AND table_name = 'requests' "
        "AND row_key = 'received' AND col_key = 'total'",
        [outcome.report_id],
    ).fetchone()
    assert received == (14,)


def test_page_chrome_changes_make_no_version_but_keep_the_bytes(archive):
    archive.record(fetch(PAGE_URL, "2026-01-01T00:00:00Z", report_page(visits=1)))
    again = archive.record(
        fetch(
            PAGE_URL, "2026-01-08T00:00:00Z", report_page(visits=5301, clock="2026-01-08 17:42:09")
        )
    )
    assert not again.new_version and again.version_id == 1
    assert count(archive, "versions") == 1
    assert document(archive, PAGE_URL)["last_seen"] == "2026-01-08T00:00:00Z"
    # both raw bodies are kept, and the second fetch points at its own bytes
    assert count(archive, "blobs") == 2
    shas = [row[0] for row in archive.db.execute("SELECT sha256 FROM fetches ORDER BY id")]
    assert shas[0] != shas[1]
    assert archive.db.execute("SELECT outcome FROM fetches WHERE id = 2").fetchone() == (
        "unchanged",
    )


def test_identical_bytes_add_only_a_fetch(archive):
    body = report_page()
    archive.record(fetch(PAGE_URL, "2026-01-01T00:00:00Z", body))
    before = archive.db.execute("SELECT sum(stored_size) FROM blobs").fetchone()[0]
    archive.record(fetch(PAGE_URL, "2026-01-02T00:00:00Z", body))
    assert count(archive, "versions") == 1 and count(archive, "blobs") == 1
    assert archive.db.execute("SELECT sum(stored_size) FROM blobs").fetchone()[0] == before
    assert count(archive, "fetches") == 2
    assert count(archive, "reports") == 1  # unchanged bytes are not even parsed again


def test_changed_report_body_is_a_new_version_with_its_changes(archive):
    archive.record(fetch(PAGE_URL, "2026-01-01T00:00:00Z", report_page(received=14)))
    revised = archive.record(fetch(PAGE_URL, "2026-03-01T00:00:00Z", report_page(received=15)))
    assert revised.new_version and not revised.new_document
    assert archive.db["versions"].get(revised.version_id)["n"] == 2
    assert document(archive, PAGE_URL)["current_version_id"] == revised.version_id
    changes = {
        (row["row_key"], row["col_key"]): (row["old_value"], row["new_value"])
        for row in archive.db.query(
            "SELECT * FROM version_changes WHERE version_id = ? AND table_name = 'requests'",
            [revised.version_id],
        )
    }
    assert changes[("received", "natural_person")] == (14, 15)
    assert changes[("received", "total")] == (14, 15)
    history = list(archive.db.query("SELECT * FROM version_history ORDER BY n"))
    assert [row["n"] for row in history] == [1, 2]
    assert history[1]["previous_fetched_at"] == "2026-01-01T00:00:00Z"
    assert "requests.received.total: 14 → 15" in history[1]["changes"]


def test_content_returning_to_an_earlier_state_is_a_new_version_sharing_its_blob(archive):
    archive.record(fetch(PAGE_URL, "2026-01-01T00:00:00Z", report_page(received=14)))
    archive.record(fetch(PAGE_URL, "2026-02-01T00:00:00Z", report_page(received=15)))
    back = archive.record(fetch(PAGE_URL, "2026-03-01T00:00:00Z", report_page(received=14)))
    assert back.new_version
    versions = list(archive.db.query("SELECT n, sha256 FROM versions ORDER BY n"))
    assert [v["n"] for v in versions] == [1, 2, 3]
    assert versions[0]["sha256"] == versions[2]["sha256"]
    assert count(archive, "blobs") == 2


def test_attachments_are_compared_byte_for_byte(archive):
    body = SHENZHOU.read_bytes()
    archive.record(fetch(ATTACHMENT_URL, "2026-01-01T00:00:00Z", body, kind="attachment"))
    same = archive.record(fetch(ATTACHMENT_URL, "2026-01-02T00:00:00Z", body, kind="attachment"))
    assert not same.new_version
    resaved = archive.record(
        fetch(ATTACHMENT_URL, "2026-01-03T00:00:00Z", body + b"\n", kind="attachment")
    )
    assert resaved.new_version
    kinds = [row[0] for row in archive.db.execute("SELECT fingerprint_kind FROM versions")]
    assert kinds == ["raw", "raw"]


def test_not_modified_moves_last_seen_only(archive):
    archive.record(fetch(PAGE_URL, "2026-01-01T00:00:00Z", report_page()))
    outcome = archive.record(fetch(PAGE_URL, "2026-02-01T00:00:00Z", status=304))
    assert not outcome.new_version and outcome.version_id == 1
    assert document(archive, PAGE_URL)["last_seen"] == "2026-02-01T00:00:00Z"
    assert archive.db.execute("SELECT outcome FROM fetches WHERE id = 2").fetchone() == (
        "not_modified",
    )


def test_gone_keeps_versions_and_a_return_is_logged(archive):
    archive.record(fetch(PAGE_URL, "2026-01-01T00:00:00Z", report_page()))
    gone = archive.record(fetch(PAGE_URL, "2026-02-01T00:00:00Z", status=404))
    assert gone.gone
    again = archive.record(fetch(PAGE_URL, "2026-02-08T00:00:00Z", status=410))
    assert not again.gone
    doc = document(archive, PAGE_URL)
    assert doc["gone_at"] == "2026-02-01T00:00:00Z"  # the first 404, not the last
    assert doc["current_version_id"] == 1 and count(archive, "versions") == 1
    assert PAGE_URL not in archive.known_urls(doc["portal_id"] or "")
    assert archive.conditional_headers(PAGE_URL) == {}
    # served again (unchanged): gone_at cleared, no version, the 404s stay in the log
    back = archive.record(fetch(PAGE_URL, "2026-03-01T00:00:00Z", report_page(visits=7)))
    assert not back.new_version
    assert document(archive, PAGE_URL)["gone_at"] is None
    outcomes = [row[0] for row in archive.db.execute("SELECT outcome FROM fetches ORDER BY id")]
    assert outcomes == ["new_document", "gone", "still_gone", "unchanged"]


def test_soft_404_marks_a_known_document_gone_and_creates_nothing_for_unknown(archive):
    archive.record(fetch(PAGE_URL, "2026-01-01T00:00:00Z", report_page()))
    not_found_page = "<html><body>对不起，您访问的页面不存在</body></html>".encode()
    soft = archive.record(
        fetch(
            PAGE_URL,
            "2026-02-01T00:00:00Z",
            not_found_page,
            soft_404=True,
            error="soft 404: 页面不存在",
        )
    )
    assert soft.gone and document(archive, PAGE_URL)["gone_at"] == "2026-02-01T00:00:00Z"
    unknown = archive.record(
        fetch(
            "http://127.0.0.1/nothing.html", "2026-02-01T00:00:00Z", not_found_page, soft_404=True
        )
    )
    assert unknown.document_id is None and count(archive, "documents") == 1
    assert count(archive, "versions") == 1  # the soft-404 page never became content


def test_errors_are_logged_without_touching_the_document(archive):
    archive.record(fetch(PAGE_URL, "2026-01-01T00:00:00Z", report_page()))
    before = document(archive, PAGE_URL)
    outcome = archive.record(
        fetch(PAGE_URL, "2026-02-01T00:00:00Z", status=None, error="TimeoutError: 30s")
    )
    server_error = archive.record(fetch(PAGE_URL, "2026-02-02T00:00:00Z", b"oops", status=503))
    assert outcome.document_id == before["id"] and not outcome.new_version
    assert not server_error.new_version
    assert document(archive, PAGE_URL) == before
    rows = list(archive.db.query("SELECT outcome, error, status FROM fetches WHERE id > 1"))
    assert rows == [
        {"outcome": "error", "error": "TimeoutError: 30s", "status": None},
        {"outcome": "error", "error": None, "status": 503},
    ]


def test_unreadable_and_crashing_documents_keep_their_bytes(archive, monkeypatch):
    truncated_pdf = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog"
    bad = archive.record(
        fetch(
            "http://127.0.0.1/report.pdf",
            "2026-01-01T00:00:00Z",
            truncated_pdf,
            kind="attachment",
            filename="report.pdf",
        )
    )
    report = archive.db["reports"].get(bad.report_id)
    assert report["status"] == "unreadable" and report["reason"]
    assert archive.db["versions"].get(bad.version_id)["fingerprint_kind"] == "raw"

    def parser_bug(*args, **kwargs):
        raise IndexError("list index out of range")

    monkeypatch.setattr("parsers.parse_document", parser_bug, raising=False)
    crash = archive.record(fetch("http://127.0.0.1/other.html", "2026-01-01T00:00:00Z", b"<p>x"))
    report = archive.db["reports"].get(crash.report_id)
    assert (report["status"], report["reason"]) == (
        "parse_error",
        "IndexError: list index out of range",
    )
    from archive import blobs

    assert blobs.get(archive.db, archive.db["versions"].get(crash.version_id)["sha256"]) == b"<p>x"
    assert (
        blobs.get(archive.db, archive.db["versions"].get(bad.version_id)["sha256"]) == truncated_pdf
    )


def test_text_fingerprints_are_compared_under_the_same_parser(archive):
    archive.record(fetch(PAGE_URL, "2026-01-01T00:00:00Z", report_page(visits=1)))
    # Pretend version 1 was parsed by an older parser whose extracted text differed.
    archive.db.execute("UPDATE reports SET parser_version = 'old', text_sha256 = 'different'")
    archive.db.conn.commit()
    again = archive.record(fetch(PAGE_URL, "2026-01-02T00:00:00Z", report_page(visits=2)))
    assert not again.new_version
    parsers_of_v1 = [
        row[0]
        for row in archive.db.execute(
            "SELECT parser_version FROM reports WHERE version_id = 1 ORDER BY id"
        )
    ]
    assert parsers_of_v1[0] == "old" and len(parsers_of_v1) == 2  # re-read, old parse kept


def test_metadata_accumulates_and_attachments_link_to_their_page(archive):
    archive.record(
        fetch(
            PAGE_URL,
            "2026-01-01T00:00:00Z",
            report_page(),
            referrer="http://a/list.html",
            redirected_from=["http://127.0.0.1/old.html"],
        )
    )
    archive.record(
        fetch(
            PAGE_URL,
            "2026-01-02T00:00:00Z",
            report_page(),
            referrer="http://b/other.html",
            redirected_from=["http://127.0.0.1/older.html"],
        )
    )
    doc = document(archive, PAGE_URL)
    assert doc["referrer"] == "http://a/list.html"
    assert doc["redirected_from"] == '["http://127.0.0.1/old.html", "http://127.0.0.1/older.html"]'
    child = archive.record(
        fetch(
            ATTACHMENT_URL,
            "2026-01-02T00:00:00Z",
            SHENZHOU.read_bytes(),
            kind="attachment",
            parent_url=PAGE_URL,
        )
    )
    assert document(archive, ATTACHMENT_URL)["parent_document_id"] == doc["id"]
    assert child.new_document


def test_conditional_headers_come_from_the_last_good_response(archive):
    assert archive.conditional_headers(PAGE_URL) == {}
    archive.record(
        fetch(
            PAGE_URL,
            "2026-01-01T00:00:00Z",
            report_page(),
            headers={"etag": '"abc"', "last-modified": "Fri, 01 Jan 2026 00:00:00 GMT"},
        )
    )
    archive.record(fetch(PAGE_URL, "2026-01-02T00:00:00Z", status=None, error="timeout"))
    assert archive.conditional_headers(PAGE_URL) == {
        "If-None-Match": '"abc"',
        "If-Modified-Since": "Fri, 01 Jan 2026 00:00:00 GMT",
    }
    archive.record(fetch(PAGE_URL, "2026-01-03T00:00:00Z", status=304, headers={"etag": '"def"'}))
    assert archive.conditional_headers(PAGE_URL)["If-None-Match"] == '"def"'


def test_a_failing_apply_keeps_the_stored_fetch_and_nothing_half_written(archive, monkeypatch):
    """Store first: the body and its fetch row survive; the version write is all or nothing."""
    archive.record(fetch(PAGE_URL, "2026-01-01T00:00:00Z", report_page(received=14),
                         headers={"etag": '"first"'}))
    before = {table: count(archive, table) for table in ("fetches", "versions", "blobs", "reports")}

    def disk_full(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(documents_module, "create_version", disk_full)
    with pytest.raises(OSError):
        archive.record(fetch(PAGE_URL, "2026-02-01T00:00:00Z", report_page(received=15),
                             headers={"etag": '"second"'}))
    after = {table: count(archive, table) for table in before}
    assert after == {**before, "fetches": before["fetches"] + 1, "blobs": before["blobs"] + 1}
    (outcome,) = archive.db.execute("SELECT outcome FROM fetches WHERE fetched_at = '2026-02-01T00:00:00Z'").fetchone()
    assert outcome == "pending"
    assert document(archive, PAGE_URL)["last_seen"] == "2026-01-01T00:00:00Z"
    # A pending fetch lends no validators: the next request cannot get a 304 for bytes the
    # archive never applied.
    assert archive.conditional_headers(PAGE_URL) == {"If-None-Match": '"first"'}


def test_one_report_per_agency_and_year_prefers_the_fuller_source(archive):
    from tests.support.archive import shenzhou_without_tables

    archive.record(
        fetch(PAGE_URL, "2026-01-01T00:00:00Z", shenzhou_without_tables(), filename="report.txt")
    )
    archive.record(
        fetch(
            ATTACHMENT_URL,
            "2026-01-01T00:00:00Z",
            shenzhou_text(),
            kind="attachment",
            parent_url=PAGE_URL,
            filename="report.txt",
        )
    )
    candidates = list(
        archive.db.query("SELECT url, rank, sources, n_values FROM report_candidates ORDER BY rank")
    )
    assert [c["url"] for c in candidates] == [ATTACHMENT_URL, PAGE_URL]
    assert candidates[0]["n_values"] > candidates[1]["n_values"]
    latest = list(archive.latest_reports())
    assert len(latest) == 1
    assert (latest[0]["url"], latest[0]["sources"]) == (ATTACHMENT_URL, 2)


def test_crawl_runs_and_portal_registry(archive):
    archive.upsert_portals(
        [
            {
                "id": "hb-szs",
                "name": "深州市人民政府",
                "province": "河北省",
                "city": "衡水市",
                "level": "county",
                "parent_id": "hb-hs",
            }
        ]
    )
    archive.upsert_portals([{"id": "hb-szs", "name": "深州市人民政府门户网站"}])
    portal = archive.db["portals"].get("hb-szs")
    assert (portal["name"], portal["province"], portal["parent_id"]) == (
        "深州市人民政府门户网站",
        "河北省",
        "hb-hs",
    )  # updated, other fields kept
    run_id = archive.start_run("portals", {"DOWNLOAD_DELAY": 2})
    archive.record(
        fetch(PAGE_URL, "2026-01-01T00:00:00Z", report_page(), run_id=run_id, portal_id="hb-szs")
    )
    assert archive.known_urls("hb-szs") == {PAGE_URL}
    archive.finish_run(run_id, {"pages": 1}, [{"portal_id": "hb-szs", "documents": 1}])
    run = archive.db["crawl_runs"].get(run_id)
    assert run["finished_at"] and run["settings"] == '{"DOWNLOAD_DELAY": 2}'
    assert run["stats"] == '{"pages": 1}'
    summary = next(archive.db.query("SELECT * FROM run_portals"))
    assert (summary["portal_id"], summary["summary"]) == (
        "hb-szs",
        '{"documents": 1, "portal_id": "hb-szs"}',
    )
    assert next(archive.db.query("SELECT run_id FROM fetches"))["run_id"] == run_id

"""The views read stored tables kept by each write; they must show exactly what the
previous release's views computed from the base tables, row for row, whatever happened:
new documents, revisions, a page and its attachment, gone documents, registry changes,
and a reparse by a new parser version that changes figures."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from archive import Archive
from archive import reparse as reparse_module
from archive import reports as reports_module
from archive.parse_stage import Parsed, parse_body
from tests.support.archive import (
    KAIYUAN,
    PAGE_URL,
    fetch,
    report_page,
    shenzhou_text,
    shenzhou_without_tables,
)
from tests.support.legacy_views import VIEWS as OLD_VIEWS
from tests.support.legacy_views import create_old_views

ATTACHMENT_URL = "http://127.0.0.1/szs/xxgk/2022/report.txt"
KAIYUAN_URL = "http://127.0.0.1/ky/2022/report.txt"
FAILING_URL = "http://127.0.0.1/szs/2023/report.txt"
OTHER_YEAR_URL = "http://127.0.0.1/szs/2020/report.txt"


def assert_views_agree(archive: Archive) -> dict[str, int]:
    """Every view equals its old definition on the same data; returns row counts."""
    create_old_views(archive.db)
    counts = {}
    for name in OLD_VIEWS:  # the reader views added since have no old definition
        old = archive.db.execute(f"SELECT * FROM old_{name}")
        columns = [d[0] for d in old.description]
        old_rows = Counter(old.fetchall())
        names = ", ".join(f"[{c}]" for c in columns)
        new_rows = Counter(archive.db.execute(
            f"SELECT {names} FROM [{name}]").fetchall())
        if name == "version_history":  # the changed cells' order within the text may differ
            old_rows, new_rows = (
                Counter(_sorted_changes(row, columns) for row in rows.elements())
                for rows in (old_rows, new_rows)
            )
        assert new_rows == old_rows, name
        counts[name] = sum(new_rows.values())
    ordered = ("latest_reports", "headline_figures", "failed_checks", "missing_reports")
    for name in ordered:  # the views' ORDER BY keys come out in the same order
        key = {"headline_figures": "机关, 年度", "failed_checks": "agency, year"}.get(
            name, "agency, year"
        )
        new = archive.db.execute(f"SELECT {key} FROM {name}").fetchall()
        old = archive.db.execute(f"SELECT {key} FROM old_{name}").fetchall()
        assert new == old, name
    return counts


def _sorted_changes(row: tuple, columns: list[str]) -> tuple:
    index = columns.index("changes")
    changes = row[index]
    if changes:
        changes = "; ".join(sorted(changes.split("; ")))
    return row[:index] + (changes,) + row[index + 1 :]


def build(archive: Archive) -> None:
    archive.upsert_portals(
        [
            {"id": "szs", "name": "深州市", "region_code": "131182", "level": "county",
             "url": "http://127.0.0.1/szs/", "province": "", "city": "衡水市"},
            {"id": "ky", "name": "开原市", "region_code": "211282", "level": "county",
             "url": "http://127.0.0.1/ky/", "province": "辽宁省", "city": "铁岭市"},
        ]
    )  # fmt: skip
    run = archive.start_run("test", {})
    # A page, then its fuller attachment for the same agency and year (ranked 2 sources).
    archive.record(
        fetch(PAGE_URL, "2026-01-01T00:00:00Z", shenzhou_without_tables(), filename="r.txt",
              portal_id="szs", run_id=run)
    )  # fmt: skip
    archive.record(
        fetch(ATTACHMENT_URL, "2026-01-01T00:01:00Z", shenzhou_text(), kind="attachment",
              parent_url=PAGE_URL, filename="report.txt", portal_id="szs")
    )  # fmt: skip
    archive.record(
        fetch(KAIYUAN_URL, "2026-01-01T00:02:00Z", KAIYUAN.read_bytes(), filename="r.txt",
              portal_id="ky")
    )  # fmt: skip
    # Another year, with a sum that does not add up, and a year with a gap (missing).
    archive.record(
        fetch(FAILING_URL, "2026-01-01T00:03:00Z", shenzhou_text(year=2023, received_total=99),
              filename="r.txt", portal_id="szs")
    )  # fmt: skip
    archive.record(
        fetch(OTHER_YEAR_URL, "2026-01-01T00:04:00Z", shenzhou_text(year=2019), filename="r.txt")
    )
    # The page is revised (now carries the full report), re-fetched unchanged, 304.
    archive.record(fetch(PAGE_URL, "2026-02-01T00:00:00Z", report_page(received=15)))
    archive.record(fetch(PAGE_URL, "2026-02-02T00:00:00Z", report_page(received=15, visits=9)))
    archive.record(fetch(PAGE_URL, "2026-02-03T00:00:00Z", status=304))
    # The attachment's figures are revised; the 开原 report disappears.
    archive.record(
        fetch(ATTACHMENT_URL, "2026-02-01T00:01:00Z", shenzhou_text(received_total=20),
              kind="attachment", filename="report.txt")
    )  # fmt: skip
    archive.record(fetch(KAIYUAN_URL, "2026-03-01T00:00:00Z", status=404))
    archive.record(fetch(KAIYUAN_URL, "2026-03-02T00:00:00Z", status=404))
    archive.record(fetch("http://127.0.0.1/nowhere", "2026-03-02T00:00:00Z", status=404))
    archive.record(fetch(FAILING_URL, "2026-03-02T00:00:00Z", status=None, error="timeout"))
    # The registry learns a province and a new name.
    archive.upsert_portals([{"id": "szs", "name": "深州市人民政府", "province": "河北省"}])


def test_stored_views_agree_with_the_old_views_after_records(tmp_path):
    with Archive.open(tmp_path / "a.db") as archive:
        build(archive)
        counts = assert_views_agree(archive)
        names = {row[0] for row in archive.db.execute("SELECT portal_name FROM latest_reports")}
    # 深州 2021 (page and attachment: the page's 200 cells win), 2023, 2019 (no portal), 开原.
    assert counts["latest_reports"] == 4
    assert counts["report_candidates"] == 5
    # 2023: received 99 ≠ 14 (row total and balance), and the narrative check (text says 14)
    assert counts["failed_checks"] == 3
    assert counts["version_changes"] > 1  # the page gained its tables; the attachment 14 → 20
    assert counts["missing_reports"] == 3  # 开原 2023, 深州 without portal 2021 and 2023
    assert names == {"深州市人民政府", "开原市", None}  # the registry's new name reached the rows


class BumpedParser(Archive):
    """A new parser version that reads every 本年新收 total one higher."""

    def _parse(self, body, filename, content_type, url) -> Parsed:
        parsed = parse_body(body, filename=filename, content_type=content_type, url=url)
        report = parsed.report
        if report is None or "requests" not in report.tables:
            return parsed
        tables = {t: {r: dict(c) for r, c in rows.items()} for t, rows in report.tables.items()}
        received = tables["requests"].get("received", {})
        if received.get("total") is not None:
            received["total"] += 1
        return dataclasses.replace(parsed, report=dataclasses.replace(report, tables=tables))


def test_stored_views_agree_after_a_reparse_by_a_new_parser_version(tmp_path, monkeypatch):
    path = tmp_path / "a.db"
    with Archive.open(path) as archive:
        build(archive)
        before = {
            row[0]: row[1]
            for row in archive.db.execute("SELECT 机关 || 年度, 本年新收申请 FROM headline_figures")
        }
    monkeypatch.setattr(reports_module, "PARSER_VERSION", "999")
    monkeypatch.setattr(reparse_module, "PARSER_VERSION", "999")
    with BumpedParser.open(path) as archive:
        stats = archive.reparse()
        assert stats.versions == archive.db.execute("SELECT count(*) FROM versions").fetchone()[0]
        assert_views_agree(archive)
        after = {
            row[0]: row[1]
            for row in archive.db.execute("SELECT 机关 || 年度, 本年新收申请 FROM headline_figures")
        }
        parsers = {
            row[0] for row in archive.db.execute("SELECT parser_version FROM latest_reports")
        }
    assert parsers == {"999"}
    assert after == {key: value + 1 for key, value in before.items() if value is not None} | {
        key: None for key, value in before.items() if value is None
    }


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT * FROM latest_reports LIMIT 101",
        "SELECT * FROM headline_figures LIMIT 101",
        "SELECT * FROM failed_checks LIMIT 101",
        "SELECT * FROM requests_wide LIMIT 101",
        "SELECT * FROM missing_reports WHERE year = 2023 LIMIT 101",
    ],
)
def test_first_pages_read_indexes_without_sorting_the_archive(tmp_path, statement):
    with Archive.open(tmp_path / "a.db") as archive:
        build(archive)
        plan = " / ".join(row[3] for row in archive.db.execute("EXPLAIN QUERY PLAN " + statement))
    assert "USE TEMP B-TREE FOR ORDER BY" not in plan.replace("RIGHT PART OF ORDER BY", ""), plan
    assert "SCAN report_values" not in plan and "SCAN reports" not in plan, plan

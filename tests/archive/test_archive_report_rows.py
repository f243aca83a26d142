"""The rows a parsed report becomes: values, checks and sections as the parser gave them.

These rows are written in bulk (one executemany per table, see archive.store); the tests
check that every figure keeps its type (counts integer, fees real with their exact
digits, blanks NULL, never 0) and its provenance. Figures read by hand from
tests/fixtures/archive/report_page.html: 14 applications, all from natural persons and
all granted; fees 180.338174 万元; 行政复议 2 upheld, total 2.
"""

from __future__ import annotations

import pytest

from archive import Archive
from parsers import parse_document, parse_html
from tests.support.archive import PAGE_URL, fetch, report_page, shenzhou_text

COERCION_ROW = '<tr><td>行政强制</td><td colspan="3">0</td></tr>'


@pytest.fixture
def stored(tmp_path):
    """The report page with its 行政强制 figure printed as "/", archived once."""
    body = report_page(received=14).replace(
        COERCION_ROW.encode(), COERCION_ROW.replace(">0<", ">/<").encode()
    )
    assert body != report_page(received=14)
    with Archive.open(tmp_path / "archive.db") as archive:
        outcome = archive.record(fetch(PAGE_URL, "2026-11-23T10:00:00Z", body))
        yield archive, outcome.report_id, parse_html(body, url=PAGE_URL)


def value_row(archive: Archive, report_id: int, table: str, row: str, col: str) -> tuple:
    return archive.db.execute(
        "SELECT value, typeof(value), value_exact, raw_text, inferred FROM report_values "
        "WHERE report_id = ? AND table_name = ? AND row_key = ? AND col_key = ?",
        [report_id, table, row, col],
    ).fetchone()


def test_hand_checked_figures_keep_their_types(stored):
    archive, report_id, _ = stored
    assert value_row(archive, report_id, "requests", "received", "natural_person") == (
        14, "integer", "14", "14", 0
    )
    assert value_row(archive, report_id, "requests", "granted", "total") == (
        14, "integer", "14", "14", 0
    )
    fee = value_row(archive, report_id, "active", "fees", "amount_10k_yuan")
    assert fee[1:4] == ("real", "180.338174", "180.338174")
    assert fee[0] == pytest.approx(180.338174)
    assert value_row(archive, report_id, "appeals", "review", "upheld")[:2] == (2, "integer")
    assert value_row(archive, report_id, "appeals", "review", "total")[:2] == (2, "integer")


def test_a_slash_is_stored_as_null_with_its_raw_text(stored):
    archive, report_id, report = stored
    blanks = [
        (table, row, col)
        for table, rows in report.tables.items()
        for row, cols in rows.items()
        for col, value in cols.items()
        if value is None and any(
            c.raw == "/" for c in report.cells if (c.table, c.row, c.col) == (table, row, col)
        )
    ]
    assert len(blanks) == 1  # the 行政强制 figure, and only it
    assert value_row(archive, report_id, *blanks[0])[:4] == (None, "null", None, "/")


def test_every_canonical_key_is_one_row_with_the_parsers_value(stored):
    archive, report_id, report = stored
    rows = {
        (t, r, c): v
        for t, r, c, v in archive.db.execute(
            "SELECT table_name, row_key, col_key, value FROM report_values WHERE report_id = ?",
            [report_id],
        )
    }
    expected = {
        (table, row, col): (float(value) if value is not None else None)
        for table, table_rows in report.tables.items()
        for row, cols in table_rows.items()
        for col, value in cols.items()
    }
    assert len(expected) > 150
    assert rows == expected


def test_checks_are_stored_as_parsed(stored):
    archive, report_id, report = stored
    checks = archive.db.execute(
        "SELECT check_name, table_name, row_key, col_key, expected, actual, ok "
        "FROM report_checks WHERE report_id = ? ORDER BY id",
        [report_id],
    ).fetchall()
    assert checks == [
        (c.check, c.table, c.row, c.col, c.expected, c.actual, int(c.ok)) for c in report.checks
    ]
    assert len(checks) > 20
    failed = archive.db.execute(
        "SELECT checks_total, checks_failed FROM reports WHERE id = ?", [report_id]
    ).fetchone()
    assert failed == (len(checks), sum(not c.ok for c in report.checks))


def test_sections_are_stored_as_parsed(tmp_path):
    body = shenzhou_text()
    report = parse_document(body, filename="report.txt")
    with Archive.open(tmp_path / "archive.db") as archive:
        outcome = archive.record(
            fetch("file:///mail/report.txt", "2026-11-23T10:00:00Z", body, filename="report.txt")
        )
        sections = archive.db.execute(
            "SELECT section, heading, text FROM report_sections WHERE report_id = ? "
            "ORDER BY section",
            [outcome.report_id],
        ).fetchall()
    assert [(key, text) for key, _, text in sections] == sorted(report.sections.items())
    assert [key for key, _, _ in sections] == ["1", "2", "3", "4", "5", "6"]
    assert sections[0][1] == "一、总体情况"

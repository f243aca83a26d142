"""Store first, parse after: a parse that hangs, dies or hoards memory costs one report row."""

from __future__ import annotations

import pytest

from archive import Archive
from archive.parse_worker import BoundedParser, ParseLimits
from tests.support import bad_parsers
from tests.support.archive import PAGE_URL, fetch, report_page

pytestmark = pytest.mark.e2e  # parse worker processes

LIMITS = ParseLimits(seconds=3, memory=1024**3)


@pytest.fixture
def bounded():
    parser = BoundedParser(LIMITS, parse=bad_parsers.misbehaves_on_marker)
    yield parser
    parser.close()


def test_a_hanging_parse_is_killed_at_its_time_limit(bounded):
    parsed = bounded(b"HANG", "a.html", "text/html", None)
    assert (parsed.status, parsed.reason) == ("parse_error", "parse timed out after 3 s")


def test_a_dying_parse_is_reported_and_the_next_parse_gets_a_new_worker(bounded):
    parsed = bounded(b"DIE", "a.html", "text/html", None)
    assert parsed.status == "parse_error" and "died (signal 9" in parsed.reason
    assert bounded(report_page(), "a.html", "text/html; charset=utf-8", PAGE_URL).status == "ok"


def test_a_parse_over_its_memory_limit_fails_alone():
    # a generous clock: filling memory up to the limit takes seconds on a busy machine
    parser = BoundedParser(ParseLimits(seconds=60, memory=512 * 1024**2), parse=bad_parsers.hoards)
    try:
        parsed = parser(b"x", None, None, None)
    finally:
        parser.close()
    assert (parsed.status, parsed.reason) == ("parse_error", "parse exceeded its memory limit")


def test_the_archive_keeps_the_body_and_records_the_failed_parse_against_the_version(tmp_path):
    with Archive.open(tmp_path / "archive.db", parse_limits=LIMITS) as archive:
        archive._bounded = BoundedParser(LIMITS, parse=bad_parsers.misbehaves_on_marker)
        outcome = archive.record(fetch(PAGE_URL, "2026-01-01T00:00:00Z", b"<html>HANG</html>",
                                       headers={"content-type": "text/html"}))
        assert outcome.new_version
        row = archive.db.execute(
            "SELECT f.outcome, r.status, r.reason FROM fetches f JOIN reports r ON r.version_id = f.version_id"
        ).fetchone()
        assert row[:2] == ("new_document", "parse_error")
        assert "timed out" in str(row[2])
        blob = archive.db.execute("SELECT size FROM blobs").fetchone()
        assert blob == (len(b"<html>HANG</html>"),)

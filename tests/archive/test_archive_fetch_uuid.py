"""A fetch delivered twice (a queue redelivering after a crash) is recorded once."""

from __future__ import annotations

from archive import Archive
from tests.support.archive import PAGE_URL, fetch, report_page


def test_same_fetch_uuid_is_recorded_once_and_returns_the_first_outcome(tmp_path):
    with Archive.open(tmp_path / "a.db") as archive:
        first = archive.record(fetch(PAGE_URL, "2026-11-23T10:00:00Z", report_page(),
                                     fetch_uuid="f-1"))
        again = archive.record(fetch(PAGE_URL, "2026-11-23T10:00:00Z", report_page(),
                                     fetch_uuid="f-1"))
        other = archive.record(fetch(PAGE_URL, "2026-11-23T10:05:00Z", report_page(),
                                     fetch_uuid="f-2"))
        assert first.new_document and first.new_version
        assert (again.fetch_id, again.version_id, again.new_version) == (
            first.fetch_id, first.version_id, True)
        assert not other.new_version and other.fetch_id != first.fetch_id
        assert archive.db["fetches"].count == 2
        assert archive.db["versions"].count == 1

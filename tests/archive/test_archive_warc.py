"""The fetch log exported as WARC and read back with warcio, every digest checked."""

from __future__ import annotations

import hashlib
from collections import Counter
from io import BytesIO

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive import Archive
from archive.warc import write_warc
from tests.support.archive import PAGE_URL, fetch, report_page

PDF_URL = "http://127.0.0.1/szs/a.pdf"


def read_back(data: bytes) -> list[dict]:
    """Every record, its payload read in full so warcio checks its digests (raising)."""
    records = []
    for record in ArchiveIterator(BytesIO(data), check_digests="raise"):
        payload = record.content_stream().read()
        records.append(
            {
                "type": record.rec_type,
                "uri": record.rec_headers.get_header("WARC-Target-URI"),
                "date": record.rec_headers.get_header("WARC-Date"),
                "status": record.http_headers.get_statuscode() if record.http_headers else None,
                "payload": payload,
                "headers": record.rec_headers,
                "http": record.http_headers,
            }
        )
    return records


def test_every_fetch_is_a_record_and_every_digest_verifies(tmp_path):
    page = report_page()
    pdf = b"%PDF-1.7\n" + bytes(range(256)) * 40
    with Archive.open(tmp_path / "a.db") as archive:
        run = archive.start_run("county_portals", {"USER_AGENT": "zfxxgk (+mailto:x@example.org)"})
        at = lambda day: f"2026-01-{day:02d}T00:00:00Z"  # noqa: E731
        archive.record(
            fetch(
                PAGE_URL,
                at(1),
                page,
                run_id=run,
                headers={"content-type": "text/html", "etag": '"a"'},
            )
        )
        archive.record(
            fetch(
                PDF_URL, at(1), pdf, kind="attachment", headers={"content-type": "application/pdf"}
            )
        )
        archive.record(fetch(PAGE_URL, at(2), page, run_id=run))  # the same bytes again
        archive.record(fetch(PAGE_URL, at(3), status=304, run_id=run))
        archive.record(fetch(PAGE_URL, at(4), status=404, run_id=run))
        archive.record(fetch(PAGE_URL, at(5), status=None, error="timeout", run_id=run))
        fetches = archive.db["fetches"].count
        out = BytesIO()
        assert write_warc(archive.db, out) == fetches
    records = read_back(out.getvalue())
    kinds = Counter(r["type"] for r in records)
    assert kinds == {"warcinfo": 1, "request": 6, "response": 3, "revisit": 2, "metadata": 1}
    assert sum(kinds[k] for k in ("response", "revisit", "metadata")) == fetches
    responses = [r for r in records if r["type"] == "response"]
    assert [(r["uri"], r["status"]) for r in responses] == [
        (PAGE_URL, "200"), (PDF_URL, "200"), (PAGE_URL, "404"),
    ]  # fmt: skip
    assert responses[0]["payload"] == page and responses[1]["payload"] == pdf
    assert responses[0]["http"].get_header("ETag") == '"a"'
    assert responses[2]["headers"].get_header("WARC-Truncated") == "unspecified"
    same_bytes, not_modified = [r for r in records if r["type"] == "revisit"]
    assert same_bytes["headers"].get_header("WARC-Payload-Digest") == responses[0][
        "headers"
    ].get_header("WARC-Payload-Digest")
    assert same_bytes["headers"].get_header("WARC-Refers-To-Date") == "2026-01-01T00:00:00Z"
    assert "server-not-modified" in not_modified["headers"].get_header("WARC-Profile")
    request = next(r for r in records if r["type"] == "request")
    assert request["http"].get_header("User-Agent") == "zfxxgk (+mailto:x@example.org)"
    assert request["date"] == "2026-01-01T00:00:00Z"
    assert hashlib.sha256(responses[0]["payload"]).hexdigest() == hashlib.sha256(page).hexdigest()


def test_a_changed_byte_fails_the_digest_check(tmp_path):
    with Archive.open(tmp_path / "a.db") as archive:
        archive.record(fetch(PAGE_URL, "2026-01-01T00:00:00Z", report_page()))
        out = BytesIO()
        write_warc(archive.db, out, gzip=False)
    data = out.getvalue()
    tampered = data.replace("深州".encode(), "深洲".encode(), 1)
    assert tampered != data
    with pytest.raises(Exception, match="digest"):
        read_back(tampered)

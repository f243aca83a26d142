"""The fetch log as WARC records, for web archives and replay tools.

One request record and one response-side record per fetch, in fetch order:

* `response` for the first fetch of a body (the exact bytes kept in `blobs`);
* `revisit` (profile identical-payload-digest) when the same body was fetched before,
  pointing at the first fetch of it; `revisit` (profile server-not-modified) for a 304;
* `response` without its payload for statuses whose body the archive does not keep
  (404, 5xx, soft 404 pages), marked `WARC-Truncated: unspecified`;
* `metadata` for a request that got no response, with the error.

The archive keeps the response headers that matter for citation and revalidation
(Content-Type, ETag, Last-Modified) and the status, not every header a server sent, so
the HTTP headers of the records are those; the request headers are the crawler's
(method, host, the run's User-Agent). WARC-Date is the fetch time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from http import HTTPStatus
from io import BytesIO
from typing import BinaryIO
from urllib.parse import urlsplit

import sqlite_utils
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive import blobs

SOFTWARE = "zfxxgk archive export"
NOT_MODIFIED_PROFILE = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"


def write_warc(db: sqlite_utils.Database, out: BinaryIO, *, gzip: bool = True) -> int:
    """Write every fetch to `out`; returns the number of fetches written."""
    writer = WARCWriter(out, gzip=gzip, warc_version="1.1")
    writer.write_record(
        writer.create_warcinfo_record("archive.warc", {"software": SOFTWARE, "format": "WARC 1.1"})
    )
    # sha256 -> (WARC-Payload-Digest, url, date) of the response record that holds it
    first_seen: dict[str, tuple[str, str, str]] = {}
    last_body: dict[str, str] = {}  # url -> sha256 of the body it served last
    count = 0
    for fetch in _fetches(db):
        url, date = fetch["url"], fetch["fetched_at"]
        warc_headers = {"WARC-Date": date}
        writer.write_record(
            writer.create_warc_record(
                url,
                "request",
                http_headers=_request_headers(fetch),
                warc_headers_dict=dict(warc_headers),
            )
        )
        status, sha = fetch["status"], fetch["sha256"]
        if status is None:
            record = writer.create_warc_record(
                url, "metadata", payload=BytesIO(json.dumps({"error": fetch["error"]}).encode()),
                warc_content_type="application/json", warc_headers_dict=warc_headers,
            )  # fmt: skip
        elif status == 304 and url in last_body:
            record = writer.create_revisit_record(
                url, *first_seen[last_body[url]], http_headers=_response_headers(fetch),
                warc_headers_dict={**warc_headers, "WARC-Profile": NOT_MODIFIED_PROFILE},
            )  # fmt: skip
        elif sha is not None and sha in first_seen:
            record = writer.create_revisit_record(
                url, *first_seen[sha], http_headers=_response_headers(fetch),
                warc_headers_dict=warc_headers,
            )  # fmt: skip
            last_body[url] = sha
        else:
            body = blobs.get(db, sha) if sha is not None else b""
            if sha is None:
                warc_headers["WARC-Truncated"] = "unspecified"
            record = writer.create_warc_record(
                url, "response", payload=BytesIO(body), length=len(body),
                http_headers=_response_headers(fetch, len(body)), warc_headers_dict=warc_headers,
            )  # fmt: skip
        writer.write_record(record)
        if record.rec_type == "response" and sha is not None:
            first_seen[sha] = (record.rec_headers.get_header("WARC-Payload-Digest"), url, date)
            last_body[url] = sha
        count += 1
    return count


def _fetches(db: sqlite_utils.Database) -> Iterator[dict]:
    yield from db.query(
        "SELECT f.*, json_extract(r.settings, '$.USER_AGENT') AS user_agent FROM fetches f "
        "LEFT JOIN crawl_runs r ON r.id = f.run_id ORDER BY f.id"
    )


def _request_headers(fetch: dict) -> StatusAndHeaders:
    parts = urlsplit(fetch["url"])
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = [("Host", parts.netloc)]
    if fetch["user_agent"]:
        headers.append(("User-Agent", fetch["user_agent"]))
    return StatusAndHeaders(f"GET {target} HTTP/1.1", headers, is_http_request=True)


def _response_headers(fetch: dict, length: int | None = None) -> StatusAndHeaders:
    status = fetch["status"]
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = ""
    headers = [
        (name, fetch[column])
        for name, column in (
            ("Content-Type", "content_type"),
            ("ETag", "etag"),
            ("Last-Modified", "last_modified"),
        )
        if fetch[column]
    ]
    if length is not None:
        headers.append(("Content-Length", str(length)))
    return StatusAndHeaders(f"{status} {reason}".strip(), headers, protocol="HTTP/1.1")

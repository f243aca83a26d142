"""The fetch log: one `fetches` row per request, whatever its outcome.

A fetch row is committed with its body before anything parses it (its outcome is 'pending'
until the meaning is applied in a second transaction), so every request is in the log even
when it changes nothing, or when its archive process died while parsing. A pending fetch
lends no validators to the next request: that document is fetched in full again.
"""

from __future__ import annotations

import sqlite_utils

from archive.records import FetchRecord, RecordOutcome
from archive.rows import insert_row, to_json, update_row


def content_type(fetch: FetchRecord) -> str | None:
    return fetch.headers.get("content-type")


def log_fetch(
    db: sqlite_utils.Database, fetch: FetchRecord, raw_sha: str | None, document_id: int | None
) -> int:
    return insert_row(
        db,
        "fetches",
        {
            "run_id": fetch.run_id,
            "url": fetch.url,
            "fetched_at": fetch.fetched_at,
            "status": fetch.status,
            "outcome": "pending",
            "error": fetch.error,
            "soft_404": fetch.soft_404,
            "etag": fetch.headers.get("etag"),
            "last_modified": fetch.headers.get("last-modified"),
            "content_type": content_type(fetch),
            "bytes": len(fetch.body) if fetch.body else None,
            "sha256": raw_sha,
            "document_id": document_id,
            "redirected_from": to_json(fetch.redirected_from),
            "fetch_uuid": fetch.fetch_uuid,
        },
    )


def set_outcome(
    db: sqlite_utils.Database, fetch_id: int, label: str, outcome: RecordOutcome
) -> None:
    update_row(
        db,
        "fetches",
        fetch_id,
        {"outcome": label, "document_id": outcome.document_id, "version_id": outcome.version_id},
    )


def seen_as_version(db: sqlite_utils.Database, version_id: int, raw_sha: str) -> bool:
    """Whether these exact bytes were already seen as this version."""
    return bool(
        db.execute(
            "SELECT 1 FROM versions WHERE id = ? AND sha256 = ? UNION ALL "
            "SELECT 1 FROM fetches WHERE version_id = ? AND sha256 = ? LIMIT 1",
            [version_id, raw_sha, version_id, raw_sha],
        ).fetchone()
    )


def conditional_headers(db: sqlite_utils.Database, url: str) -> dict[str, str]:
    """Validators of the last good response for `url`, so an unchanged page costs a 304."""
    gone = db.execute("SELECT gone_at FROM documents WHERE url = ?", [url]).fetchone()
    if gone is None or gone[0] is not None:
        return {}
    rows = db.execute(
        "SELECT etag, last_modified FROM fetches WHERE url = ? AND "
        "outcome != 'pending' AND (status = 304 OR (status = 200 AND NOT soft_404)) "
        "ORDER BY fetched_at DESC, id DESC LIMIT 20",
        [url],
    ).fetchall()
    etag = next((row[0] for row in rows if row[0]), None)
    last_modified = next((row[1] for row in rows if row[1]), None)
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def by_uuid(db: sqlite_utils.Database, fetch_uuid: str) -> tuple[RecordOutcome, str] | None:
    """The outcome of the fetch recorded under `fetch_uuid`, with its outcome label."""
    row = db.execute(
        "SELECT id, document_id, version_id, outcome FROM fetches WHERE fetch_uuid = ?",
        [fetch_uuid],
    ).fetchone()
    if row is None:
        return None
    fetch_id, document_id, version_id, label = row
    outcome = RecordOutcome(fetch_id=fetch_id, document_id=document_id, version_id=version_id,
                            new_document=label == "new_document",
                            new_version=label in ("new_document", "new_version"),
                            gone=label == "gone")
    return outcome, label

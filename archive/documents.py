"""Documents and their versions: the timeline of each canonical URL.

These functions write what `archive.versioning.decide` has decided; they decide nothing
themselves. Metadata is filled in, never replaced (see `touch`).
"""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from archive.fetch_log import content_type
from archive.records import FetchRecord
from archive.rows import fetch_dict, insert_row, to_json, update_row
from archive.versioning import Fingerprint


def find(db: sqlite_utils.Database, url: str) -> dict | None:
    return fetch_dict(db, "SELECT * FROM documents WHERE url = ?", [url])


def current_version(db: sqlite_utils.Database, url: str) -> dict | None:
    return fetch_dict(
        db,
        "SELECT v.* FROM versions v JOIN documents d ON v.id = d.current_version_id "
        "WHERE d.url = ?",
        [url],
    )


def known_urls(db: sqlite_utils.Database, portal_id: str) -> set[str]:
    rows = db.execute(
        "SELECT url FROM documents WHERE portal_id = ? AND gone_at IS NULL", [portal_id]
    )
    return {row[0] for row in rows}


def create_document(db: sqlite_utils.Database, fetch: FetchRecord) -> dict:
    parent_id = None
    if fetch.parent_url:
        parent = find(db, fetch.parent_url)
        parent_id = parent["id"] if parent else None
    insert_row(
        db,
        "documents",
        {
            "url": fetch.url,
            "kind": fetch.kind,
            "portal_id": fetch.portal_id,
            "first_seen": fetch.fetched_at,
            "last_seen": fetch.fetched_at,
            "referrer": fetch.referrer,
            "anchor_text": fetch.anchor_text,
            "parent_url": fetch.parent_url,
            "parent_document_id": parent_id,
            "redirected_from": to_json(fetch.redirected_from),
            "filename": fetch.filename,
        },
    )
    document = find(db, fetch.url)
    assert document is not None
    return document


def create_version(
    db: sqlite_utils.Database,
    document_id: int,
    fetch: FetchRecord,
    raw_sha: str,
    content: Fingerprint,
    fetch_id: int,
) -> int:
    """Version n+1 of the document, made its current version."""
    last = db.execute(
        "SELECT coalesce(max(n), 0) FROM versions WHERE document_id = ?", [document_id]
    ).fetchone()[0]
    version_id = insert_row(
        db,
        "versions",
        {
            "document_id": document_id,
            "n": last + 1,
            "fetched_at": fetch.fetched_at,
            "fetch_id": fetch_id,
            "sha256": raw_sha,
            "fingerprint_kind": content.kind,
            "fingerprint": content.value,
            "content_type": content_type(fetch),
            "size": len(fetch.body),
        },
    )
    update_row(db, "documents", document_id, {"current_version_id": version_id})
    return version_id


def touch(
    db: sqlite_utils.Database, document: dict, fetch: FetchRecord, *, came_back: bool
) -> None:
    """Move last_seen / gone_at and fill metadata the document did not have yet.

    Nothing already known is overwritten: the first referrer stays, redirect
    sources accumulate. A document that is served again loses its gone_at; the
    fetch log keeps the 404 that set it (outcome 'gone').
    """
    changes: dict[str, Any] = {}
    if came_back:
        changes["last_seen"] = max(document["last_seen"], fetch.fetched_at)
        changes["gone_at"] = None
    elif document["gone_at"] is None:
        changes["gone_at"] = fetch.fetched_at
    for column, value in [
        ("referrer", fetch.referrer),
        ("anchor_text", fetch.anchor_text),
        ("portal_id", fetch.portal_id),
        ("filename", fetch.filename),
    ]:
        if document[column] is None and value:
            changes[column] = value
    if fetch.redirected_from:
        known = json.loads(document["redirected_from"] or "[]")
        merged = known + [url for url in fetch.redirected_from if url not in known]
        if merged != known:
            changes["redirected_from"] = to_json(merged)
    if changes:
        update_row(db, "documents", document["id"], changes)

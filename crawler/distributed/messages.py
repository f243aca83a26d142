"""What travels on a run's stream, from the workers to the archive writer.

Three kinds of entries: a fetch record (its fields as JSON, the body as raw bytes beside
them, so a 20 MB PDF is not inflated by an encoding), a crawl event for the per-portal
summary, and the end of a portal. Plain JSON and bytes: the writer never unpickles what a
worker sent.
"""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from typing import Any

from archive.records import FetchRecord
from crawler.items import CrawlEvent

FETCH, EVENT, PORTAL_DONE = b"fetch", b"event", b"portal"
_FETCH_FIELDS = {f.name for f in fields(FetchRecord)} - {"body"}


def fetch_entry(fetch: FetchRecord) -> dict[bytes, bytes]:
    meta = {name: value for name, value in asdict(fetch).items() if name != "body"}
    return {b"type": FETCH, b"meta": json.dumps(meta, ensure_ascii=False).encode(),
            b"body": fetch.body}


def event_entry(event: CrawlEvent) -> dict[bytes, bytes]:
    return {b"type": EVENT, b"meta": json.dumps(asdict(event), ensure_ascii=False).encode()}


def portal_done_entry(portal_id: str, seconds: float, worker: str) -> dict[bytes, bytes]:
    meta = {"portal_id": portal_id, "seconds": round(seconds, 1), "worker": worker}
    return {b"type": PORTAL_DONE, b"meta": json.dumps(meta).encode()}


def decode(entry: dict[bytes, bytes]) -> tuple[bytes, Any]:
    """(kind, FetchRecord | CrawlEvent | dict) of a stream entry."""
    kind, meta = entry[b"type"], json.loads(entry[b"meta"])
    if kind == FETCH:
        return kind, FetchRecord(body=entry.get(b"body", b""),
                                 **{k: v for k, v in meta.items() if k in _FETCH_FIELDS})
    if kind == EVENT:
        return kind, CrawlEvent(**meta)
    return kind, meta

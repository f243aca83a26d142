"""Raw bodies, stored compressed and once per distinct content (keyed by sha256).

Every byte a portal served is kept so a citation can be checked against exactly what
was fetched, but a page fetched a thousand times unchanged must cost one copy. zlib
(standard library, fast, readable by any tool) is used when it saves space; bodies that
are already compressed (PDF streams, DOCX/OFD zips, images) are stored as they are.
"""

from __future__ import annotations

import hashlib
import zlib

import sqlite_utils

COMPRESSION_LEVEL = 6


def sha256_hex(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def put(db: sqlite_utils.Database, body: bytes, sha256: str | None = None) -> str:
    """Store `body` unless it is already there; returns its sha256."""
    sha256 = sha256 or sha256_hex(body)
    if db.execute("SELECT 1 FROM blobs WHERE sha256 = ?", [sha256]).fetchone():
        return sha256
    packed = zlib.compress(body, COMPRESSION_LEVEL)
    compression, data = ("zlib", packed) if len(packed) < len(body) else ("none", body)
    db["blobs"].insert(
        {
            "sha256": sha256,
            "size": len(body),
            "compression": compression,
            "stored_size": len(data),
            "data": data,
        }
    )
    return sha256


def get(db: sqlite_utils.Database, sha256: str) -> bytes:
    row = db.execute("SELECT compression, data FROM blobs WHERE sha256 = ?", [sha256]).fetchone()
    if row is None:
        raise KeyError(sha256)
    compression, data = row
    return zlib.decompress(data) if compression == "zlib" else bytes(data)

"""Raw bodies, stored compressed and once per distinct content (keyed by sha256).

Every byte a portal served is kept so a citation can be checked against exactly what
was fetched, but a page fetched a thousand times unchanged must cost one copy, and the
pages of one portal, which share their chrome (header, navigation, footer), should not
pay for it a thousand times either. So bodies are compressed with zstandard using a
dictionary trained on the portal's own earlier pages once it has `TRAIN_AFTER` of them
(measured on portal-sized pages: 0.16 bytes per raw byte with zlib or plain zstandard,
0.05 with a dictionary). Bodies that do not shrink (PDF streams, DOCX/OFD zips, images)
are stored as they are. Older archives' zlib bodies stay readable.
"""

from __future__ import annotations

import hashlib
import zlib

import sqlite_utils
import zstandard

LEVEL = 9
TRAIN_AFTER = 32  # bodies of a scope before its dictionary is trained
DICTIONARY_BYTES = 112 * 1024
TEXT_TYPES = (b"<", b"\xef\xbb\xbf<")  # markup: what shares chrome within a portal


def sha256_hex(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def put(
    db: sqlite_utils.Database, body: bytes, sha256: str | None = None, scope: str | None = None
) -> str:
    """Store `body` unless it is already there; returns its sha256.

    `scope` names the bodies that share a dictionary (the portal, else the host).
    """
    sha256 = sha256 or sha256_hex(body)
    if db.execute("SELECT 1 FROM blobs WHERE sha256 = ?", [sha256]).fetchone():
        return sha256
    row = {"sha256": sha256, "size": len(body)}
    dictionary_id = _dictionary_for(db, scope, body) if scope else None
    if dictionary_id is not None:
        packed = _compressor(db, dictionary_id).compress(body)
        row["dictionary_id"] = dictionary_id
    else:
        packed = zstandard.ZstdCompressor(level=LEVEL).compress(body)
    if len(packed) < len(body):
        row.update(compression="zstd", stored_size=len(packed), data=packed)
    else:
        row.update(compression="none", stored_size=len(body), data=body, dictionary_id=None)
        if dictionary_id is None:
            del row["dictionary_id"]
    if scope is not None and "dictionary_id" not in row and _is_markup(body):
        row["scope"] = scope  # a training sample for the scope's dictionary
    db["blobs"].insert(row)
    return sha256


def get(db: sqlite_utils.Database, sha256: str) -> bytes:
    cursor = db.execute("SELECT * FROM blobs WHERE sha256 = ?", [sha256])
    row = cursor.fetchone()
    if row is None:
        raise KeyError(sha256)
    blob = dict(zip([d[0] for d in cursor.description], row, strict=True))
    compression, data = blob["compression"], blob["data"]
    if compression == "zlib":
        return zlib.decompress(data)
    if compression == "zstd":
        dictionary_id = blob.get("dictionary_id")
        if dictionary_id is None:
            return zstandard.ZstdDecompressor().decompress(data)
        dictionary = _load_dictionary(db, dictionary_id)
        return zstandard.ZstdDecompressor(dict_data=dictionary).decompress(data)
    return bytes(data)


def _is_markup(body: bytes) -> bool:
    return body.lstrip()[:1] == b"<" or body.startswith(TEXT_TYPES[1])


def _dictionary_for(db: sqlite_utils.Database, scope: str, body: bytes) -> int | None:
    """The id of the scope's dictionary, trained now from its stored samples if it has enough."""
    if not _is_markup(body) or not _has_dictionaries(db):
        return None
    row = db.execute("SELECT id FROM blob_dictionaries WHERE scope = ?", [scope]).fetchone()
    if row is not None:
        return row[0]
    samples = [
        get(db, sha)
        for (sha,) in db.execute(
            "SELECT sha256 FROM blobs WHERE scope = ? LIMIT ?", [scope, TRAIN_AFTER]
        ).fetchall()
    ]
    if len(samples) < TRAIN_AFTER:
        return None
    try:
        trained = zstandard.train_dictionary(DICTIONARY_BYTES, samples, level=LEVEL)
    except zstandard.ZstdError:  # too little material in the samples: go on without
        return None
    data = trained.as_bytes()
    return int(
        db["blob_dictionaries"]
        .insert({"scope": scope, "samples": len(samples), "sha256": sha256_hex(data), "data": data})
        .last_pk
    )


# Dictionaries by their sha256: they never change once written, so each is read once
# per process, whichever archive it is in; so is each one's compressor (digesting a
# dictionary for level 9 costs a fifth of compressing a page with it).
_loaded: dict[str, zstandard.ZstdCompressionDict] = {}
_compressors: dict[str, zstandard.ZstdCompressor] = {}


def _compressor(db: sqlite_utils.Database, dictionary_id: int) -> zstandard.ZstdCompressor:
    (sha,) = db.execute(
        "SELECT sha256 FROM blob_dictionaries WHERE id = ?", [dictionary_id]
    ).fetchone()
    if sha not in _compressors:
        if len(_compressors) > 256:
            _compressors.clear()
        dictionary = _load_dictionary(db, dictionary_id)
        _compressors[sha] = zstandard.ZstdCompressor(level=LEVEL, dict_data=dictionary)
    return _compressors[sha]


def _has_dictionaries(db: sqlite_utils.Database) -> bool:
    """Whether the archive's schema has dictionaries (older ones are migrated on open)."""
    return bool(
        db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'blob_dictionaries'"
        ).fetchone()
    )


def _load_dictionary(
    db: sqlite_utils.Database, dictionary_id: int
) -> zstandard.ZstdCompressionDict:
    (sha,) = db.execute(
        "SELECT sha256 FROM blob_dictionaries WHERE id = ?", [dictionary_id]
    ).fetchone()
    if sha not in _loaded:
        (data,) = db.execute(
            "SELECT data FROM blob_dictionaries WHERE id = ?", [dictionary_id]
        ).fetchone()
        if len(_loaded) > 256:
            _loaded.clear()
        _loaded[sha] = zstandard.ZstdCompressionDict(bytes(data))
    return _loaded[sha]

"""Raw bodies: zstandard with a dictionary per portal once it has enough pages, nothing lost."""

from __future__ import annotations

import hashlib
import random

from archive import Archive, blobs
from tests.support.archive import fetch, report_page


def portal_pages(count: int) -> list[bytes]:
    rng = random.Random(7)
    return [
        report_page(received=rng.randint(0, 500), visits=rng.randint(1, 10**6),
                    clock=f"2026-11-{rng.randint(1, 28):02d} 10:00:00")
        for _ in range(count)
    ]  # fmt: skip


def test_a_portal_gets_a_dictionary_and_every_body_verifies(tmp_path):
    pages = portal_pages(blobs.TRAIN_AFTER + 20)
    pdf = b"%PDF-1.7\n" + random.Random(1).randbytes(20_000)
    with Archive.open(tmp_path / "a.db") as archive:
        for n, page in enumerate(pages):
            archive.record(fetch(f"http://127.0.0.1/p/{n}.html", "2026-01-01T00:00:00Z", page,
                                 portal_id="p"))  # fmt: skip
        archive.record(
            fetch("http://127.0.0.1/p/a.pdf", "2026-01-01T00:00:00Z", pdf, kind="attachment")
        )
        db = archive.db
        assert db.execute("SELECT scope, samples FROM blob_dictionaries").fetchall() == [
            ("p", blobs.TRAIN_AFTER)
        ]
        rows = list(
            db.query("SELECT sha256, size, compression, stored_size, dictionary_id FROM blobs")
        )
        with_dictionary = [r for r in rows if r["dictionary_id"] is not None]
        assert len(with_dictionary) == len(pages) - blobs.TRAIN_AFTER
        for row in rows:
            body = blobs.get(db, row["sha256"])
            assert hashlib.sha256(body).hexdigest() == row["sha256"]
            assert len(body) == row["size"]
        stored_pdf = next(r for r in rows if r["size"] == len(pdf))
        assert (stored_pdf["compression"], stored_pdf["stored_size"]) == ("none", len(pdf))
        before = [r for r in rows if r["compression"] == "zstd" and r["dictionary_id"] is None]
        ratio_before = sum(r["stored_size"] for r in before) / sum(r["size"] for r in before)
        ratio_after = sum(r["stored_size"] for r in with_dictionary) / sum(
            r["size"] for r in with_dictionary
        )
        assert ratio_after < ratio_before / 2  # the shared chrome is paid for once
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)

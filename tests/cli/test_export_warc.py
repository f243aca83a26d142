"""`zfxxgk export --format warc` on an archive the real crawler filled, twice (the second
crawl revalidates: 304s and unchanged bodies), read back with warcio."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from demo.scenarios import fixture
from demo.server import PortalServer
from tests.support.crawl import query, run_crawl, serve

pytestmark = pytest.mark.e2e


def test_crawled_archive_exports_one_verified_record_per_fetch(tmp_path):
    registry, db, warc = tmp_path / "portals.csv", tmp_path / "archive.db", tmp_path / "a.warc.gz"
    with PortalServer() as server:
        serve(server, fixture()[:1], registry)
        for _ in range(2):
            done = run_crawl(registry, db)
            assert done.returncode == 0, done.log[-2000:]
    zfxxgk = Path(sys.executable).parent / "zfxxgk"
    subprocess.run(
        [str(zfxxgk), "export", str(db), "--format", "warc", "-o", str(warc)], check=True
    )
    kinds: Counter[str] = Counter()
    with warc.open("rb") as stream:
        for record in ArchiveIterator(stream, check_digests="raise"):
            record.content_stream().read()  # digests are checked as the payload is read
            kinds[record.rec_type] += 1
    fetches = query(db, "SELECT count(*) FROM fetches")[0][0]
    revalidated = query(
        db, "SELECT count(*) FROM fetches WHERE outcome IN ('unchanged', 'not_modified')"
    )[0][0]
    assert fetches > 0 and revalidated > 0
    assert kinds["request"] == fetches
    assert kinds["response"] + kinds["revisit"] + kinds["metadata"] == fetches
    assert kinds["revisit"] >= revalidated

"""The archive writer's crash window, made deterministic: committed, killed before the ack.

A writer killed -9 after the archive committed an entry but before acknowledging it gets
the entry again on restart. Here that state is built by hand (the entry delivered to the
writer's consumer and recorded, no ack), then a writer runs: the fetch must be in the
archive once, and counted once, with the outcome of its first recording.
"""

from __future__ import annotations

import json

import pytest
import redis

from archive import Archive
from crawler.distributed.messages import fetch_entry, portal_done_entry
from crawler.distributed.run import RunKeys, seed_run
from crawler.distributed.writer import CONSUMER, GROUP, ArchiveWriter
from crawler.registry import Portal
from tests.support.archive import PAGE_URL, fetch, report_page
from tests.support.redis_server import redis_server

pytestmark = pytest.mark.e2e


def test_entry_recorded_but_not_acknowledged_is_recorded_once(tmp_path):
    portal = Portal("p1", "深州市人民政府", "131182", "county", "http://127.0.0.1/")
    keys = RunKeys("crash")
    with redis_server(tmp_path / "redis") as url:
        server = redis.Redis.from_url(url)
        assert seed_run(server, keys, [portal], None)
        page = fetch(PAGE_URL, "2026-11-23T10:00:00Z", report_page(), portal_id="p1",
                     fetch_uuid="u-1", headers={"etag": '"v1"'})
        server.xgroup_create(keys.stream, GROUP, id="0", mkstream=True)
        server.xadd(keys.stream, fetch_entry(page))
        server.xadd(keys.stream, portal_done_entry("p1", 1.0, "w"))
        server.sadd(keys.done, "p1")
        # The first writer read both entries and committed the fetch, then died.
        delivered = server.xreadgroup(GROUP, CONSUMER, {keys.stream: ">"}, count=1)
        assert len(delivered[0][1]) == 1
        with Archive.open(tmp_path / "a.db") as archive:
            first = archive.record(page)
        assert first.new_version

        lines: list[str] = []
        with Archive.open(tmp_path / "a.db") as archive:
            ArchiveWriter(archive, url, "crash", echo=lines.append).run(seed_wait=5)
        with Archive.open(tmp_path / "a.db") as archive:
            assert archive.db.execute("SELECT count(*) FROM fetches").fetchone() == (1,)
            summary = json.loads(archive.db.execute(
                "SELECT summary FROM run_portals WHERE portal_id = 'p1'").fetchone()[0])
        assert (summary["pages_fetched"], summary["new_versions"], summary["new_documents"]) == (1, 1, 1)
        assert server.xlen(keys.stream) == 0
        assert server.xpending(keys.stream, GROUP)["pending"] == 0
        # The validators of the recorded fetch reach the workers.
        assert json.loads(server.hget(keys.validators, PAGE_URL)) == {"If-None-Match": '"v1"'}
        assert "[1/1] 深州市人民政府: 1 reports, 1 new versions, 0 errors, 1 s" in lines

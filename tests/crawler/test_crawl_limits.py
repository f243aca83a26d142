"""Bombs end with a fetch row naming the limit, and the crawl finishes (peak memory is
measured by benchmarks/hostile.py, not here)."""

from __future__ import annotations

import json

import pytest

from demo import bomb_portal
from demo.server import PortalServer
from tests.support.crawl import query, run_crawl

pytestmark = pytest.mark.e2e

HTML_LIMIT, MAXSIZE = 200_000, 2_000_000  # lowered so the fixture stays small


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("bombs")
    with PortalServer() as server:
        (url,) = server.bind([bomb_portal.PORTAL_ID]).values()
        server.start({bomb_portal.PORTAL_ID: bomb_portal.build(huge_bytes=3 * HTML_LIMIT, inflated_bytes=20 * MAXSIZE)})
        registry = bomb_portal.write_registry(tmp / "portals.csv", url)
        result = run_crawl(registry, tmp / "archive.db", extra={
            "DOWNLOAD_MAXSIZE_BY_TYPE": json.dumps({"text/html": HTML_LIMIT}),
            "DOWNLOAD_MAXSIZE": str(MAXSIZE), "DOWNLOAD_WARNSIZE": str(MAXSIZE // 2)})
        assert result.returncode == 0, result.log[-3000:]
        yield {"db": tmp / "archive.db", "base": url, "log": result.log}


def fetch_of(crawled, path: str) -> dict:
    rows = query(crawled["db"], "SELECT status, error, outcome, sha256 FROM fetches WHERE url = ?",
                 (crawled["base"] + path,))
    assert len(rows) == 1, rows
    return dict(zip(("status", "error", "outcome", "sha256"), rows[0], strict=True))


def test_an_oversized_page_is_stopped_and_recorded_with_the_limit(crawled):
    row = fetch_of(crawled, bomb_portal.HUGE)
    assert row["outcome"] == "error" and row["sha256"] is None
    assert row["error"].startswith("size limit: ") and f"the limit for text/html is {HTML_LIMIT} bytes" in row["error"]


def test_a_gzip_bomb_is_a_fetch_row_with_the_reason(crawled):
    row = fetch_of(crawled, bomb_portal.INFLATING)
    assert row["outcome"] == "error" and "exceeded DOWNLOAD_MAXSIZE (2000000 B) during decompression" in row["error"]


def test_the_real_report_is_archived_and_the_bombs_are_not(crawled):
    documents = {url for (url,) in query(crawled["db"], "SELECT url FROM documents")}
    assert documents == {crawled["base"] + bomb_portal.GOOD}

"""Crawl traps end within their portal's budget, and the summary says which budget."""

from __future__ import annotations

import json

import pytest

from demo import traps
from demo.server import PortalServer
from tests.support.crawl import query, run_crawl

pytestmark = pytest.mark.e2e

PER_PATTERN = 40  # lowered so the test is quick; the mechanism is the same at 2,000


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("traps")
    with PortalServer() as server:
        urls = server.bind(traps.PORTALS)
        sites = traps.build()
        server.start(sites)
        registry = traps.write_registry(tmp / "portals.csv", urls)
        result = run_crawl(registry, tmp / "archive.db", extra={
            "PORTAL_MAX_URLS_PER_PATTERN": str(PER_PATTERN)}, timeout=120)
        assert result.returncode == 0, result.log[-3000:]
        yield {"sites": sites, "db": tmp / "archive.db", "log": result.log}


def summaries(db) -> dict[str, dict]:
    return {p: json.loads(s) for p, s in query(db, "SELECT portal_id, summary FROM run_portals")}


@pytest.mark.parametrize("trap", [traps.PAGING, traps.PATHS])
def test_endless_columns_stop_at_the_pattern_budget(crawled, trap):
    summary = summaries(crawled["db"])[trap]
    assert summary["budget_hit"] == "urls_per_pattern"
    # The trap's pages of one shape (/ndbg/index.html?page=N, /ndbg/a/a*/): the budget's
    # worth, besides the report and the first pages (shapes of their own: /ndbg/index.html,
    # /ndbg/, /ndbg/a/).
    log = crawled["sites"][trap].log
    trapped = {(r.path, r.query.get("page")) for r in log
               if r.query.get("page") or r.path.startswith("/ndbg/a/a/")}
    assert len(trapped) == PER_PATTERN
    assert f"portal {trap}: urls_per_pattern budget spent" in crawled["log"]


def test_every_trap_portal_archives_its_report_once(crawled):
    rows = query(crawled["db"], "SELECT portal_id, url FROM documents ORDER BY portal_id")
    assert sorted(p for p, _ in rows) == sorted(traps.PORTALS)
    assert all(url.endswith(traps.REPORT) for _, url in rows)


def test_session_ids_make_no_new_documents(crawled):
    summary = summaries(crawled["db"])[traps.SESSION]
    assert summary["budget_hit"] is None
    fetched = query(crawled["db"], "SELECT f.url FROM fetches f JOIN documents d ON d.id = f.document_id "
                                   "WHERE d.portal_id = ?", (traps.SESSION,))
    assert len(fetched) == 1
    assert ";jsessionid" not in fetched[0][0] and "sid=" not in fetched[0][0]
    site = crawled["sites"][traps.SESSION]
    assert len(site.requested(traps.REPORT)) == 1  # the other spellings were never asked for
    assert len(site.requested(traps.COLUMN)) == 1

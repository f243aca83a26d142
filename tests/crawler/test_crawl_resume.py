"""An interrupted crawl resumes from its JOBDIR: every report archived once, none re-fetched."""

from __future__ import annotations

import signal
import subprocess
import time
from urllib.parse import unquote, urlsplit

import pytest
from w3lib.url import safe_url_string

from demo.crawl import crawl_command, crawl_environment
from demo.scenarios import fixture
from demo.server import PortalServer
from tests.support.crawl import PROJECT, TEST_SETTINGS, query, run_crawl, serve

pytestmark = pytest.mark.e2e

# Slow enough to interrupt mid-way: one request at a time per portal, 0.3 s apart.
SLOW = {**TEST_SETTINGS, "DOWNLOAD_DELAY": "0.3", "CONCURRENT_REQUESTS_PER_DOMAIN": "1"}


def archived_count(db) -> int:
    if not db.exists():
        return 0
    try:
        return query(db, "SELECT count(*) FROM documents")[0][0]
    except Exception:  # the schema is being created by the crawl
        return 0


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupted_crawl_resumes_with_jobdir(tmp_path, stop):
    portals = fixture()[:2]  # the classic portals: enough documents to stop half-way
    registry, db, jobdir = tmp_path / "portals.csv", tmp_path / "archive.db", tmp_path / "job"
    with PortalServer() as server:
        urls = serve(server, portals, registry)
        command = crawl_command(registry, db, log_level="INFO", jobdir=str(jobdir), extra=SLOW)
        crawl = subprocess.Popen(command, cwd=PROJECT, env=crawl_environment(),
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        # Interrupt once the portals have served six documents: counted where they are
        # served, not where they are archived, which on a loaded machine may lag behind the
        # downloads until every document is fetched.
        document_paths = {unquote(urlsplit(path).path) for p in portals
                          for path in server.sites[p.content.id].doc_paths.values()}

        def documents_served() -> int:
            return sum(request.path in document_paths
                       for p in portals for request in list(server.sites[p.content.id].log))

        deadline = time.monotonic() + 60
        while documents_served() < 6 and time.monotonic() < deadline and crawl.poll() is None:
            time.sleep(0.05)
        crawl.send_signal(stop)  # Ctrl-C, or `systemctl stop` / a cron job's timeout
        log, _ = crawl.communicate(timeout=60)
        interrupted_at = archived_count(db)
        assert "shutting down gracefully" in log.lower(), log[-2000:]
        expected = {safe_url_string(urls[p.content.id] + server.sites[p.content.id].doc_paths[key])
                    for p in portals for d in p.expected_reports()
                    for key in [d.slug, *(f"{d.slug}:{a.filename}" for a in d.attachments)]}
        assert 0 < interrupted_at < len(expected)

        resumed = run_crawl(registry, db, jobdir=jobdir)
        assert resumed.returncode == 0, resumed.log[-3000:]

    archived = {url for (url,) in query(db, "SELECT url FROM documents")}
    assert archived == expected
    versions = query(db, "SELECT document_id, count(*) FROM versions GROUP BY 1")
    assert len(versions) == len(expected) and {n for _, n in versions} == {1}
    # Nothing fetched in full twice: the resumed run picked up where the first stopped.
    refetched = query(db, "SELECT url, count(*) FROM fetches WHERE status = 200 AND NOT soft_404 "
                          "GROUP BY url HAVING count(*) > 1")
    assert refetched == []
    # ...and did not recheck, at idle, what the interrupted run had already fetched (the
    # JOBDIR's duplicate filter remembers it).
    assert query(db, "SELECT count(*) FROM fetches WHERE run_id = 2 AND status = 304")[0][0] == 0
    assert query(db, "SELECT count(*) FROM crawl_runs WHERE finished_at IS NOT NULL")[0][0] == 2

"""robots.txt, always: read before any page of its host, waited for when it fails, and a
host that never answers given up on with one line and a reason."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from demo.scenarios import DISALLOWED_PREFIX, fixture, write_registry
from demo.server import PortalServer, portal_host
from tests.support.crawl import query, run_crawl, serve

pytestmark = pytest.mark.e2e

PATIENT = {"ROBOTSTXT_RETRY_TIMES": "6", "ROBOTSTXT_RETRY_DELAY": "0.2"}


def test_a_failing_robots_txt_holds_the_host_back_until_it_is_read(tmp_path):
    (portal,) = fixture()[:1]
    registry, db = tmp_path / "portals.csv", tmp_path / "archive.db"
    with PortalServer() as server:
        serve(server, [portal], registry)
        site = server.sites[portal.content.id]
        site.fail_times("/robots.txt", 5, status=503)  # more than the retry middleware's 3 retries
        result = run_crawl(registry, db, extra=PATIENT)
        assert result.returncode == 0, result.log[-3000:]
    paths = [r.path for r in site.log]
    assert paths[:6] == ["/robots.txt"] * 6  # five 503s, then read, then the first page
    assert not [p for p in paths if p.startswith(DISALLOWED_PREFIX)]
    assert query(db, "SELECT count(*) FROM documents")[0][0] > 0


def test_a_dead_host_is_one_line_and_a_reason(tmp_path):
    (portal,) = fixture()[:1]
    registry, db = tmp_path / "portals.csv", tmp_path / "archive.db"
    with PortalServer() as server:
        urls = serve(server, [portal], registry)
        port = urlsplit(urls[portal.content.id]).port
        dead = f"http://{portal_host(100)}:{port}"  # nothing listens there
        write_registry(registry, [portal], urls)
        with registry.open("a", encoding="utf-8") as out:
            out.write(f"dead,停机县人民政府,130535,county,{dead}/\n")
        result = run_crawl(registry, db, extra=PATIENT)
        assert result.returncode == 0, result.log[-3000:]
    host = urlsplit(dead).netloc
    assert [line for line in result.log.splitlines() if host in line and "giving up" in line] == [
        line for line in result.log.splitlines() if "giving up on host" in line]
    assert len([line for line in result.log.splitlines() if "giving up on host" in line]) == 1
    assert "Traceback" not in result.log
    summary = json.loads(query(db, "SELECT summary FROM run_portals WHERE portal_id = 'dead'")[0][0])
    assert "Connection was refused" in summary["dead_reason"]
    assert summary["errors"] == 1
    live = json.loads(query(db, "SELECT summary FROM run_portals WHERE portal_id = ?",
                            (portal.content.id,))[0][0])
    assert live["dead_reason"] is None and live["new_documents"] > 0


def test_requests_waiting_together_for_robots_txt_are_all_checked(tmp_path):
    """Six entry requests of two portals on one host reach it before its (slow) robots.txt
    answers, as a resumed run's queue does; Scrapy's own middleware let all but the first
    two through unchecked."""
    (portal,) = fixture()[:1]
    registry, db = tmp_path / "portals.csv", tmp_path / "archive.db"
    with PortalServer() as server:
        urls = serve(server, [portal], registry)
        site = server.sites[portal.content.id]
        site.slow("/robots.txt", 1.0)
        base, hidden = urls[portal.content.id], urls[portal.content.id] + DISALLOWED_PREFIX
        registry.write_text(
            "id,name,region_code,level,url,disclosure_url,report_column_url\n"
            f"{portal.content.id},{portal.content.name},130534,county,{base}/,{hidden}a.html,{hidden}b.html\n"
            f"twin,孪生县人民政府,130535,county,{hidden}c/,{hidden}d.html,{hidden}e.html\n",
            encoding="utf-8")
        result = run_crawl(registry, db)
        assert result.returncode == 0, result.log[-3000:]
    assert site.requested(DISALLOWED_PREFIX) == []
    assert site.requested("/robots.txt") and site.requested("/")  # the homepage was allowed

"""Dead hosts in a single-machine crawl: set aside after two failures without an answer,
tried again once later in the run (robots.txt first), then crawled or given up.

Two hosts that accept connections and answer nothing in time: one comes back for its
second try and is crawled in full; the other stays silent and is given up, with one log
line and the reason in its portal's summary. A live portal beside them keeps the crawl
busy, so the second tries come when the crawl has nothing else left to do."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from demo.scenarios import build_sites, many_classic_portals, write_registry
from demo.server import PortalServer
from tests.support.crawl import query, run_crawl
from tests.support.dead_hosts import SilentSite

pytestmark = pytest.mark.e2e

# A first contact times out fast; robots.txt is asked for again after 0.2 s.
FAST_DEATH = {"FIRST_CONTACT_TIMEOUT": "1", "ROBOTSTXT_RETRY_DELAY": "0.2",
              "DOWNLOAD_DELAY": "0.05"}
LIVE, REVIVED, SILENT = "d0000", "d0001", "d0002"


def dead_host_portals():
    return many_classic_portals(3, 2, name="停机{:02d}县人民政府", id_prefix="d", first_year=2021)


def serve_silent(server: PortalServer, portals, registry) -> tuple[dict[str, SilentSite], dict[str, str]]:
    """The live portal as is; the revived one silent for its first two requests (robots.txt
    twice: set aside), the silent one for its first three (its second try too)."""
    urls = server.bind([p.content.id for p in portals])
    sites = build_sites(portals, urls)
    silent = {REVIVED: SilentSite(sites[REVIVED], 2), SILENT: SilentSite(sites[SILENT], 3)}
    server.start({**sites, **silent})
    write_registry(registry, portals, urls)
    return silent, urls


def summary_of(db, portal_id: str) -> dict:
    return json.loads(query(db, "SELECT summary FROM run_portals WHERE portal_id = ?",
                            (portal_id,))[0][0])


def test_a_dead_host_is_set_aside_tried_again_once_then_crawled_or_given_up(tmp_path):
    portals = dead_host_portals()
    registry, db = tmp_path / "portals.csv", tmp_path / "archive.db"
    with PortalServer() as server:
        silent, urls = serve_silent(server, portals, registry)
        result = run_crawl(registry, db, extra=FAST_DEATH)
    assert result.returncode == 0, result.log[-3000:]
    # Both set aside after two robots.txt requests, each tried again once.
    assert silent[REVIVED].paths[:3] == ["/robots.txt"] * 3
    assert len(silent[REVIVED].paths) > 3  # and crawled once it answered
    assert silent[SILENT].paths == ["/robots.txt"] * 3  # nothing after the second try failed
    lines = result.log.splitlines()
    assert len([line for line in lines if "set aside (no answer" in line]) == 2
    given_up = [line for line in lines if "giving up on host" in line]
    assert len(given_up) == 1 and urlsplit(urls[SILENT]).netloc in given_up[0]

    revived = summary_of(db, REVIVED)
    assert revived["dead_reason"] is None and revived["errors"] == 0
    assert revived["new_documents"] == summary_of(db, LIVE)["new_documents"] > 0
    dead = summary_of(db, SILENT)
    assert dead["dead_reason"].startswith("robots.txt: ") and "took longer than 1.0 seconds" in dead["dead_reason"]
    assert dead["errors"] == 1 and dead["new_documents"] == 0


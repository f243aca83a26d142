"""The scope gate in a real crawl: nothing outside the portal is requested, read or archived."""

from __future__ import annotations

import hashlib
import json
from urllib.parse import urlsplit

import pytest

from demo import hostile
from demo.server import PortalServer
from tests.support.crawl import query, run_crawl

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("hostile")
    secret = tmp / "secret.txt"
    secret.write_text("the crawling machine's own file", encoding="utf-8")
    secret.with_suffix(".pdf").write_bytes(b"%PDF-1.4 the crawling machine's own file")
    with PortalServer() as server:
        addresses = server.bind(hostile.HOSTS)
        port = urlsplit(next(iter(addresses.values()))).port
        assert port is not None
        world = hostile.build(port, secret)
        server.start(world.sites)
        registry = hostile.write_registry(tmp / "portals.csv", world)
        hosts = {host: urlsplit(url).hostname for host, url in addresses.items()}
        result = run_crawl(registry, tmp / "archive.db", extra={
            "TWISTED_DNS_RESOLVER": "demo.realworld.FixtureResolver",
            "FIXTURE_HOSTS": json.dumps({**hosts, hostile.EVIL: hostile.EVIL_ADDRESS}),
            "SCOPE_EXTRA_DENIED_NETWORKS": json.dumps({"private": [hostile.DENIED_AS_PRIVATE]}),
        }, timeout=90)
        assert result.returncode == 0, result.log[-3000:]
        secrets = {hashlib.sha256(p.read_bytes()).hexdigest() for p in (secret, secret.with_suffix(".pdf"))}
        yield {"world": world, "db": tmp / "archive.db", "log": result.log, "secrets": secrets}


def test_only_the_portals_own_report_is_archived(crawled):
    world = crawled["world"]
    urls = {url for (url,) in query(crawled["db"], "SELECT url FROM documents")}
    assert urls == world.expected[hostile.PORTAL_ID]
    fetched = {url for (url,) in query(crawled["db"], "SELECT url FROM fetches")}
    assert fetched == urls


def test_the_other_host_is_never_asked_for_anything(crawled):
    assert crawled["world"].sites[hostile.OTHER].log == []


def test_local_files_are_never_read(crawled):
    stored = {sha for (sha,) in query(crawled["db"], "SELECT sha256 FROM blobs")}
    assert stored and not stored & crawled["secrets"]


def test_every_refusal_is_counted_by_reason(crawled):
    (summary,) = [json.loads(s) for (s,) in query(crawled["db"], "SELECT summary FROM run_portals")]
    dropped = summary["dropped"]
    # secret.txt and the other host's report page are not even asked for: report pages off
    # the portal are skipped by the spider; what is named a file reaches the gate.
    assert dropped["scheme:file"] == 1 and dropped["scheme:data"] == 1 and dropped["scheme:ftp"] == 1
    assert dropped["address:private"] == 1
    # 2019.pdf, the backslashed 2018.pdf, the 302 and the refresh targets, the report's two files
    assert dropped["off_portal_host"] == 6
    (stats,) = query(crawled["db"], "SELECT stats FROM crawl_runs")
    # ...and in the stats, robots.txt requests included (the evil host's and the other's)
    stats = json.loads(stats[0])
    assert stats["scope/dropped/address:private"] == 2 and stats["scope/dropped/off_portal_host"] == 7

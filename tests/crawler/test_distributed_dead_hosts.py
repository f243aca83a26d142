"""Dead hosts and fair shares in a distributed run, on a real redis-server.

The portals of tests/crawler/test_dead_hosts.py (a host silent for its first two requests,
one silent for three) among live ones, crawled by two workers and a writer: a worker sets
a dead host aside like the single-machine crawl and hands its portal back to the run,
deferred; a worker takes it again for the host's second try, so the revived portal is
crawled and the silent one given up once, and every per-portal summary equals a
single-machine run's. The two workers, counted before the first portal is taken, share
the portals (the first to start used to lease up to 200 of them), and no host ever sees
more than two requests at once.
"""

from __future__ import annotations

import json
import re
import time

import pytest
import redis

from demo.scenarios import build_sites, many_classic_portals, write_registry
from demo.server import PortalServer
from tests.support.crawl import query, run_crawl
from tests.support.dead_hosts import SilentSite
from tests.support.distributed import CountingSite, enqueue, start_worker, start_writer, wait_all
from tests.support.redis_server import redis_server

pytestmark = pytest.mark.e2e

FAST_DEATH = {"FIRST_CONTACT_TIMEOUT": "1", "ROBOTSTXT_RETRY_DELAY": "0.2",
              "DOWNLOAD_DELAY": "0.05"}
REVIVED, SILENT = "d0001", "d0002"
PORTALS = 6
RUN_TIMEOUT = 240
PORTAL_LINE = re.compile(rf"\[\d+/{PORTALS}\] ")


def fresh_sites(server: PortalServer, portals, urls) -> tuple[dict, dict]:
    """Sites with their silences and counters reset: (silent sites, counting sites)."""
    sites = build_sites(portals, urls)
    silent = {REVIVED: SilentSite(sites[REVIVED], 2), SILENT: SilentSite(sites[SILENT], 3)}
    counting = {pid: CountingSite(site) for pid, site in sites.items() if pid not in silent}
    for portal_id, site in {**counting, **silent}.items():
        server.replace(portal_id, site)
    return silent, counting


def summaries(db) -> dict[str, dict]:
    rows = query(db, "SELECT portal_id, summary FROM run_portals WHERE run_id = 1")
    return {pid: {**json.loads(raw), "error_messages": sorted(json.loads(raw)["error_messages"])}
            for pid, raw in rows}


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("distributed-dead")
    portals = many_classic_portals(PORTALS, 2, name="停机{:02d}县人民政府", id_prefix="d",
                                   first_year=2021)
    registry = tmp / "portals.csv"
    with PortalServer() as server, redis_server(tmp / "redis") as redis_url:
        urls = server.bind([p.content.id for p in portals])
        server.start(build_sites(portals, urls))
        write_registry(registry, portals, urls)

        single_silent, _ = fresh_sites(server, portals, urls)
        single = run_crawl(registry, tmp / "single.db", extra=FAST_DEATH)
        assert single.returncode == 0, single.log[-3000:]

        silent, counting = fresh_sites(server, portals, urls)
        assert enqueue(redis_url, "dead", registry).returncode == 0
        logs = [tmp / f"w{n}.log" for n in range(2)]
        workers = [start_worker(registry, redis_url, "dead", logs[n], name=f"w{n}", extra=FAST_DEATH)
                   for n in range(2)]
        # Both workers count themselves before the writer lets them take portals.
        alive = redis.Redis.from_url(redis_url)
        wait_for(lambda: alive.zcard("zfxxgk:dead:alive") == 2, 120, "both workers")
        writer = start_writer(tmp / "distributed.db", redis_url, "dead", tmp / "writer.log")
        codes = wait_all([*workers, writer], RUN_TIMEOUT)
        texts = [log.read_text(errors="replace") for log in logs]
        assert codes == [0, 0, 0], "\n".join(t[-3000:] for t in texts)
        yield {"single": tmp / "single.db", "distributed": tmp / "distributed.db",
               "single_silent": single_silent, "silent": silent, "counting": counting,
               "logs": texts, "urls": urls}


def test_a_worker_sets_a_dead_host_aside_and_a_worker_tries_it_again_once(runs):
    for silent in (runs["single_silent"], runs["silent"]):
        assert silent[REVIVED].paths[:3] == ["/robots.txt"] * 3
        assert len(silent[REVIVED].paths) > 3  # crawled on its second try
        assert silent[SILENT].paths == ["/robots.txt"] * 3  # given up after it
    lines = "\n".join(runs["logs"]).splitlines()
    assert len([line for line in lines if "handed back until its dead host's second try" in line]) == 2
    given_up = [line for line in lines if "giving up on host" in line]
    assert len(given_up) == 1 and runs["urls"][SILENT].split("//")[1] in given_up[0]


def test_per_portal_summaries_equal_a_single_machine_run_with_dead_hosts(runs):
    one, many = summaries(runs["single"]), summaries(runs["distributed"])
    assert set(many) == set(one) and len(one) == PORTALS
    assert one[SILENT]["dead_reason"].startswith("robots.txt: ")
    assert one[REVIVED]["dead_reason"] is None and one[REVIVED]["new_documents"] > 0
    for portal_id in one:
        assert many[portal_id] == one[portal_id], portal_id


def test_two_workers_share_the_portals_and_each_host_sees_at_most_two_requests(runs):
    finished = [len(PORTAL_LINE.findall(text)) for text in runs["logs"]]
    assert sum(finished) == PORTALS
    assert min(finished) >= 2, finished  # ceil(6 / 2) = 3 each at first
    peaks = {pid: site.peak for pid, site in runs["counting"].items()}
    assert max(peaks.values()) <= 2, peaks

"""Two workers and an archive writer, on a real redis-server, against the fixture portals.

The distributed archive must equal a one-process crawl of the same portals (documents,
versions, report values, gone documents, per-portal summaries), over a first crawl and a
second one "a month later"; no host may ever see more than 2 requests at once across the
cluster; and a worker and the writer killed -9 mid-run and restarted must leave the same
archive, with every fetch the workers sent recorded exactly once.

Both sides run with a small DOWNLOAD_DELAY: with no delay at all, Scrapy's downloader
(2.19, asyncio reactor) starts every request queued for a host at once, whatever
CONCURRENT_REQUESTS_PER_DOMAIN says, in one process as in many.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest
import redis

from demo.scenarios import a_month_later, build_sites, fixture
from demo.server import PortalServer
from tests.support.crawl import query, run_crawl, serve
from tests.support.distributed import (
    CountingSite,
    enqueue,
    start_worker,
    start_writer,
    wait_all,
)
from tests.support.redis_server import redis_server

pytestmark = pytest.mark.e2e

POLITE = {"DOWNLOAD_DELAY": "0.05"}
RUN_TIMEOUT = 240


def counted_sites(server: PortalServer, portals, urls, *, first_run: bool = True) -> dict[str, CountingSite]:
    """Fresh sites (their transient faults reset) that count requests per host."""
    sites = {}
    for portal_id, site in build_sites(portals, urls, first_run=first_run).items():
        sites[portal_id] = CountingSite(site)
        server.replace(portal_id, sites[portal_id])
    return sites


def distributed_run(tmp: Path, redis_url: str, run_id: str, registry: Path, db: Path,
                    extra: dict[str, str] | None = None) -> None:
    done = enqueue(redis_url, run_id, registry)
    assert done.returncode == 0, done.stderr
    writer = start_writer(db, redis_url, run_id, tmp / f"{run_id}-writer.log")
    workers = [start_worker(registry, redis_url, run_id, tmp / f"{run_id}-w{n}.log",
                            name=f"w{n}", extra={**POLITE, **(extra or {})}) for n in range(2)]
    codes = wait_all([*workers, writer], RUN_TIMEOUT)
    assert codes == [0, 0, 0], logs(tmp, run_id)


def logs(tmp: Path, run_id: str) -> str:
    return "\n".join(f"== {p.name}\n{p.read_text(errors='replace')[-3000:]}"
                     for p in sorted(tmp.glob(f"{run_id}-*.log")))


def snapshot(db: Path, copy: Path) -> None:
    with sqlite3.connect(db) as source, sqlite3.connect(copy) as target:
        source.backup(target)


def archive_state(db: Path) -> dict:
    """Everything the archive knows about the reports, keyed by URL (ids differ per archive)."""
    documents = {url: (kind, gone is not None, parent)
                 for url, kind, gone, parent in query(db, """
        SELECT d.url, d.kind, d.gone_at, p.url FROM documents d
        LEFT JOIN documents p ON p.id = d.parent_document_id""")}
    versions = set(query(db, "SELECT d.url, v.n, v.sha256 FROM versions v "
                             "JOIN documents d ON d.id = v.document_id"))
    values = set(query(db, """
        SELECT d.url, rv.table_name, rv.row_key, rv.col_key, rv.value, rv.value_exact
        FROM report_values rv JOIN reports r ON r.id = rv.report_id
        JOIN versions v ON v.id = r.version_id JOIN documents d ON d.id = v.document_id"""))
    return {"documents": documents, "versions": versions, "values": values}


def summaries(db: Path, run_id: int) -> dict[str, dict]:
    rows = query(db, "SELECT portal_id, summary FROM run_portals WHERE run_id = ?", (run_id,))
    result = {}
    for portal_id, raw in rows:
        summary = json.loads(raw)
        summary["error_messages"] = sorted(summary["error_messages"])
        result[portal_id] = summary
    return result


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("distributed")
    portals = fixture()
    with PortalServer() as server, redis_server(tmp / "redis") as redis_url:
        urls = serve(server, portals, tmp / "portals.csv")
        yield {"tmp": tmp, "portals": portals, "urls": urls, "server": server,
               "redis": redis_url, "registry": tmp / "portals.csv"}


@pytest.fixture(scope="module")
def single(cluster):
    """The one-process crawl: a first run, then a run a month later."""
    tmp, server = cluster["tmp"], cluster["server"]
    db = tmp / "single.db"
    counted_sites(server, cluster["portals"], cluster["urls"])
    first = run_crawl(cluster["registry"], db, extra=POLITE)
    assert first.returncode == 0, first.log[-3000:]
    snapshot(db, tmp / "single-first.db")
    later, _ = a_month_later(cluster["portals"])
    counted_sites(server, later, cluster["urls"], first_run=False)
    second = run_crawl(cluster["registry"], db, extra=POLITE)
    assert second.returncode == 0, second.log[-3000:]
    return {"db": db, "first": tmp / "single-first.db", "later": later}


@pytest.fixture(scope="module")
def distributed(cluster, single):
    """The same two runs, each by two workers and a writer."""
    tmp, server = cluster["tmp"], cluster["server"]
    db = tmp / "distributed.db"
    sites = counted_sites(server, cluster["portals"], cluster["urls"])
    distributed_run(tmp, cluster["redis"], "first", cluster["registry"], db)
    peaks = {portal_id: site.peak for portal_id, site in sites.items()}
    snapshot(db, tmp / "distributed-first.db")
    sites = counted_sites(server, single["later"], cluster["urls"], first_run=False)
    distributed_run(tmp, cluster["redis"], "later", cluster["registry"], db)
    later_peaks = {portal_id: site.peak for portal_id, site in sites.items()}
    return {"db": db, "peaks": peaks, "later_peaks": later_peaks,
            "requests": sum(site.requests for site in sites.values())}


def test_two_workers_and_a_writer_archive_what_one_process_does(single, distributed):
    one, many = archive_state(single["db"]), archive_state(distributed["db"])
    assert len(one["documents"]) > 60 and len(one["values"]) > 1000  # a real crawl to compare
    assert any(gone for _, gone, _ in one["documents"].values())  # the removed report
    assert len({url for url, n, _ in one["versions"] if n == 2}) >= 1  # the revised report
    assert many["documents"] == one["documents"]
    assert many["versions"] == one["versions"]
    assert many["values"] == one["values"]


def test_per_portal_summaries_equal_a_single_machine_run(single, distributed):
    for run_id in (1, 2):
        one, many = summaries(single["db"], run_id), summaries(distributed["db"], run_id)
        assert set(many) == set(one)
        for portal_id in one:
            assert many[portal_id] == one[portal_id], portal_id


def test_no_host_ever_sees_more_than_two_requests_at_once(distributed):
    assert distributed["requests"] > 100
    for peaks in (distributed["peaks"], distributed["later_peaks"]):
        assert max(peaks.values()) <= 2, peaks
    # The cap was reached (the slow page keeps one request open while the next arrives),
    # so the check above means something.
    assert distributed["peaks"]["qinghe"] == 2


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def fetch_count(db: Path) -> int:
    try:
        return query(db, "SELECT count(*) FROM fetches")[0][0]
    except sqlite3.Error:  # not created yet
        return 0


def test_killed_worker_and_writer_restart_and_lose_nothing(cluster, single):
    tmp, server, redis_url = cluster["tmp"], cluster["server"], cluster["redis"]
    db, run_id, registry = tmp / "killed.db", "killed", cluster["registry"]
    counted_sites(server, cluster["portals"], cluster["urls"])
    # Slow enough to be killed mid-run: two portals per worker, 0.3 s between requests; a
    # dead worker's portals move on 3 s after its last lease renewal.
    slow = {"DOWNLOAD_DELAY": "0.3", "PORTALS_PER_WORKER": "2", "LEASE_SECONDS": "3"}
    assert enqueue(redis_url, run_id, registry).returncode == 0
    log = tmp / f"{run_id}-procs.log"
    writer = start_writer(db, redis_url, run_id, log)
    workers = [start_worker(registry, redis_url, run_id, log, name=f"k{n}", extra=slow)
               for n in range(2)]
    wait_for(lambda: fetch_count(db) >= 12, 120, "a dozen fetches")
    workers[0].kill()  # SIGKILL: no clean-up of any kind
    workers[0].wait()
    workers[0] = start_worker(registry, redis_url, run_id, log, name="k0-again", extra=slow)
    wait_for(lambda: fetch_count(db) >= 35, 120, "more fetches")
    writer.kill()
    writer.wait()
    # The workers go on sending while no writer records: the stream fills, then drains.
    stream = redis.Redis.from_url(redis_url)
    wait_for(lambda: stream.xlen(f"zfxxgk:{run_id}:records") > 0, 60, "a backlog")
    writer = start_writer(db, redis_url, run_id, log)
    codes = wait_all([*workers, writer], RUN_TIMEOUT)
    assert codes == [0, 0, 0], log.read_text(errors="replace")[-6000:]
    assert "took over portal" in log.read_text(errors="replace")

    killed, one = archive_state(db), archive_state(single["first"])
    assert killed == one
    sent = int(stream.get(f"zfxxgk:{run_id}:sent"))
    fetches, uuids = query(db, "SELECT count(*), count(DISTINCT fetch_uuid) FROM fetches")[0]
    assert fetches == uuids == sent  # every fetch a worker sent, recorded once
    assert stream.xlen(f"zfxxgk:{run_id}:records") == 0
    assert summaries(db, 1) == summaries(single["first"], 1)

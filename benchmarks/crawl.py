"""Crawl benchmark: 200 portals x 3 list pages x 10 reports on loopback, against `scrapy bench`.

Serves 200 classic-family portals (each on its own 127.0.0.x, so per-host slots behave as
on the internet), runs the real `scrapy crawl county_portals` with politeness delays off
(concurrency limits and robots.txt stay on), parsing and archiving every report, and runs
`scrapy bench` on the same machine in the same run as the baseline, once before and once
after the crawl: on a machine shared with other work the load changes between the two, and
the ratio is taken against their mean (both are printed, with the load averages). Rates are
responses received per second of crawl time, from each crawl's own final Scrapy stats; the
CPU-seconds per page of both sides are printed too, as they depend far less on the load.

    .venv/bin/python benchmarks/crawl.py [--portals 200] [--reports 30] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from demo.crawl import crawl_command, crawl_environment  # noqa: E402
from demo.families.classic import PAGE_SIZE  # noqa: E402
from demo.scenarios import ScenarioPortal, build_sites, many_classic_portals, write_registry  # noqa: E402
from demo.server import PortalServer  # noqa: E402

STATS_DUMP = re.compile(r"Dumping Scrapy stats:\n(\{.*?\})\n", re.S)
DATETIME = re.compile(r"datetime\.datetime\([^)]*\)")


def benchmark_portals(count: int, reports: int) -> list[ScenarioPortal]:
    """`count` portals, each with one column of `reports` distinct reports (10 per page)."""
    return many_classic_portals(count, reports, name="基准{:03d}县人民政府", id_prefix="bench",
                                first_year=2000)


def final_stats(log: str) -> dict:
    match = STATS_DUMP.search(log)
    if not match:
        raise RuntimeError("no stats dump in the crawl log:\n" + log[-2000:])
    return ast.literal_eval(DATETIME.sub("None", match.group(1)))


def rate(stats: dict) -> float:
    return stats["response_received_count"] / stats["elapsed_time_seconds"]


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def run_crawl(portals: list[ScenarioPortal], tmp: Path, concurrency: int) -> tuple[dict, float, float]:
    """Crawl stats, wall seconds, and CPU seconds the fixture server (this process) spent."""
    with PortalServer() as server:
        urls = server.bind([p.content.id for p in portals])
        server.start(build_sites(portals, urls))
        registry = write_registry(tmp / "bench_portals.csv", portals, urls)
        command = crawl_command(registry, tmp / "bench.db", log_level="INFO",
                                extra={"CONCURRENT_REQUESTS": str(concurrency)})
        started, server_cpu = time.perf_counter(), cpu_seconds(resource.RUSAGE_SELF)
        done = subprocess.run(command, cwd=ROOT, env=crawl_environment(), capture_output=True,
                              text=True, check=False)
        wall = time.perf_counter() - started
        server_cpu = cpu_seconds(resource.RUSAGE_SELF) - server_cpu
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return final_stats(done.stderr), wall, server_cpu


def run_scrapy_bench(tmp: Path) -> dict:
    """`scrapy bench` outside the project, i.e. with Scrapy's default settings."""
    env = {k: v for k, v in crawl_environment().items() if k != "SCRAPY_SETTINGS_MODULE"}
    done = subprocess.run([sys.executable, "-m", "scrapy", "bench"], cwd=tmp, env=env,
                          capture_output=True, text=True, check=False)
    return final_stats(done.stderr)


def timed_scrapy_bench(tmp: Path) -> tuple[dict, float]:
    """`scrapy bench`'s final stats and the CPU seconds its process used."""
    before = cpu_seconds(resource.RUSAGE_CHILDREN)
    stats = run_scrapy_bench(tmp)
    return stats, cpu_seconds(resource.RUSAGE_CHILDREN) - before


def archived(db: Path) -> tuple[int, int]:
    import sqlite3

    with sqlite3.connect(db) as conn:
        documents = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        reports = conn.execute("SELECT count(*) FROM reports WHERE is_report").fetchone()[0]
    return documents, reports


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--portals", type=int, default=200)
    parser.add_argument("--reports", type=int, default=3 * PAGE_SIZE, help="per portal (10 per list page)")
    parser.add_argument("--concurrency", type=int, default=16, help="CONCURRENT_REQUESTS (per host stays 2)")
    args = parser.parse_args()

    portals = benchmark_portals(args.portals, args.reports)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="zfxxgk-bench-") as name:
        tmp = Path(name)
        bench_before, bench_cpu_before = timed_scrapy_bench(tmp)
        crawl_cpu = cpu_seconds(resource.RUSAGE_CHILDREN)
        stats, wall, server_cpu = run_crawl(portals, tmp, args.concurrency)
        crawl_cpu = cpu_seconds(resource.RUSAGE_CHILDREN) - crawl_cpu
        documents, reports = archived(tmp / "bench.db")
        bench_after, bench_cpu_after = timed_scrapy_bench(tmp)
    load_after = os.getloadavg()[0]

    ours = rate(stats)
    baselines = (rate(bench_before), rate(bench_after))
    baseline = sum(baselines) / 2
    server_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"portals: {args.portals} x {args.reports // PAGE_SIZE} list pages x {PAGE_SIZE} reports; "
          f"1-min load average {load_before:.1f} before, {load_after:.1f} after (2 cores: other "
          "work on the machine slows both sides)")
    print(f"county_portals: {stats['response_received_count']} responses in "
          f"{stats['elapsed_time_seconds']:.1f} s = {ours:.1f} pages/s "
          f"(wall incl. startup {wall:.1f} s); {documents} documents archived, {reports} parsed as reports")
    print(f"peak RSS: crawl process {stats['memusage/max'] / 2**20:.0f} MB (Scrapy's memusage); "
          f"fixture server {server_rss_mb:.0f} MB")
    cpu = stats["cpu_seconds/crawl"] + stats["cpu_seconds/archive"]
    print(f"CPU: crawl process {stats['cpu_seconds/crawl']:.0f} s, archive processes "
          f"{stats['cpu_seconds/archive']:.0f} s = {stats['response_received_count'] / cpu:.1f} "
          f"pages per CPU-second ({crawl_cpu:.0f} s with startup); the fixture server took "
          f"{server_cpu:.0f} s more")
    for when, bench, bench_cpu in (("before", bench_before, bench_cpu_before),
                                   ("after", bench_after, bench_cpu_after)):
        print(f"scrapy bench {when + ':':7s} {bench['response_received_count']} responses in "
              f"{bench['elapsed_time_seconds']:.1f} s = {rate(bench):.1f} pages/s "
              f"({bench['response_received_count'] / bench_cpu:.1f} pages per CPU-second)")
    print(f"ratio: {ours / baseline:.2f} of scrapy bench's mean {baseline:.1f} pages/s (target >= 0.50; "
          f"{ours / max(baselines):.2f} to {ours / min(baselines):.2f} against either run)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

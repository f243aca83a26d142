"""Broad-crawl benchmark: many portals with real-world faults, crawled with the polite settings.

Serves --portals classic-family portals (default 1,000), each on its own 127.x.y.z, from one
asyncio server (`demo.many_hosts`): 50-400 ms per response; 10% of hosts accept connections
and never answer, 5% answer in 3-8 s, 3% reset every connection. Then the --phases, in
this order:

- cpu: the CPU-bound rate: the live portals crawled with delays and AutoThrottle off (one
  process, 400 slots): what this machine can download, parse and archive per second;
- polite: every portal, with the project's DEFAULT settings (robots.txt, 2 per host, 1-3 s
  delay, AutoThrottle, retries, dead hosts set aside), in one process;
- distributed: the same polite crawl by one archive writer and --workers workers on a real
  redis-server (the workers count themselves in before the writer lets them start);
- bound: the comparison "when the ceiling is politeness": --slots-portals portals crawled
  by 1 worker and by 2 workers each limited to --slots download slots, so that the delays,
  not the CPU, bound the rate.

It prints pages/s, the ceiling (the lower of the politeness ceiling computed from the
settings and the live hosts, and the CPU-bound rate), their ratio, time lost to dead hosts,
the peak RSS and CPU-seconds of every process (VmHWM and utime+stime, sampled from /proc),
and the projected wall time of a crawl of the bundled registry. The machine may be shared:
each figure comes with the load average.

Peak memory grows with the portals in flight (scheduler queues, duplicate filter,
per-portal summaries, leases), not with their reports: `--portals 3000 --reports 1
--phases polite,distributed` measures it at 3,000 portals in a fraction of the time.

    .venv/bin/python benchmarks/broad_crawl.py [--portals 1000] [--reports 5] [--phases cpu,polite]
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler import settings as project  # noqa: E402
from crawler.registry import load_registry  # noqa: E402
from demo.crawl import crawl_environment  # noqa: E402
from demo.many_hosts import (  # noqa: E402
    BLACKHOLE,
    NORMAL,
    RESET,
    SLOW,
    ManyHostsServer,
    assign_behaviours,
    host_address,
)
from demo.scenarios import ScenarioPortal, build_sites, many_classic_portals, write_registry  # noqa: E402

STATS_DUMP = re.compile(r"Dumping Scrapy stats:\n(\{.*?\})\n", re.S)
DATETIME = re.compile(r"datetime\.datetime\([^)]*\)")
CONTACT = "zfxxgk broad-crawl benchmark on loopback"
REQUESTS_PER_PORTAL = 175  # a real portal: 50-300 requests (sections, lists, reports, files)


def portals_of(count: int, reports: int) -> list[ScenarioPortal]:
    return many_classic_portals(count, reports, name="广域{:04d}县人民政府", id_prefix="b",
                                first_year=2015)


class RssSampler:
    """Peak RSS (VmHWM) of a process and all its descendants, sampled until they exit."""

    def __init__(self) -> None:
        self.peaks: dict[int, tuple[str, float]] = {}
        self.cpu: dict[int, float] = {}  # pid -> utime + stime, seconds, last sampled
        self.roots: dict[int, str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def watch(self, pid: int, label: str) -> None:
        self.roots[pid] = label

    def _children(self) -> dict[int, int]:
        parents = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                    parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    pass
        return parents

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            parents = self._children()
            labels = dict(self.roots)
            changed = True
            while changed:
                changed = False
                for pid, parent in parents.items():
                    if parent in labels and pid not in labels:
                        labels[pid] = labels[parent] + " child"
                        changed = True
            for pid, label in labels.items():
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    self.cpu[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmHWM:"):
                            mb = int(line.split()[1]) / 1024
                            if mb > self.peaks.get(pid, ("", 0))[1]:
                                self.peaks[pid] = (label, mb)
                except OSError:
                    pass

    def report(self, prefix: str) -> str:
        rows = sorted(self.peaks.items(), key=lambda row: -row[1][1])
        return "; ".join(f"{label} {mb:.0f} MB ({self.cpu.get(pid, 0):.0f} CPU-s)"
                         for pid, (label, mb) in rows if label.startswith(prefix))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def final_stats(log: str) -> dict:
    match = STATS_DUMP.search(log)
    if not match:
        raise RuntimeError("no stats dump in the crawl log:\n" + log[-3000:])
    return ast.literal_eval(DATETIME.sub("None", match.group(1)))


def scrapy_command(registry: Path, db: Path, settings: dict[str, str]) -> list[str]:
    command = [sys.executable, "-m", "scrapy", "crawl", "county_portals", "-a", f"portals={registry}",
               "-s", f"ARCHIVE_DB={db}", "-s", f"CONTACT={CONTACT}", "-s", "LOG_LEVEL=INFO",
               "-s", "PROGRESS_INTERVAL=30",
               # the scope gate refuses loopback addresses unless told they are ours
               "-s", "SCOPE_ALLOWED_NETWORKS=127.0.0.0/8"]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    return command


def run_single(registry: Path, db: Path, settings: dict[str, str], sampler: RssSampler,
               label: str) -> tuple[dict, str, float]:
    started = time.monotonic()
    process = subprocess.Popen(scrapy_command(registry, db, settings), cwd=ROOT,
                               env=crawl_environment(), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    sampler.watch(process.pid, label)
    log, _ = process.communicate()
    wall = time.monotonic() - started
    if os.environ.get("BROAD_CRAWL_LOGS"):
        Path(os.environ["BROAD_CRAWL_LOGS"], label.replace(" ", "-") + ".log").write_text(log)
    if process.returncode != 0:
        raise RuntimeError(f"{label} failed:\n{log[-3000:]}")
    return final_stats(log), log, wall


def start_redis(directory: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen([shutil.which("redis-server") or "redis-server", "--port", str(port),
                                "--bind", "127.0.0.1", "--dir", str(directory), "--save", "",
                                "--appendonly", "no"], stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    for _ in range(200):
        try:
            redis.Redis.from_url(url).ping()
            return process, url
        except redis.ConnectionError:
            time.sleep(0.05)
    raise RuntimeError("redis-server did not start")


def run_distributed(registry: Path, db: Path, workers: int, settings: dict[str, str],
                    sampler: RssSampler, tmp: Path, label: str) -> tuple[list[dict], float]:
    import redis

    redis_process, url = start_redis(tmp)
    try:
        run_id = f"bench-{label}"
        env = crawl_environment()
        subprocess.run([sys.executable, "-m", "cli.main", "enqueue", "--redis", url, "--run", run_id,
                        "--portals", str(registry)], cwd=ROOT, env=env, check=True,
                       capture_output=True)
        started = time.monotonic()
        procs = []
        for n in range(workers):
            command = scrapy_command(registry, tmp / "unused.db", {
                **settings, "REDIS_URL": url, "RUN_ID": run_id, "WORKER_NAME": f"w{n}"})
            procs.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                          stderr=subprocess.STDOUT, text=True))
            sampler.watch(procs[-1].pid, f"{label} worker {n}")
        # Every worker counts itself in before any portal is leased: fair shares from the start.
        server = redis.Redis.from_url(url)
        deadline = time.monotonic() + 300
        while server.zcard(f"zfxxgk:{run_id}:alive") < workers:
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                raise RuntimeError(f"{label}: the workers did not start")
            time.sleep(0.2)
        writer = subprocess.Popen([sys.executable, "-m", "cli.main", "archive-writer", str(db),
                                   "--redis", url, "--run", run_id], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        sampler.watch(writer.pid, f"{label} writer")
        # Output is read by threads: a worker blocked on a full pipe would stall the run.
        logs: list[str] = [""] * workers

        def drain(n: int) -> None:
            logs[n] = procs[n].communicate()[0]

        readers = [threading.Thread(target=drain, args=(n,)) for n in range(workers)]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join()
        if os.environ.get("BROAD_CRAWL_LOGS"):
            for n, log in enumerate(logs):
                Path(os.environ["BROAD_CRAWL_LOGS"], f"{label}-w{n}.log").write_text(log)
        if writer.wait() != 0 or any(p.returncode for p in procs):
            raise RuntimeError(f"{label} failed:\n" + "\n".join(log[-2000:] for log in logs))
        return [final_stats(log) for log in logs], time.monotonic() - started
    finally:
        redis_process.terminate()
        redis_process.wait()


def mean_delay() -> float:
    """DOWNLOAD_DELAY_JITTER draws the delay uniformly around DOWNLOAD_DELAY: its mean."""
    return project.DOWNLOAD_DELAY


def politeness_ceiling(behaviours: list, slots: int) -> float:
    """Requests/s the settings allow on the live hosts: one request per delay per host (the
    delay spaces request starts; AutoThrottle raises it to a slow host's latency), within
    the global slots at the hosts' mean latency."""
    delay = mean_delay()
    per_host = sum(1 / max(delay, sum(b.latency) / 2) for b in behaviours if b.kind in (NORMAL, SLOW))
    live = [b for b in behaviours if b.kind in (NORMAL, SLOW)]
    mean_latency = sum(sum(b.latency) / 2 for b in live) / len(live)
    return min(per_host, slots / mean_latency)


def steady_rate(served: list[tuple[float, str]], normal: set[str]) -> tuple[float, float, float]:
    """(pages/s, window s, tail s): responses per second from the first response to the last
    one of a normal host, i.e. without the tail where only slow hosts (3-8 s a page) and the
    dead hosts' second try are left; in a crawl of real size that tail is a few minutes of
    hours."""
    first, last = served[0][0], max(t for t, pid in served if pid in normal)
    window = last - first
    count = sum(1 for t, _ in served if t <= last)
    return count / window, window, served[-1][0] - last


PHASES = ("cpu", "polite", "distributed", "bound")


def phases_argument(value: str) -> list[str]:
    phases = [phase.strip() for phase in value.split(",") if phase.strip()]
    unknown = [phase for phase in phases if phase not in PHASES]
    if unknown or not phases:
        raise argparse.ArgumentTypeError(f"unknown phase(s) {unknown or value!r}: choose from "
                                         f"{', '.join(PHASES)}")
    return phases


def load() -> str:
    return "load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--portals", type=int, default=1000)
    parser.add_argument("--reports", type=int, default=10, help="report pages per portal")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--phases", type=phases_argument, default=list(PHASES),
                        help=f"comma-separated, of {','.join(PHASES)} (default: all)")
    parser.add_argument("--slots", type=int, default=16,
                        help="download slots per worker in the politeness-bound comparison")
    parser.add_argument("--slots-portals", type=int, default=60,
                        help="portals in the politeness-bound comparison")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    if args.portals < 20:
        parser.error("--portals: at least 20, so that every kind of host is there")
    if args.reports < 1:
        parser.error("--reports: at least 1")

    portals = portals_of(args.portals, args.reports)
    kinds = assign_behaviours(len(portals), seed=args.seed)
    behaviours = {p.content.id: b for p, b in zip(portals, kinds, strict=True)}
    addresses = {p.content.id: host_address(i) for i, p in enumerate(portals)}
    port = ManyHostsServer.free_port(host_address(0))
    urls = {pid: f"http://{address}:{port}" for pid, address in addresses.items()}
    sites = build_sites(portals, urls)
    server = ManyHostsServer(sites, behaviours, addresses, port, seed=args.seed)
    server.start()
    sampler = RssSampler()
    live = [p for p in portals if behaviours[p.content.id].kind in (NORMAL, SLOW)]
    normal = {pid for pid, b in behaviours.items() if b.kind == NORMAL}
    count = {k: sum(b.kind == k for b in kinds) for k in (NORMAL, SLOW, BLACKHOLE, RESET)}
    print(f"{args.portals} portals x ({args.reports} reports + robots, home, section, list): "
          f"{count[NORMAL]} normal (50-400 ms), {count[SLOW]} slow (3-8 s), {count[BLACKHOLE]} "
          f"never answer, {count[RESET]} reset; phases {','.join(args.phases)}; {load()} (2 cores)")
    if args.reports < 5:
        print(f"(only {args.reports} report(s) a portal: a measure of memory with "
              f"{args.portals} portals in flight, not of a real portal's length)")
    polite_ceiling = politeness_ceiling(kinds, project.CONCURRENT_REQUESTS)
    cpu_rate = None
    single = None
    try:
        with tempfile.TemporaryDirectory(prefix="zfxxgk-broad-") as name:
            tmp = Path(name)
            all_registry = write_registry(tmp / "all.csv", portals, urls)

            if "cpu" in args.phases:
                live_registry = write_registry(tmp / "live.csv", live, urls)
                cpu_stats, _, cpu_wall = run_single(live_registry, tmp / "cpu.db", {
                    "DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False"}, sampler, "cpu-bound crawl")
                cpu_rate = cpu_stats["response_received_count"] / cpu_stats["elapsed_time_seconds"]
                cpu_seconds = cpu_stats["cpu_seconds/crawl"] + cpu_stats["cpu_seconds/archive"]
                print(f"CPU-bound (live portals, delays off): {cpu_stats['response_received_count']} "
                      f"responses in {cpu_stats['elapsed_time_seconds']:.0f} s = {cpu_rate:.1f} pages/s; "
                      f"{cpu_seconds:.0f} CPU-s (crawl {cpu_stats['cpu_seconds/crawl']:.0f}, archive "
                      f"{cpu_stats['cpu_seconds/archive']:.0f}) = "
                      f"{cpu_stats['response_received_count'] / cpu_seconds:.1f} pages per CPU-second; "
                      f"{load()}")

            if "polite" in args.phases:
                mark = len(server.served)
                stats, _, wall = run_single(all_registry, tmp / "polite.db", {}, sampler, "polite crawl")
                rate = stats["response_received_count"] / stats["elapsed_time_seconds"]
                steady, window, tail = steady_rate(server.served[mark:], normal)
                single = (rate, steady)
                polite_cpu = stats["cpu_seconds/crawl"] + stats["cpu_seconds/archive"]
                print(f"polite crawl (default settings, all portals): {stats['response_received_count']} "
                      f"responses in {stats['elapsed_time_seconds']:.0f} s = {rate:.1f} pages/s "
                      f"(wall {wall:.0f} s; {polite_cpu:.0f} CPU-s: crawl "
                      f"{stats['cpu_seconds/crawl']:.0f}, archive {stats['cpu_seconds/archive']:.0f}); "
                      f"{load()}")
                if cpu_rate is not None:
                    ceiling = min(polite_ceiling, cpu_rate)
                    print(f"ceiling: {ceiling:.1f} pages/s = min(politeness {polite_ceiling:.1f}, "
                          f"CPU-bound {cpu_rate:.1f}); ratio {rate / ceiling:.2f} (target >= 0.80)")
                    print(f"  steady part: {steady:.1f} pages/s over {window:.0f} s until the last "
                          f"normal host's last page, ratio {steady / ceiling:.2f}; then a {tail:.0f} s "
                          "tail of slow hosts and the dead hosts' second try")
                print(f"dead hosts: {stats.get('zfxxgk/dead_hosts_set_aside', 0)} set aside, "
                      f"{stats.get('zfxxgk/dead_hosts_given_up', 0)} given up; request-seconds spent "
                      f"waiting on them {stats.get('zfxxgk/dead_host_seconds_lost', 0):.0f} (of "
                      f"{project.CONCURRENT_REQUESTS} slots x {stats['elapsed_time_seconds']:.0f} s)")
            if "polite" in args.phases and cpu_rate is not None:  # the ceiling needs both
                registry_size = len(load_registry())
                total = registry_size * REQUESTS_PER_PORTAL
                per_cpu_s = stats["response_received_count"] / polite_cpu
                registry_ceiling = politeness_ceiling(assign_behaviours(registry_size, seed=1),
                                                      project.CONCURRENT_REQUESTS)
                projected = max(total / min(registry_ceiling, cpu_rate),
                                REQUESTS_PER_PORTAL * mean_delay())
                print(f"projected monthly crawl of the bundled registry ({registry_size} portals x "
                      f"{REQUESTS_PER_PORTAL} requests = {total} requests): {projected / 3600:.1f} h "
                      f"on this machine at the ceiling (target <= 12 h; CPU: {per_cpu_s:.1f} pages "
                      f"per CPU-second in the polite crawl, i.e. {total / per_cpu_s / 3600 / 2:.1f} h "
                      "of both cores)")

            if "distributed" in args.phases:
                mark = len(server.served)
                dist, dist_wall = run_distributed(all_registry, tmp / "dist.db", args.workers, {},
                                                  sampler, tmp, "distributed")
                responses = sum(s.get("response_received_count", 0) for s in dist)
                dist_steady, _, _ = steady_rate(server.served[mark:], normal)
                worker_cpu = sum(s.get("cpu_seconds/crawl", 0) for s in dist)
                compared = (f" (one process: {single[0]:.1f}, {single[1]:.1f})" if single else "")
                print(f"distributed ({args.workers} workers + 1 writer, default settings): "
                      f"{responses} responses in {dist_wall:.0f} s = {responses / dist_wall:.1f} "
                      f"pages/s, steady part {dist_steady:.1f} pages/s{compared}; workers "
                      f"{worker_cpu:.0f} CPU-s, responses per worker "
                      f"{[s.get('response_received_count', 0) for s in dist]}; {load()}")

            if "bound" in args.phases:
                # Normal hosts only: the comparison is of throughput, not of the same tail of
                # slow and dead hosts that both runs would wait for.
                few = [p for p in portals if behaviours[p.content.id].kind == NORMAL][:args.slots_portals]
                few_registry = write_registry(tmp / "few.csv", few, urls)
                bound = {"CONCURRENT_REQUESTS": str(args.slots)}
                rates = {}
                for workers in (1, 2):
                    mark = len(server.served)
                    run_distributed(few_registry, tmp / f"few{workers}.db", workers, bound,
                                    sampler, tmp, f"bound-{workers}")
                    served = server.served[mark:]
                    rates[workers] = len(served) / (served[-1][0] - served[0][0])
                print(f"politeness-bound ({len(few)} portals, {args.slots} slots per worker): "
                      f"first to last response: 1 worker {rates[1]:.1f} pages/s, 2 workers "
                      f"{rates[2]:.1f} pages/s = {rates[2] / rates[1]:.2f}x (target >= 1.6x); {load()}")
    finally:
        sampler.stop()
        server.stop()
    print("peak RSS (CPU-seconds): " + sampler.report(""))
    print(f"fixture server (this process): {__import__('resource').getrusage(0).ru_maxrss / 1024:.0f} MB, "
          f"{len(server.served)} responses")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Hostile-web benchmark: peak memory of every crawl process against bombs and traps.

Serves one portal per case on loopback and runs the real `scrapy crawl county_portals`
against it, sampling the resident memory (RSS) of the crawl process and of every process
it starts (archive processes, parse workers, converters) with psutil, ten times a second.
The baseline, measured in the same run, is a portal with one ordinary report. Cases:

- ``huge-page``: a 199 MiB report page (stopped at DOWNLOAD_MAXSIZE_BY_TYPE, 10 MiB);
- ``gzip-bomb``: a 200 KiB gzip body that inflates to 400 MiB (stopped at DOWNLOAD_MAXSIZE);
- ``links``: a list page with 100,000 links;
- ``paging``: a 年报 column whose every page links one more (stopped by the pattern budget).

    .venv/bin/python benchmarks/hostile.py [--cases huge-page,gzip-bomb,links,paging]

Prints, per case: wall seconds, the crawl's exit code, peak RSS of the crawl process, of
the largest other process and of all of them together, and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from html import escape
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from demo import bomb_portal, traps  # noqa: E402
from demo.crawl import crawl_command, crawl_environment  # noqa: E402
from demo.server import PortalServer  # noqa: E402
from demo.site import Page, Site  # noqa: E402

MIB = 1024**2
LINKS = 100_000


def links_site() -> Site:
    site = bomb_portal.build(huge_bytes=1, inflated_bytes=1)
    rows = "".join(f'<li><a href="/xxgk/{n}.html">第{n}条信息</a><span>2024-01-20</span></li>' for n in range(LINKS))
    site.add(bomb_portal.COLUMN, Page(bomb_portal.html("政府信息公开年报", f"<ul>{rows}</ul>")))
    return site


def baseline_site() -> Site:
    site = bomb_portal.build(huge_bytes=1, inflated_bytes=1)
    site.add(bomb_portal.COLUMN, Page(bomb_portal.html("政府信息公开年报", (
        f'<ul><li><a href="{bomb_portal.GOOD}">{escape(bomb_portal.NAME)}2023年政府信息公开工作年度报告</a>'
        "<span>2024-01-20</span></li></ul>"))))
    return site


CASES = {
    "baseline": baseline_site,
    "huge-page": lambda: bomb_portal.build(huge_bytes=199 * MIB, inflated_bytes=1),
    "gzip-bomb": lambda: bomb_portal.build(huge_bytes=1, inflated_bytes=400 * MIB),
    "links": links_site,
    "paging": lambda: traps.TrapSite(traps.PAGING),
}


class PeakMemory(threading.Thread):
    """Samples the RSS of a process and its descendants until it exits."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.peaks: dict[int, tuple[str, int]] = {}
        self.total = 0

    def run(self) -> None:
        while self.root.is_running() and self.root.status() != psutil.STATUS_ZOMBIE:
            total = 0
            try:
                family = [self.root, *self.root.children(recursive=True)]
            except psutil.NoSuchProcess:
                break
            for process in family:
                try:
                    rss = process.memory_info().rss
                    name = " ".join(process.cmdline()[1:4])[:60]
                except psutil.Error:
                    continue
                total += rss
                if rss > self.peaks.get(process.pid, ("", 0))[1]:
                    self.peaks[process.pid] = (name, rss)
            self.total = max(self.total, total)
            time.sleep(0.1)


def measure(case: str, tmp: Path) -> dict:
    with PortalServer() as server:
        (url,) = server.bind([case]).values()
        server.start({case: CASES[case]()})
        registry = (bomb_portal.write_registry if case != "paging" else traps_registry)(tmp / f"{case}.csv", url)
        command = crawl_command(registry, tmp / f"{case}.db", log_level="WARNING",
                                extra={"DOWNLOAD_TIMEOUT": "120"})
        started = time.perf_counter()
        crawl = subprocess.Popen(command, cwd=ROOT, env=crawl_environment(),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        sampler = PeakMemory(crawl.pid)
        sampler.start()
        code = crawl.wait(timeout=1800)
        sampler.join(5)
        wall = time.perf_counter() - started
    crawl_peak = sampler.peaks.get(crawl.pid, ("", 0))[1]
    others = [rss for pid, (_, rss) in sampler.peaks.items() if pid != crawl.pid]
    return {"wall": wall, "code": code, "crawl": crawl_peak, "other": max(others, default=0),
            "total": sampler.total}


def traps_registry(path: Path, url: str) -> Path:
    path.write_text("id,name,region_code,level,url,report_column_url\n"
                    f"paging,{traps.NAMES[traps.PAGING]},130534,county,{url}/,{url}{traps.COLUMN}\n",
                    encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="huge-page,gzip-bomb,links,paging")
    args = parser.parse_args(argv)
    cases = ["baseline", *[c for c in args.cases.split(",") if c]]
    with tempfile.TemporaryDirectory(prefix="zfxxgk-hostile-") as tmp:
        results = {case: measure(case, Path(tmp)) for case in cases}
    base = results["baseline"]["total"] or 1
    print(f"{'case':<12}{'wall s':>8}{'exit':>6}{'crawl MiB':>11}{'largest other MiB':>19}"
          f"{'all MiB':>9}{'x baseline':>12}")
    for case, r in results.items():
        print(f"{case:<12}{r['wall']:>8.1f}{r['code']:>6}{r['crawl'] / MIB:>11.0f}"
              f"{r['other'] / MIB:>19.0f}{r['total'] / MIB:>9.0f}{r['total'] / base:>12.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

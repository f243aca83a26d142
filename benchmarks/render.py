"""Rendering-fallback benchmark: what a column read through Chromium costs over a static one.

Serves the same portals twice on loopback — once as the classic family (20 documents a
column, paged by plain links: read statically) and once as the script-paged family (the
pager only exists once a browser ran the page's script: read through the rendering
fallback) — and runs the real `scrapy crawl county_portals` on each set, politeness delays
off. Both crawls archive the same reports, so the difference is the browser. Printed: CPU
seconds of the whole crawl (crawl process, archive processes, Playwright's driver and
Chromium: every process the crawl started, measured when reaped), wall seconds, renders,
and the extra CPU seconds per rendered column.

    .venv/bin/python benchmarks/render.py [--portals 4]
"""

from __future__ import annotations

import argparse
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from demo.crawl import crawl_command, crawl_environment  # noqa: E402
from demo.scenarios import ScenarioPortal, build_sites, standard_portal, write_registry  # noqa: E402
from demo.server import PortalServer  # noqa: E402

RENDERS = re.compile(r"'zfxxgk/renders': (\d+)")
YEARS = range(2009, 2025)  # 16 reports + 4 look-alikes: 20 documents, two list pages


def portals(family: str, count: int) -> list[ScenarioPortal]:
    return [standard_portal(f"{family}{index}", f"渲染基准{index}县人民政府", f"{350100 + index}",
                            family, years=YEARS)
            for index in range(count)]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def crawl(family: str, count: int, tmp: Path) -> tuple[float, float, int, int]:
    """(CPU seconds, wall seconds, renders, report pages archived) of one crawl."""
    scenario = portals(family, count)
    with PortalServer() as server:
        urls = server.bind([p.content.id for p in scenario])
        server.start(build_sites(scenario, urls))
        registry = write_registry(tmp / f"{family}.csv", scenario, urls)
        db = tmp / f"{family}.db"
        command = crawl_command(registry, db, log_level="INFO")
        cpu, started = children_cpu(), time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, env=crawl_environment(), capture_output=True,
                              text=True, check=False)
        wall, cpu = time.perf_counter() - started, children_cpu() - cpu
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    with sqlite3.connect(db) as conn:
        pages = conn.execute("SELECT count(*) FROM documents WHERE kind = 'report_page'").fetchone()[0]
    return cpu, wall, renders_in(done.stderr), pages


def renders_in(log: str) -> int:
    """The crawl's ``zfxxgk/renders`` stat, from its final stats dump (0 when absent)."""
    match = RENDERS.search(log)
    return int(match.group(1)) if match else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--portals", type=int, default=4)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        static = crawl("classic", args.portals, Path(tmp))
        rendered = crawl("jspager", args.portals, Path(tmp))
    for name, (cpu, wall, renders, pages) in (("static (classic)", static), ("rendered (jspager)", rendered)):
        print(f"{name:<20} cpu {cpu:6.1f} s   wall {wall:6.1f} s   renders {renders:3d}   "
              f"report pages {pages}")
    if rendered[2]:
        extra = (rendered[0] - static[0]) / rendered[2]
        print(f"extra CPU per rendered column: {extra:.1f} s "
              f"(x{rendered[0] / static[0]:.2f} the static crawl's CPU)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

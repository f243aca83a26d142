"""`zfxxgk demo`: crawl the bundled demo portals, served on loopback, into an archive.

The demo is the real thing on a small scale: the same `scrapy crawl county_portals` users
run against the registry, as a subprocess, against the fixture portals of `demo`, served
from this process on 127.0.0.x. No internet needed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from archive.run_overview import RunOverview, last_run
from archive.store import Archive
from demo.crawl import crawl_command, crawl_environment
from demo.scenarios import SCENARIOS, build_sites, revised_later, write_registry
from demo.server import PortalServer

# The demo portals' port: fixed, so their URLs are the same every run and a second
# `make demo` into the same archive finds the documents it already holds (304s).
DEMO_PORT = 8731


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="crawl the bundled demo portals, served on loopback, into an archive",
        description="Serve the bundled demo portals locally and crawl them into an archive "
        "with the real spider (no internet needed).",
    )
    add_arguments(parser)
    parser.set_defaults(func=run)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default="archive.db", help="archive file to crawl into (default: archive.db)")
    parser.add_argument("--scenario", default="demo", choices=sorted(SCENARIOS), help=argparse.SUPPRESS)
    parser.add_argument("--verbose", action="store_true", help="show Scrapy's full crawl log")
    parser.add_argument("--port", type=int, default=DEMO_PORT,
                        help=f"port of the demo portals on 127.0.0.11-... (default: {DEMO_PORT}); "
                             "the same every run, so a second demo crawl finds the same documents")


def run(args: argparse.Namespace) -> int:
    """Crawl the demo portals twice, "a month" apart: the second crawl finds one report
    revised, so the archive shows a version history from the start.

    An archive the demo crawled before gets only the later state again (same ports, same
    URLs), so running the demo twice adds a run of 304s and unchanged pages, no documents
    and no versions.
    """
    db = Path(args.db).resolve()
    scenario = SCENARIOS[args.scenario]()
    states = [scenario, revised_later(scenario)] if args.scenario == "demo" else [scenario]
    with Archive.open(db) as archive:
        if last_run(archive) is not None:
            states = states[-1:]
    first = len(states) == 2 or args.scenario != "demo"
    with PortalServer() as server, tempfile.TemporaryDirectory(prefix="zfxxgk-demo-") as tmp:
        try:
            urls = server.bind([portal.content.id for portal in scenario], port=args.port)
        except OSError as exc:
            print(f"zfxxgk demo: port {args.port} is taken on loopback ({exc.strerror}); "
                  "pass --port", file=sys.stderr)
            return 1
        registry = write_registry(Path(tmp) / "demo_portals.csv", scenario, urls)
        for number, state in enumerate(states, 1):
            sites = build_sites(state, urls, first_run=first and number == 1)
            if number == 1:
                server.start(sites)
            else:
                for portal_id, site in sites.items():
                    server.replace(portal_id, site)
            when = "" if number == 1 else " again, a month later"
            print(f"serving {len(urls)} demo portals on loopback "
                  f"({', '.join(sorted({p.family for p in scenario}))}); crawling into {db}{when} ...",
                  flush=True)
            command = crawl_command(registry, db, log_level="INFO" if args.verbose else "WARNING")
            result = subprocess.run(command, env=crawl_environment(), check=False)
            if result.returncode != 0:
                print(f"crawl failed (exit {result.returncode})", file=sys.stderr)
                return result.returncode
    with Archive.open(db) as archive:
        overview = last_run(archive)
    if overview is not None:
        print_summary(overview)
    print(f"\nbrowse it:  datasette {db}\n       or:  zfxxgk serve {db}")
    return 0


def print_summary(overview: RunOverview) -> None:
    """The last run per portal; a key an older crawler did not record shows as '?'."""
    print(f"\ncrawl run {overview.run_id}: {overview.documents} documents archived, "
          f"{overview.reports} read as reports\n")
    columns = [("portal", "portal_id", 16), ("listed", "reports_listed", 7), ("new docs", "new_documents", 9),
               ("new vers", "new_versions", 9), ("304", "not_modified", 6), ("gone", "gone", 6),
               ("rejected", "rejected", 9), ("errors", "errors", 7)]
    print("".join(f"{title:<{width}}" if i == 0 else f"{title:>{width}}"
                  for i, (title, _, width) in enumerate(columns)))
    for summary in overview.portals:
        print("".join(f"{summary.get(key, '?')!s:<{width}}" if i == 0 else f"{summary.get(key, '?')!s:>{width}}"
                      for i, (_, key, width) in enumerate(columns)))
    revised = "、".join(f"{r['agency']} {r['year']}" for r in overview.revised) or "无"
    print(f"\n修改过的报告 · revised reports: {revised}")
    print(f"核对未通过的报告 · reports whose checks fail: {overview.failing}; "
          f"逾期发布 · late: {overview.late}; 缺失的年度 · missing years: {overview.missing}")

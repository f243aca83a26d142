"""`zfxxgk demo`: crawl the bundled demo portals, served on loopback, into an archive.

The demo is the real thing on a small scale: the same `scrapy crawl county_portals` users
run against the registry, as a subprocess, against the fixture portals of `demo`, served
from this process on 127.0.0.x. No internet needed.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from demo.crawl import crawl_command, crawl_environment
from demo.scenarios import SCENARIOS, build_sites, write_registry
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
    db = Path(args.db).resolve()
    scenario = SCENARIOS[args.scenario]()
    with PortalServer() as server, tempfile.TemporaryDirectory(prefix="zfxxgk-demo-") as tmp:
        try:
            urls = server.bind([portal.content.id for portal in scenario], port=args.port)
        except OSError as exc:
            print(f"zfxxgk demo: port {args.port} is taken on loopback ({exc.strerror}); "
                  "pass --port", file=sys.stderr)
            return 1
        server.start(build_sites(scenario, urls))
        registry = write_registry(Path(tmp) / "demo_portals.csv", scenario, urls)
        print(f"serving {len(urls)} demo portals on loopback "
              f"({', '.join(sorted({p.family for p in scenario}))}); crawling into {db} ...", flush=True)
        command = crawl_command(registry, db, log_level="INFO" if args.verbose else "WARNING")
        result = subprocess.run(command, env=crawl_environment(), check=False)
    if result.returncode != 0:
        print(f"crawl failed (exit {result.returncode})", file=sys.stderr)
        return result.returncode
    print_summary(db)
    return 0


def print_summary(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        run_id = conn.execute("SELECT max(id) FROM crawl_runs").fetchone()[0]
        summaries = [json.loads(row[0]) for row in conn.execute(
            "SELECT summary FROM run_portals WHERE run_id = ? ORDER BY portal_id", [run_id])]
        documents = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        reports = conn.execute(
            "SELECT count(DISTINCT document_id) FROM reports WHERE is_report").fetchone()[0]
    print(f"\ncrawl run {run_id}: {documents} documents archived, {reports} read as reports\n")
    print(f"{'portal':<16}{'listed':>7}{'new docs':>9}{'new vers':>9}{'304':>6}{'gone':>6}{'rejected':>9}{'errors':>7}")
    for s in summaries:
        print(f"{s['portal_id']:<16}{s['reports_listed']:>7}{s['new_documents']:>9}{s['new_versions']:>9}"
              f"{s['not_modified']:>6}{s['gone']:>6}{s['rejected']:>9}{s['errors']:>7}")
    print(f"\nbrowse it:  datasette {db}\n       or:  zfxxgk serve {db}")

"""`zfxxgk ingest archive.db FILE... [--url URL]`: archive files that did not come from a crawl.

Reports received by mail or downloaded by hand go through the same `Archive.record`
as crawled ones (kind local_file), so they are versioned, parsed and searchable alike.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from archive.records import FetchRecord
from archive.report_layout import describe_failure
from archive.store import Archive
from cli.commands import add_parse_limit_arguments, open_archive, parse_limits


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "ingest",
        help="archive local files (reports received by mail, saved pages)",
        description="Archive local files as documents of kind local_file.",
    )
    parser.add_argument("archive", help="archive file (created if missing)")
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument(
        "--url",
        help="the URL the document was published at (one FILE only); default: its file:// URI",
    )
    add_parse_limit_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.url and len(args.files) != 1:
        print("zfxxgk ingest: --url applies to exactly one FILE", file=sys.stderr)
        return 2
    failures = 0
    archive = open_archive(args.archive, "ingest", create=True, limits=parse_limits(args))
    if archive is None:
        return 1
    with archive:
        run_id = archive.start_run("ingest", {"files": [str(path) for path in args.files]})
        counts = {"new_version": 0, "unchanged": 0}
        for path in args.files:
            try:
                body = path.read_bytes()
            except OSError as exc:
                print(f"{path}: cannot read: {exc.strerror}", file=sys.stderr)
                failures += 1
                continue
            outcome = archive.record(
                FetchRecord(
                    url=args.url or path.resolve().as_uri(),
                    fetched_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    status=200,
                    body=body,
                    kind="local_file",
                    run_id=run_id,
                    filename=path.name,
                )
            )
            counts["new_version" if outcome.new_version else "unchanged"] += 1
            print(f"{path}: " + "\n  ".join(_describe(archive, outcome)))
        archive.finish_run(run_id, {**counts, "unreadable_paths": failures}, [])
    return 1 if failures else 0


def _describe(archive: Archive, outcome) -> list[str]:
    """What became of the file, then each failing check and parser warning on its own line."""
    if not outcome.new_version:
        return [f"unchanged (document {outcome.document_id})"]
    report = archive.db["reports"].get(outcome.report_id)
    what = f"document {outcome.document_id} version {outcome.version_id}, {report['status']}"
    if report["status"] != "ok":
        return [what + (f": {report['reason']}" if report["reason"] else "")]
    what += f": {report['agency']} {report['year']} ({report['n_values']} 个数字 · values"
    failed = [
        describe_failure(check, report["template"]).message
        for check in archive.db.query(
            "SELECT * FROM report_checks WHERE report_id = ? AND NOT ok ORDER BY id",
            [outcome.report_id],
        )
    ]
    if failed:
        what += f"；{len(failed)} 项核对未通过 · {len(failed)} checks fail)"
    elif report["checks_total"]:
        what += f"；{report['checks_total']} 项核对全部通过 · all checks pass)"
    else:
        what += ")"
    warnings = json.loads(report["warnings"] or "[]")
    return [what, *(f"! {message}" for message in failed), *(f"提示 · warning: {w}" for w in warnings)]

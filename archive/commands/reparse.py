"""`zfxxgk reparse archive.db`: read every stored version again with the current parser.

Parser fixes reach old fetches without re-crawling: new report rows are added for the
running parser version and older parses are kept, so a figure's history across parser
releases stays inspectable (views read the newest parse of each version).
"""

from __future__ import annotations

import argparse
import sys

from archive.migrations import ArchiveError
from archive.parse_stage import parser_version
from archive.store import Archive


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "reparse",
        help="re-run the current parser over stored versions",
        description="Parse every stored version the current parser has not parsed yet; "
        "older parses are kept.",
    )
    parser.add_argument("archive", help="archive file")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        archive = Archive.open(args.archive)
    except ArchiveError as exc:
        print(f"zfxxgk reparse: {exc}", file=sys.stderr)
        return 1
    with archive:
        stats = archive.reparse()
    print(
        f"parser {parser_version()}: reparsed {stats.versions} versions "
        f"(ok {stats.ok}, not a report {stats.not_report}, unreadable {stats.unreadable}, "
        f"parse errors {stats.parse_error})"
    )
    return 0

"""`zfxxgk reparse archive.db`: read stored versions again with the current parser.

Parser fixes reach old fetches without re-crawling: new report rows are added for the
running `PARSER_VERSION` and older parses are kept, so a figure's history across parser
versions stays inspectable (views read the newest parse of each version). By default
only versions with no parse by this version are read, so running it twice costs
nothing; `--all` re-reads everything, for a parser edited without a version bump.
"""

from __future__ import annotations

import argparse

from cli.commands import open_archive
from parsers.version import PARSER_VERSION


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "reparse",
        help="re-run the current parser over stored versions",
        description="Parse every stored version the current parser version has not parsed "
        "yet; older parses are kept.",
    )
    parser.add_argument("archive", help="archive file")
    parser.add_argument(
        "--all",
        action="store_true",
        dest="all_versions",
        help="re-parse every stored version, even those this parser version already parsed "
        "(after editing the parser without bumping PARSER_VERSION)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    archive = open_archive(args.archive, "reparse")
    if archive is None:
        return 1
    with archive:
        stats = archive.reparse(all_versions=args.all_versions)
    print(
        f"parser {PARSER_VERSION}: reparsed {stats.versions} versions "
        f"(ok {stats.ok}, not a report {stats.not_report}, unreadable {stats.unreadable}, "
        f"parse errors {stats.parse_error})"
    )
    return 0

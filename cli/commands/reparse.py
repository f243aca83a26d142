"""`zfxxgk reparse archive.db`: read stored versions again with the current parser.

Parser fixes reach old fetches without re-crawling: new report rows are added for the
running `PARSER_VERSION` and older parses are kept, so a figure's history across parser
versions stays inspectable (views read the newest parse of each version). By default
only versions with no parse by this version are read, so running it twice costs
nothing; `--all` re-reads everything, for a parser edited without a version bump.
Parsing runs on every core (`--workers`); progress goes to stderr with a rate and an
ETA; an interrupted run resumes where it stopped when run again.
"""

from __future__ import annotations

import argparse
import sys
import time

from archive.reparse import ReparseStats, default_workers
from cli.commands import add_parse_limit_arguments, open_archive, parse_limits
from parsers.version import PARSER_VERSION

PROGRESS_EVERY_SECONDS = 2.0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "reparse",
        help="re-run the current parser over stored versions",
        description="Parse every stored version the current parser version has not parsed "
        "yet; older parses are kept. Interrupted, it resumes when run again.",
    )
    parser.add_argument("archive", help="archive file")
    parser.add_argument(
        "--all",
        action="store_true",
        dest="all_versions",
        help="re-parse every stored version, even those this parser version already parsed "
        "(after editing the parser without bumping PARSER_VERSION)",
    )
    parser.add_argument(
        "--workers",
        type=_positive,
        default=default_workers(),
        help="parser processes (default: one per core, here %(default)s)",
    )
    add_parse_limit_arguments(parser)
    parser.set_defaults(func=run)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


class Progress:
    """`reparsed 1,200/40,000 (3.0%), 41.2 versions/s, ETA 15 min` on stderr, every few s."""

    def __init__(self) -> None:
        self.shown = time.monotonic()

    def __call__(self, stats: ReparseStats, *, final: bool = False) -> None:
        now = time.monotonic()
        if not final and now - self.shown < PROGRESS_EVERY_SECONDS:
            return
        self.shown = now
        share = stats.versions / stats.total if stats.total else 1.0
        eta = stats.eta_seconds
        left = "" if final or eta is None else f", ETA {_duration(eta)}"
        print(
            f"reparsed {stats.versions:,}/{stats.total:,} ({share:.1%}), "
            f"{stats.rate:.1f} versions/s{left}",
            file=sys.stderr,
            flush=True,
        )


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def run(args: argparse.Namespace) -> int:
    archive = open_archive(args.archive, "reparse", limits=parse_limits(args))
    if archive is None:
        return 1
    progress = Progress()
    seen: list[ReparseStats] = []

    def report(stats: ReparseStats) -> None:
        seen[:] = [stats]
        progress(stats)

    with archive:
        try:
            stats = archive.reparse(report, all_versions=args.all_versions, workers=args.workers)
        except KeyboardInterrupt:
            done = seen[0].versions if seen else 0
            print(
                f"interrupted after {done:,} versions, each one stored; run the same command "
                "again to resume",
                file=sys.stderr,
            )
            return 130
    if stats.versions:
        progress(stats, final=True)
    resumed = " (resumed)" if stats.resumed else ""
    print(
        f"parser {PARSER_VERSION}: reparsed {stats.versions} versions{resumed} "
        f"(ok {stats.ok}, not a report {stats.not_report}, unreadable {stats.unreadable}, "
        f"parse errors {stats.parse_error})"
    )
    return 0

"""`zfxxgk`: the project's one command line.

Each subcommand is a module of `cli.commands` exposing `register(subparsers)`; this module
only lists them. Heavy imports (Scrapy, trafilatura, the format readers) happen inside each
command's `run`, so `zfxxgk --help` stays fast.
"""

from __future__ import annotations

import argparse
import os
import sys

from cli.commands import (
    archive_writer,
    demo,
    enqueue,
    export,
    ingest,
    parse,
    reparse,
    schedule,
    serve,
)

COMMANDS = (parse, ingest, reparse, export, serve, schedule, demo, enqueue, archive_writer)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zfxxgk",
        description="Crawl, parse and archive government information-disclosure annual reports.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:
        # The reader went away (`zfxxgk schedule | head`): not worth a traceback. Point
        # stdout at devnull so the interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())

"""`zfxxgk`: the project's one command line.

Each subcommand lives beside the code it drives (parsing in `parsers`, archive work in
`archive.commands`, crawling in `crawler`) and exposes `register(subparsers)`; this
module only gathers them, so adding a command never means editing another's module.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

COMMAND_MODULES = [
    "parsers.cli",  # parse
    "archive.commands.ingest",  # ingest
    "archive.commands.reparse",  # reparse
    "archive.commands.export",  # export
    "archive.commands.serve",  # serve
    "crawler.schedule",  # schedule
    "crawler.demo",  # demo
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zfxxgk",
        description="Crawl, parse and archive government information-disclosure annual reports.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
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

"""`zfxxgk archive-writer archive.db --redis URL --run RUN`: record a distributed run.

The one process that writes archive.db while workers on any number of machines crawl: it
publishes the archive's validators for conditional requests, records every fetch the
workers send through Redis, prints a line per finished portal and a periodic status line,
and exits once every portal of the run is done and recorded. Killed and started again, it
carries on where it stopped (see crawler/distributed/writer.py).
"""

from __future__ import annotations

import argparse
import sys

from cli.commands import add_parse_limit_arguments, open_archive, parse_limits


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "archive-writer",
        help="record a distributed crawl run into the archive",
        description="Record the fetches the workers of a distributed run send through Redis.",
    )
    parser.add_argument("archive", help="archive file (created if missing)")
    parser.add_argument("--redis", required=True, metavar="URL", help="redis://host:port/db")
    parser.add_argument("--run", required=True, help="the run id the workers were started with")
    add_parse_limit_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import logging

    import redis

    from crawler.distributed.writer import ArchiveWriter

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    archive = open_archive(args.archive, "archive-writer", create=True, limits=parse_limits(args))  # like a crawl, it may start one
    if archive is None:
        return 1
    with archive:
        writer = ArchiveWriter(archive, args.redis, args.run,
                               echo=lambda line: print(line, flush=True))
        try:
            writer.run()
        except redis.RedisError as exc:
            print(f"zfxxgk archive-writer: Redis at {args.redis}: {exc}", file=sys.stderr)
            return 1
    return 0

"""`zfxxgk enqueue --redis URL --run RUN`: seed a distributed run from the registry.

The run's portals (with the usual `--portals`, `--only`, `--years` filters) go into Redis,
where the workers (`scrapy crawl county_portals -s REDIS_URL=URL -s RUN_ID=RUN`) take them.
Seeding is done once per run: enqueueing a run that exists already changes nothing (the
first worker to start seeds the run too, from its own `-a` arguments, if nobody did).
"""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "enqueue",
        help="seed a distributed crawl run in Redis from the portal registry",
        description="Put the portals of a distributed crawl run into Redis for the workers.",
    )
    parser.add_argument("--redis", required=True, metavar="URL", help="redis://host:port/db")
    parser.add_argument("--run", required=True, help="the run id the workers are started with "
                        "(-s RUN_ID=...), e.g. 2027-02")
    parser.add_argument("--portals", help="registry CSV (default: the bundled county registry)")
    parser.add_argument("--only", help="portal ids, comma-separated")
    parser.add_argument("--years", help="report years, e.g. 2021-2024")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import redis

    from crawler.distributed.run import RunKeys, connect, seed_run
    from crawler.registry import (
        RegistryError,
        load_registry,
        parse_only,
        parse_years,
        select_portals,
    )

    try:
        portals = select_portals(load_registry(args.portals), parse_only(args.only))
        years = parse_years(args.years)
    except (RegistryError, ValueError, OSError) as exc:
        print(f"zfxxgk enqueue: {exc}", file=sys.stderr)
        return 1
    try:
        server = connect(args.redis)
    except (redis.RedisError, ValueError) as exc:
        print(f"zfxxgk enqueue: cannot reach Redis at {args.redis}: {exc}", file=sys.stderr)
        return 1
    keys = RunKeys(args.run)
    if not seed_run(server, keys, portals, years):
        print(f"zfxxgk enqueue: run {args.run} is seeded already; nothing changed",
              file=sys.stderr)
        return 0
    print(f"run {args.run}: {len(portals)} portals waiting in {args.redis}")
    return 0

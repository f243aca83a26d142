"""Offline demo portals: content, CMS families, a loopback server, and `zfxxgk demo`."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `zfxxgk demo`; the command module (and Scrapy) load only when it runs."""
    from crawler.demo.command import add_arguments, run

    parser = subparsers.add_parser(
        "demo",
        help="crawl the bundled demo portals, served on loopback, into an archive",
        description="Serve the bundled demo portals locally and crawl them into an archive "
        "with the real spider (no internet needed).",
    )
    add_arguments(parser)
    parser.set_defaults(func=run)

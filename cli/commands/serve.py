"""`zfxxgk serve archive.db`: Datasette on the archive.

The project's Datasette plugin (entry point `archive.datasette_plugin`) supplies titles,
labels, facets and canned queries, so this is plain `datasette serve --immutable` after
making sure the file is a current archive (migrating it if it is older).
"""

from __future__ import annotations

import argparse
import os
import sys

from cli.commands import open_archive


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="browse the archive with Datasette",
        description="Serve the archive with Datasette and the project's metadata.",
    )
    parser.add_argument("archive", help="archive file")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    archive = open_archive(args.archive, "serve")  # migrate before Datasette reads it
    if archive is None:
        return 1
    archive.close()
    # Immutable: Datasette opens the file read-only and never writes to it, whoever serves.
    command = [sys.executable, "-m", "datasette", "serve", "--immutable", args.archive]
    command += ["--host", args.host, "--port", str(args.port)]
    # Become Datasette (no wrapper process) so Ctrl-C and service managers reach it directly.
    os.execv(sys.executable, command)

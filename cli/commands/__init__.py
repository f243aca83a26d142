"""The `zfxxgk` subcommands, one module each, and what those that open an archive share."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from archive.migrations import ArchiveError
from archive.parse_worker import DEFAULT_PARSE_LIMITS, ParseLimits
from archive.store import Archive


def archive_path_problem(path: str, *, create: bool) -> str | None:
    """Why `path` cannot be the archive a command reads (or, with `create`, makes), or None.

    Opening a mistyped path would create an empty archive and answer questions about it;
    a command that reads an archive refuses instead.
    """
    target = Path(path)
    if target.is_dir():
        return f"{path} is a directory, not an archive file"
    if not target.exists():
        if not create:
            return f"no archive at {path}"
        if not target.parent.is_dir():
            return f"cannot create {path}: folder {target.parent} does not exist"
    return None


def add_parse_limit_arguments(parser: argparse.ArgumentParser) -> None:
    """`--parse-timeout` and `--parse-memory` for commands that parse stored or new bodies.

    Whatever an archive holds came from the web (or a mailbox): the commands that parse
    it do so in a killable process under the same limits as the crawl.
    """
    parser.add_argument(
        "--parse-timeout", type=_positive_float, default=DEFAULT_PARSE_LIMITS.seconds,
        metavar="SECONDS", help="wall time one document's parse may take (default %(default)g)",
    )
    parser.add_argument(
        "--parse-memory", type=_non_negative_int, default=DEFAULT_PARSE_LIMITS.memory // 2**20,
        metavar="MIB", help="address space of the parse process, MiB; 0: no limit "
        "(default %(default)d)",
    )


def parse_limits(args: argparse.Namespace) -> ParseLimits:
    return ParseLimits(seconds=args.parse_timeout, memory=args.parse_memory * 2**20)


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, not {text}")
    return value


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def open_archive(path: str, command: str, *, create: bool = False,
                 limits: ParseLimits | None = None) -> Archive | None:
    """The archive at `path`, migrated; or None after telling the user why it was refused.

    A missing file (unless `create`), a directory, a foreign or newer database or one
    another process holds locked is the user's to fix, not a crash: one line on stderr,
    prefixed like every other message of the command, and the caller exits non-zero.
    With `limits`, the archive parses in a killable process under them.
    """
    problem = archive_path_problem(path, create=create)
    if problem is None:
        try:
            return Archive.open(path, parse_limits=limits)
        except ArchiveError as exc:
            problem = str(exc)
            if "locked" in problem:
                problem = f"{path} is locked by another process (a crawl writing?); try again later"
        except OSError as exc:
            problem = f"cannot open {path}: {exc.strerror or exc}"
    print(f"zfxxgk {command}: {problem}", file=sys.stderr)
    return None

"""The `zfxxgk` subcommands, one module each, and what those that open an archive share."""

from __future__ import annotations

import sys

from archive.migrations import ArchiveError
from archive.store import Archive


def open_archive(path: str, command: str) -> Archive | None:
    """The archive at `path`, migrated; or None after telling the user why it was refused.

    A foreign or newer database is the user's mistake, not a crash: one line on stderr,
    prefixed like every other message of the command, and the caller exits non-zero.
    """
    try:
        return Archive.open(path)
    except ArchiveError as exc:
        print(f"zfxxgk {command}: {exc}", file=sys.stderr)
        return None

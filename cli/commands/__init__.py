"""The `zfxxgk` subcommands, one module each, and what those that open an archive share."""

from __future__ import annotations

import sys
from pathlib import Path

from archive.migrations import ArchiveError
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


def open_archive(path: str, command: str, *, create: bool = False) -> Archive | None:
    """The archive at `path`, migrated; or None after telling the user why it was refused.

    A missing file (unless `create`), a directory, a foreign or newer database or one
    another process holds locked is the user's to fix, not a crash: one line on stderr,
    prefixed like every other message of the command, and the caller exits non-zero.
    """
    problem = archive_path_problem(path, create=create)
    if problem is None:
        try:
            return Archive.open(path)
        except ArchiveError as exc:
            problem = str(exc)
            if "locked" in problem:
                problem = f"{path} is locked by another process (a crawl writing?); try again later"
        except OSError as exc:
            problem = f"cannot open {path}: {exc.strerror or exc}"
    print(f"zfxxgk {command}: {problem}", file=sys.stderr)
    return None

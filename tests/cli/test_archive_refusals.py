"""Commands that read an archive refuse a path that is not one, in one line, creating nothing."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from archive import Archive
from cli.main import main

READERS = ["export", "reparse", "serve"]


@pytest.mark.parametrize("command", READERS)
def test_a_mistyped_path_is_refused_and_not_created(tmp_path, capsys, command):
    missing = tmp_path / "archve.db"
    assert main([command, str(missing)]) == 1
    assert capsys.readouterr().err == f"zfxxgk {command}: no archive at {missing}\n"
    assert not missing.exists()


@pytest.mark.parametrize("command", [*READERS, "ingest"])
def test_a_directory_is_refused(tmp_path, capsys, command):
    extra = [str(tmp_path / "none.txt")] if command == "ingest" else []
    assert main([command, str(tmp_path), *extra]) == 1
    assert capsys.readouterr().err == f"zfxxgk {command}: {tmp_path} is a directory, not an archive file\n"


def test_ingest_creates_an_archive_but_not_a_folder(tmp_path, capsys):
    nowhere = tmp_path / "no-such-folder" / "archive.db"
    assert main(["ingest", str(nowhere), str(tmp_path / "x.txt")]) == 1
    assert capsys.readouterr().err == (
        f"zfxxgk ingest: cannot create {nowhere}: folder {nowhere.parent} does not exist\n")
    assert not nowhere.parent.exists()


def test_serve_serves_the_archive_immutable(tmp_path, monkeypatch):
    db = tmp_path / "archive.db"
    Archive.open(db).close()
    calls = []
    monkeypatch.setattr("os.execv", lambda path, argv: calls.append(argv))
    main(["serve", str(db), "--port", "8123"])
    (argv,) = calls
    assert argv[argv.index("serve") + 1:] == ["--immutable", str(db), "--host", "127.0.0.1", "--port", "8123"]


@pytest.mark.e2e
def test_a_locked_archive_is_one_line(tmp_path):
    """Another process holds the archive exclusively: the command waits its busy timeout,
    then says so in one line."""
    db = tmp_path / "archive.db"
    Archive.open(db).close()
    holder = sqlite3.connect(db)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        done = subprocess.run([sys.executable, "-m", "cli.main", "export", str(db)],
                              capture_output=True, text=True, timeout=120, check=False)
    finally:
        holder.rollback()
        holder.close()
    assert done.returncode == 1
    assert done.stderr == f"zfxxgk export: {db} is locked by another process (a crawl writing?); try again later\n"

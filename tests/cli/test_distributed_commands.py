"""`zfxxgk enqueue` and `zfxxgk archive-writer` refuse bad input with one clear line."""

from __future__ import annotations

from cli.main import main
from tests.support.archive import free_port


def test_enqueue_unreachable_redis_is_an_error(capsys):
    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    assert main(["enqueue", "--redis", url, "--run", "2027-02", "--only", "130534"]) == 1
    assert f"zfxxgk enqueue: cannot reach Redis at {url}" in capsys.readouterr().err


def test_enqueue_unknown_portal_is_an_error_before_redis(capsys):
    url = f"redis://127.0.0.1:{free_port()}/0"
    assert main(["enqueue", "--redis", url, "--run", "r", "--only", "999999"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("zfxxgk enqueue: ") and "999999" in err and "Redis" not in err


def test_enqueue_bad_years_is_an_error(capsys):
    assert main(["enqueue", "--redis", "redis://127.0.0.1:1/0", "--run", "r",
                 "--years", "20x1"]) == 1
    assert capsys.readouterr().err.startswith("zfxxgk enqueue: ")


def test_archive_writer_refuses_a_foreign_file(tmp_path, capsys):
    foreign = tmp_path / "notes.db"
    foreign.write_bytes(b"not a database at all, just text" * 10)
    assert main(["archive-writer", str(foreign), "--redis", "redis://127.0.0.1:1/0",
                 "--run", "r"]) == 1
    assert capsys.readouterr().err.startswith("zfxxgk archive-writer: ")

"""`zfxxgk reparse` on several processes, with progress, resuming after an interruption."""

from __future__ import annotations

import time

import pytest

from archive import Archive, reparse
from archive.parse_worker import ParseLimits
from cli.main import main
from parsers.version import PARSER_VERSION
from tests.support import bad_parsers
from tests.support.archive import KAIYUAN, fetch, shenzhou_text

pytestmark = pytest.mark.e2e  # worker processes

VERSIONS = 6


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "archive.db"
    with Archive.open(path) as archive:
        for n in range(VERSIONS - 1):
            archive.record(
                fetch(f"http://127.0.0.1/{n}.txt", "2026-01-01T00:00:00Z",
                      shenzhou_text(agency=f"深州市第{n}局"), filename="r.txt")
            )  # fmt: skip
        archive.record(
            fetch(
                "http://127.0.0.1/ky.txt",
                "2026-01-01T00:00:00Z",
                KAIYUAN.read_bytes(),
                filename="r.txt",
            )
        )
    return path


def parses_per_version(path) -> dict[int, int]:
    with Archive.open(path) as archive:
        return dict(
            archive.db.execute(
                "SELECT version_id, count(*) FROM reports WHERE parser_version = ? GROUP BY 1",
                [PARSER_VERSION],
            ).fetchall()
        )


def test_reparse_all_on_two_workers_shows_rate_and_resumes(db_path, capsys):
    class Stop(KeyboardInterrupt):
        pass

    def stop_after_two(stats):
        if stats.versions == 2:
            raise Stop

    with Archive.open(db_path) as archive, pytest.raises(Stop):
        archive.reparse(stop_after_two, all_versions=True, workers=2)
    assert sorted(parses_per_version(db_path).values()) == [1] * (VERSIONS - 2) + [2] * 2

    assert main(["reparse", str(db_path), "--all", "--workers", "2"]) == 0
    captured = capsys.readouterr()
    assert f"reparsed {VERSIONS - 2} versions (resumed) (ok {VERSIONS - 2}" in captured.out
    assert f"reparsed {VERSIONS - 2:,}/{VERSIONS - 2:,} (100.0%)" in captured.err
    assert "versions/s" in captured.err
    assert parses_per_version(db_path) == {v: 2 for v in range(1, VERSIONS + 1)}  # each once more

    assert main(["reparse", str(db_path), "--all", "--workers", "2"]) == 0  # a fresh pass
    assert f"reparsed {VERSIONS} versions (ok {VERSIONS}" in capsys.readouterr().out
    with Archive.open(db_path) as archive:
        latest = archive.db.execute("SELECT count(*) FROM latest_reports").fetchone()[0]
    assert latest == VERSIONS


def test_a_mistyped_worker_count_is_an_error(db_path, capsys):
    with pytest.raises(SystemExit):
        main(["reparse", str(db_path), "--workers", "0"])
    assert "must be at least 1" in capsys.readouterr().err


def add_hostile_bodies(path) -> None:
    """Two stored bodies the test parser hangs on: what a hostile page could have sent."""
    with Archive.open(path) as archive:
        for n in range(2):
            archive.record(fetch(f"http://127.0.0.1/hang{n}.txt", "2026-01-01T00:00:00Z",
                                 b"HANG " + shenzhou_text(agency=f"HANG{n}"), filename="r.txt"))


def test_reparse_workers_kill_a_parse_that_overruns_its_limit(db_path):
    add_hostile_bodies(db_path)
    with Archive.open(db_path) as archive:
        todo, _ = reparse.work_list(archive.db, all_versions=True)
    limits = ParseLimits(seconds=3, memory=1024**3)
    parses = dict((v["id"], p) for v, p in reparse.parse_in_workers(
        str(db_path), todo, 2, limits, parse=bad_parsers.misbehaves_on_marker))
    assert len(parses) == VERSIONS + 2
    hung = {v: p for v, p in parses.items() if p.status == "parse_error"}
    assert len(hung) == 2
    assert all(p.reason == "parse timed out after 3 s" for p in hung.values())
    assert all(p.status == "ok" for v, p in parses.items() if v not in hung)


def test_a_stopped_reparse_does_not_wait_for_the_parses_under_way(db_path):
    add_hostile_bodies(db_path)
    with Archive.open(db_path) as archive:
        todo, _ = reparse.work_list(archive.db, all_versions=True)
    todo = todo[:1] + todo[-2:]  # one good body, then the two that hang
    limits = ParseLimits(seconds=900, memory=1024**3)
    parses = reparse.parse_in_workers(str(db_path), todo, 2, limits,
                                      parse=bad_parsers.misbehaves_on_marker)
    version, parsed = next(parses)
    assert (version["id"], parsed.status) == (todo[0]["id"], "ok")
    stopped = time.monotonic()
    parses.close()  # what Ctrl-C does to the reparse loop: the hanging parses are killed
    assert time.monotonic() - stopped < 120  # not the 900 s the hanging parses may take


@pytest.mark.parametrize(("flag", "value", "message"), [
    ("--parse-timeout", "0", "must be more than 0"),
    ("--parse-memory", "-1", "must be 0 or more"),
])
def test_mistyped_parse_limits_are_errors(db_path, capsys, flag, value, message):
    with pytest.raises(SystemExit):
        main(["reparse", str(db_path), flag, value])
    assert message in capsys.readouterr().err

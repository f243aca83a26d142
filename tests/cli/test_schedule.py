"""`zfxxgk schedule`: the printed cron lines and systemd units, run through the real CLI, and
the scheduled command itself run against a stand-in scrapy to show the lock and JOBDIR work."""

from __future__ import annotations

import getpass
import re
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

ZFXXGK = Path(sys.executable).with_name("zfxxgk")
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
CRON_RANGES = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]


def schedule(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ZFXXGK), "schedule", *args], capture_output=True, text=True, timeout=60, check=True
    )


def sections(output: str) -> dict[str, str]:
    """The printed output split on its `# ----- kind: name -----` markers."""
    parts = re.split(r"^# ----- (.+?) -----\n", output, flags=re.M)
    assert parts[0] == ""
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def cron_field_values(field: str, low: int, high: int) -> set[int]:
    if field == "*":
        return set(range(low, high + 1))
    values = set()
    for part in field.split(","):
        first, _, last = part.partition("-")
        assert first.isdigit() and (not last or last.isdigit()), field
        values.update(range(int(first), int(last or first) + 1))
    assert all(low <= v <= high for v in values), field
    return values


def parse_cron(line: str) -> tuple[list[set[int]], str]:
    fields = line.split(" ", 5)
    times = [
        cron_field_values(f, lo, hi) for f, (lo, hi) in zip(fields[:5], CRON_RANGES, strict=True)
    ]
    return times, fields[5]


def unit_values(text: str, key: str) -> list[str]:
    return [line.split("=", 1)[1] for line in text.splitlines() if line.startswith(key + "=")]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project checkout whose .venv/bin/scrapy records its arguments instead of crawling."""
    root = tmp_path / "my project"
    bin_dir = root / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    stub = bin_dir / "scrapy"
    stub.write_text('#!/bin/sh\nprintf "%s\\n" "$PWD" "$@" >> "$(dirname "$0")/calls.txt"\n')
    stub.chmod(stub.stat().st_mode | stat.S_IEXEC)
    return root


def test_cron_lines_run_monthly_and_after_the_deadlines(project):
    cron = sections(schedule("--project-dir", str(project)).stdout)["cron: add with `crontab -e`"]
    lines = cron.strip().splitlines()
    assert len(lines) == 2
    (minute, hour, dom, month, dow), monthly = parse_cron(lines[0])
    assert (minute, hour, dom, month) == ({0}, {3}, {1}, set(range(1, 13)))
    assert dow == set(range(0, 8))
    (minute, hour, dom, month, dow), deadline = parse_cron(lines[1])
    assert (dom, month) == ({8}, {2, 4})  # a week after 31 January and 31 March
    quoted = f"'{project}"
    for command, run in ((monthly, "monthly"), (deadline, "deadline")):
        assert command.startswith(f"cd {quoted}' && mkdir -p {quoted}/jobs' && ")
        assert (
            f"flock -n {quoted}/jobs/crawl.lock' .venv/bin/scrapy crawl county_portals" in command
        )
        assert f"-s ARCHIVE_DB={quoted}/archive.db'" in command
        assert f"-s JOBDIR={quoted}/jobs'/$(date +\\%Y-\\%m)-{run}" in command
        # cron turns an unescaped % into a newline.
        assert re.search(r"(?<!\\)%", command) is None


def test_the_cron_command_runs_under_the_lock_with_a_monthly_jobdir(project):
    (line, _) = (
        sections(schedule("--project-dir", str(project)).stdout)["cron: add with `crontab -e`"]
        .strip()
        .splitlines()
    )
    command = parse_cron(line)[1].replace("\\%", "%")  # what cron hands to /bin/sh
    calls = project / ".venv" / "bin" / "calls.txt"

    subprocess.run(["/bin/sh", "-c", command], check=True, timeout=30)
    month = time.strftime("%Y-%m")
    assert calls.read_text().splitlines() == [
        str(project), "crawl", "county_portals", "-s", f"ARCHIVE_DB={project}/archive.db",
        "-s", f"JOBDIR={project}/jobs/{month}-monthly",
    ]  # fmt: skip

    # While another run holds the lock, the scheduled run exits at once without crawling.
    lock = project / "jobs" / "crawl.lock"
    holder = subprocess.Popen(["flock", str(lock), "sleep", "30"])
    try:
        deadline = time.monotonic() + 10
        while subprocess.run(["flock", "-n", str(lock), "true"]).returncode == 0:
            assert time.monotonic() < deadline, "the lock holder never took the lock"
            time.sleep(0.05)
        skipped = subprocess.run(["/bin/sh", "-c", command], timeout=30)
    finally:
        holder.kill()
        holder.wait()
    assert skipped.returncode == 1
    assert len(calls.read_text().splitlines()) == 7  # no second call
    assert (project / "jobs" / "crawl.log").exists()


def test_the_contact_reaches_the_crawl_command_intact(project):
    contact = "mailto:公开办 <ops@county.gov.cn>; 100%"
    output = schedule("--project-dir", str(project), "--contact", contact).stdout
    (line, _) = sections(output)["cron: add with `crontab -e`"].strip().splitlines()
    command = parse_cron(line)[1].replace("\\%", "%")  # what cron hands to /bin/sh
    subprocess.run(["/bin/sh", "-c", command], check=True, timeout=30)
    arguments = (project / ".venv" / "bin" / "calls.txt").read_text().splitlines()
    assert arguments[-2:] == ["-s", f"CONTACT={contact}"]


def test_systemd_units_use_the_same_command_with_valid_calendars(project):
    printed = sections(schedule("--project-dir", str(project)).stdout)
    service = printed["systemd: zfxxgk-crawl@.service"]
    (exec_start,) = unit_values(service, "ExecStart")
    assert exec_start.startswith("/bin/sh -c ")
    assert f"flock -n '\"'\"'{project}/jobs/crawl.lock'\"'\"' .venv/bin/scrapy" in exec_start
    assert "JOBDIR=" in exec_start and "/$$(date +%%Y-%%m)-%i'" in exec_start
    assert unit_values(service, "Type") == ["oneshot"]
    assert "User" not in dict(line.partition("=")[::2] for line in service.splitlines())

    calendars = {}
    for run in ("monthly", "deadline"):
        timer = printed[f"systemd: zfxxgk-crawl-{run}.timer"]
        assert unit_values(timer, "Unit") == [f"zfxxgk-crawl@{run}.service"]
        assert unit_values(timer, "Persistent") == ["true"]
        assert unit_values(timer, "WantedBy") == ["timers.target"]
        calendars[run] = unit_values(timer, "OnCalendar")
    assert calendars == {
        "monthly": ["*-*-01 03:00:00"],
        "deadline": ["*-02-08 03:00:00", "*-04-08 03:00:00"],
    }
    if SYSTEMD_ANALYZE:
        for event in calendars["monthly"] + calendars["deadline"]:
            checked = subprocess.run([SYSTEMD_ANALYZE, "calendar", event], capture_output=True,
                                     text=True, timeout=60)  # fmt: skip
            assert checked.returncode == 0, checked.stderr
            assert f"Normalized form: {event}" in checked.stdout
        elapses = subprocess.run(
            [SYSTEMD_ANALYZE, "calendar", "--iterations=3", "*-02-08 03:00:00", "*-04-08 03:00:00"],
            capture_output=True, text=True, timeout=60, check=True,
        ).stdout  # fmt: skip
        assert re.search(r"-02-08 03:00:00", elapses) and re.search(r"-04-08 03:00:00", elapses)

    commands = printed["systemd: enable with"]
    assert (
        "systemctl --user enable --now zfxxgk-crawl-monthly.timer zfxxgk-crawl-deadline.timer"
        in commands
    )


def test_install_writes_the_printed_units(project, tmp_path):
    unit_dir = tmp_path / "units"
    printed = sections(schedule("--project-dir", str(project)).stdout)
    done = schedule("--project-dir", str(project), "--install", "--unit-dir", str(unit_dir))
    names = ["zfxxgk-crawl@.service", "zfxxgk-crawl-monthly.timer", "zfxxgk-crawl-deadline.timer"]
    assert sorted(p.name for p in unit_dir.iterdir()) == sorted(names)
    for name in names:
        assert (unit_dir / name).read_text() == printed[f"systemd: {name}"]
    assert f"Wrote {', '.join(names)} to {unit_dir}" in done.stdout
    assert "systemctl --user daemon-reload" in done.stdout
    assert "crontab -e" in done.stdout
    if SYSTEMD_ANALYZE:
        # Offline check of both timers and of the service instances they start.
        for unit in ("zfxxgk-crawl-monthly.timer", "zfxxgk-crawl-deadline.timer",
                     "zfxxgk-crawl@monthly.service", "zfxxgk-crawl@deadline.service"):  # fmt: skip
            verified = subprocess.run(
                [SYSTEMD_ANALYZE, "verify", "--man=no", f"./{unit}"], cwd=unit_dir,
                capture_output=True, text=True, timeout=60,
            )  # fmt: skip
            assert verified.returncode == 0, verified.stderr


def test_options_move_the_database_and_job_directories(project, tmp_path):
    out = schedule("--project-dir", str(project), "--db", "data/reports.db", "--jobdir",
                   str(tmp_path / "jobs base"), "--system-unit").stdout  # fmt: skip
    printed = sections(out)
    cron = printed["cron: add with `crontab -e`"]
    assert f"ARCHIVE_DB={project}/data/reports.db" in cron.replace("'", "")
    assert f"flock -n {tmp_path}/jobs base/crawl.lock" in cron.replace("'", "")
    service = printed["systemd: zfxxgk-crawl@.service"]
    assert unit_values(service, "User") == [getpass.getuser()]
    assert "systemctl enable --now" in printed["systemd: enable with"]
    assert "systemctl --user" not in printed["systemd: enable with"]


def test_install_reports_an_unwritable_unit_dir(project, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    done = subprocess.run(
        [str(ZFXXGK), "schedule", "--project-dir", str(project), "--install", "--unit-dir",
         str(blocker / "units")], capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1
    assert f"cannot write units to {blocker / 'units'}" in done.stdout

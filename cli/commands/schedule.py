"""`zfxxgk schedule`: run the crawl every month, and again after the publication deadlines.

Why these dates: departments must publish their reports by 31 January and a government's own
summary report is due by 31 March, and many portals post on the last day or a few days late.
So besides a run on the 1st of every month (which picks up revisions, removals and late
reports), there is a "deadline" run a week after each deadline, on 8 February and 8 April.

Each run gets its own Scrapy JOBDIR, named after the month and the kind of run
(jobs/2027-02-monthly, jobs/2027-02-deadline): starting the same run again within the month,
after a crash or a reboot, resumes it instead of starting over, and two runs in one month
never share a job directory (a finished job directory would make Scrapy skip every request it
has already seen). All runs take the same `flock -n` lock, so a run still going when the next
one is due makes the later one exit at once rather than crawl the same portals twice.

Cron and systemd get the same command; systemd timers are `Persistent=` so a run missed
while the machine was off happens at the next boot.
"""

from __future__ import annotations

import argparse
import getpass
import os
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SERVICE_TEMPLATE = "zfxxgk-crawl@.service"
SERVICE_DESCRIPTION = "zfxxgk: crawl the county portals into the archive (%i run)"


@dataclass(frozen=True)
class Run:
    """One kind of scheduled run: its name (used in the job directory) and when it fires."""

    name: str
    description: str
    on_calendar: tuple[str, ...]  # systemd calendar events
    cron_times: tuple[str, ...]  # the five cron time fields, per event

    @property
    def timer(self) -> str:
        return f"zfxxgk-crawl-{self.name}.timer"

    @property
    def service(self) -> str:
        return f"zfxxgk-crawl@{self.name}.service"


RUNS = (
    Run("monthly", "every month, on the 1st", ("*-*-01 03:00:00",), ("0 3 1 * *",)),
    Run(
        "deadline",
        "a week after the 31 January and 31 March deadlines",
        ("*-02-08 03:00:00", "*-04-08 03:00:00"),
        ("0 3 8 2,4 *",),
    ),
)


@dataclass(frozen=True)
class CrawlSetup:
    """Where a scheduled crawl runs and writes, and whom portal webmasters can contact."""

    project: Path
    db: Path
    jobs: Path
    contact: str | None = None

    @property
    def lock(self) -> Path:
        return self.jobs / "crawl.lock"

    @property
    def log(self) -> Path:
        return self.jobs / "crawl.log"


def crawl_command(paths: CrawlSetup, run_name: str, month: str, escape: Callable[[str], str]) -> str:
    """The shell command for one run.

    `month` is shell text that expands to YYYY-MM; `escape` protects the characters the
    surrounding file format treats specially (cron's %, systemd's % and $) in the paths.
    """

    def path(value: Path) -> str:
        return escape(shlex.quote(str(value)))

    return (
        f"cd {path(paths.project)} && mkdir -p {path(paths.jobs)} && "
        f"flock -n {path(paths.lock)} .venv/bin/scrapy crawl county_portals "
        f"-s ARCHIVE_DB={path(paths.db)} -s JOBDIR={path(paths.jobs)}/{month}-{run_name}"
        + (f" -s CONTACT={escape(shlex.quote(paths.contact))}" if paths.contact else "")
    )


def cron_lines(paths: CrawlSetup) -> list[str]:
    # cron hands the line to /bin/sh but turns a bare % into a newline: escape every %.
    def escape(text: str) -> str:
        return text.replace("%", "\\%")

    month = r"$(date +\%Y-\%m)"
    lines = []
    for run in RUNS:
        command = crawl_command(paths, run.name, month, escape)
        log = escape(shlex.quote(str(paths.log)))
        lines += [f"{times} {command} >> {log} 2>&1" for times in run.cron_times]
    return lines


def service_unit(paths: CrawlSetup, *, user_unit: bool) -> str:
    # In unit files % starts a specifier (%i is the run name) and $ an environment variable:
    # %% and $$ are the literal characters.
    def escape(text: str) -> str:
        return text.replace("%", "%%").replace("$", "$$")

    command = crawl_command(paths, "%i", "$$(date +%%Y-%%m)", escape)
    lines = [
        "[Unit]",
        f"Description={SERVICE_DESCRIPTION}",
        "Wants=network-online.target",
        "After=network-online.target",
        "",
        "[Service]",
        "Type=oneshot",
        "TimeoutStartSec=infinity",
    ]
    if not user_unit:
        lines.append(f"User={getpass.getuser()}")
    lines += [f"ExecStart=/bin/sh -c {shlex.quote(command)}", "Nice=10", ""]
    return "\n".join(lines)


def timer_unit(run: Run) -> str:
    lines = ["[Unit]", f"Description=zfxxgk crawl, {run.description}", "", "[Timer]"]
    lines += [f"OnCalendar={event}" for event in run.on_calendar]
    lines += ["Persistent=true", f"Unit={run.service}", "", "[Install]"]
    lines += ["WantedBy=timers.target", ""]
    return "\n".join(lines)


def unit_files(paths: CrawlSetup, *, user_unit: bool) -> dict[str, str]:
    files = {SERVICE_TEMPLATE: service_unit(paths, user_unit=user_unit)}
    files.update({run.timer: timer_unit(run) for run in RUNS})
    return files


def systemctl_commands(*, user_unit: bool) -> list[str]:
    systemctl = "systemctl --user" if user_unit else "systemctl"
    timers = " ".join(run.timer for run in RUNS)
    commands = [f"{systemctl} daemon-reload", f"{systemctl} enable --now {timers}"]
    if user_unit:
        # Without lingering, user timers only fire while the user is logged in.
        commands.append(f"loginctl enable-linger {getpass.getuser()}")
    commands.append(f"{systemctl} list-timers 'zfxxgk-*'")
    return commands


def default_unit_dir(*, user_unit: bool) -> Path:
    if not user_unit:
        return Path("/etc/systemd/system")
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "systemd" / "user"


def resolve_paths(args: argparse.Namespace) -> CrawlSetup:
    project = Path(args.project_dir).expanduser().resolve()

    def under_project(value: str | None, default: str) -> Path:
        return (project / Path(value or default).expanduser()).resolve()

    return CrawlSetup(
        project,
        under_project(args.db, "archive.db"),
        under_project(args.jobdir, "jobs"),
        args.contact,
    )


def run(args: argparse.Namespace) -> int:
    paths = resolve_paths(args)
    files = unit_files(paths, user_unit=args.user_unit)
    if not args.install:
        print("# ----- cron: add with `crontab -e` -----")
        print("\n".join(cron_lines(paths)))
        for name, text in files.items():
            print(f"# ----- systemd: {name} -----")
            print(text, end="")
        print("# ----- systemd: enable with -----")
        print("\n".join(systemctl_commands(user_unit=args.user_unit)))
        return 0

    unit_dir = Path(args.unit_dir) if args.unit_dir else default_unit_dir(user_unit=args.user_unit)
    try:
        unit_dir.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (unit_dir / name).write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"zfxxgk schedule: cannot write units to {unit_dir}: {exc.strerror or exc}")
        return 1
    print(f"Wrote {', '.join(files)} to {unit_dir}")
    print("Enable the timers with:")
    for command in systemctl_commands(user_unit=args.user_unit):
        print(f"  {command}")
    print("Or, without systemd, add these lines with `crontab -e`:")
    for line in cron_lines(paths):
        print(f"  {line}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "schedule",
        help="print or install a monthly crawl schedule (systemd timers and cron)",
        description=(__doc__ or "").split("\n\n")[0],
    )
    parser.add_argument("--project-dir", default=".", help="project checkout (default: cwd)")
    parser.add_argument("--db", help="archive database (default: PROJECT/archive.db)")
    parser.add_argument(
        "--jobdir", help="base directory for per-run Scrapy job directories (default: PROJECT/jobs)"
    )
    parser.add_argument(
        "--contact",
        help="how portal webmasters can reach you (e.g. mailto:you@your-domain), sent in the "
        "crawl's User-Agent; without it the crawler warns at every run",
    )
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument(
        "--user-unit", dest="user_unit", action="store_true", default=True,
        help="systemd user units, run as you (default)",
    )  # fmt: skip
    scope.add_argument(
        "--system-unit", dest="user_unit", action="store_false",
        help="system units with User= set to you, for /etc/systemd/system",
    )  # fmt: skip
    parser.add_argument(
        "--install", action="store_true", help="write the unit files instead of printing them"
    )
    parser.add_argument(
        "--unit-dir",
        help="where --install writes units (default: ~/.config/systemd/user, or "
        "/etc/systemd/system with --system-unit)",
    )
    parser.set_defaults(func=run)

"""Inputs shared by the archive tests: fixture documents and fetch records.

The report figures used in assertions were read by hand from the fixtures:
seed_shenzhou_2021.txt (a real report text, 深州市人民政府办公室 2021) has 14 new
applications, all from natural persons, all granted; fees 180.338174 万元; 行政复议
2 upheld (total 2). report_page.html is the same report as a portal page, its
application count left as {{received}} and its page chrome (clock, visit counter) as
{{clock}} / {{visits}}.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from archive.records import FetchRecord

FIXTURES = Path(__file__).parents[1] / "fixtures" / "archive"
SHENZHOU = FIXTURES / "seed_shenzhou_2021.txt"
KAIYUAN = FIXTURES / "seed_kaiyuan_2021.txt"
PAGE_URL = "http://127.0.0.1/szs/xxgk/2022/report.html"


def report_page(received: int = 14, visits: int = 1, clock: str = "2026-11-23 10:00:00") -> bytes:
    template = (FIXTURES / "report_page.html").read_text("utf-8")
    return (
        template.replace("{{received}}", str(received))
        .replace("{{visits}}", str(visits))
        .replace("{{clock}}", clock)
        .encode("utf-8")
    )


def shenzhou_text(
    *, year: int = 2021, received_total: int = 14, agency: str = "深州市人民政府办公室"
) -> bytes:
    """The 深州 seed, optionally for another year or agency, or with a wrong received total."""
    text = SHENZHOU.read_text("utf-8").replace("深州市人民政府办公室", agency)
    if year != 2021:
        text = text.replace("2021年政府信息公开工作年度报告", f"{year}年政府信息公开工作年度报告")
    if received_total != 14:
        text = text.replace(
            "一、本年新收政府信息公开申请数量 | 14 | 0 | 0 | 0 | 0 | 0 | 14 |",
            f"一、本年新收政府信息公开申请数量 | 14 | 0 | 0 | 0 | 0 | 0 | {received_total} |",
        )
    return text.encode("utf-8")


def shenzhou_without_tables() -> bytes:
    """The 深州 seed cut before its tables: the same report with far fewer cells."""
    text = SHENZHOU.read_text("utf-8")
    return text[: text.index("二、主动公开政府信息情况")].encode("utf-8")


def fetch(url: str, at: str, body: bytes = b"", status: int | None = 200, **extra) -> FetchRecord:
    return FetchRecord(url=url, fetched_at=at, status=status, body=body, **extra)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_datasette(db_path: Path, port: int) -> subprocess.Popen:
    """`datasette serve` as users run it (the plugin comes from the entry point)."""
    datasette = shutil.which("datasette", path=str(Path(sys.executable).parent))
    process = subprocess.Popen(
        [datasette, "serve", str(db_path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=1)
            return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(process.stdout.read().decode()) from None
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("datasette did not start")

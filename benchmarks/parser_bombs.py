"""CPU seconds and peak memory of parsing each bomb, against a normal report's parse.

Every parse runs in a forked child (after the parent imported the parser, so imports
are not counted), and its figures come from the kernel's accounting for that child
(`os.wait4`): CPU seconds (user + system) and peak resident set size. The children
inherit the parent's resident pages, so the normal reports' parses (seed 001 as DOCX
and as an HTML page) are the floor to compare with, measured in the same run. A child
over `CPU_LIMIT_S` CPU seconds or `MEMORY_LIMIT` bytes of address space is killed and
shown as such: that is what an unbounded reader looks like.

Run: .venv/bin/python benchmarks/parser_bombs.py   (needs LibreOffice for the XLS)
"""

from __future__ import annotations

import io
import os
import resource
import signal
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402

from demo import bombs  # noqa: E402
from demo.documents import seed_blocks, to_docx  # noqa: E402
from parsers import parse_document  # noqa: E402
from parsers.errors import UnreadableDocument  # noqa: E402
from parsers.formats.legacy_word import convert  # noqa: E402

SEED_001 = next((ROOT / "tests" / "fixtures" / "seeds").glob("001_*.txt"))
CPU_LIMIT_S = 120
MEMORY_LIMIT = 6 * 1024**3


def _documents() -> dict[str, tuple[str, Callable[[], bytes]]]:
    """name -> (file name, builder); the first two are the baselines."""
    seed = SEED_001.read_text(encoding="utf-8")

    def seed_html() -> bytes:
        lines = "".join(f"<p>{line}</p>" for line in seed.splitlines())
        return f"<html><head><title>{bombs.REPORT_TITLE}</title></head><body>{lines}</body></html>".encode()

    def small_xls() -> bytes:
        book = openpyxl.Workbook()
        book.active.append(["项目", "件数"])
        out = io.BytesIO()
        book.save(out)
        return convert(out.getvalue(), source_suffix=".xlsx", target="xls")

    def big_html() -> bytes:
        return seed_html() * (9 * 1024 * 1024 // len(seed_html()) + 1)

    def long_table() -> bytes:
        rows = "".join(f"<tr><td>第{i}项</td><td>{i}</td><td>{2 * i}</td></tr>" for i in range(10_000))
        return f"<html><body><h1>{bombs.REPORT_TITLE}</h1><table>{rows}</table></body></html>".encode()

    return {
        "baseline: seed 001 DOCX": ("report.docx", lambda: to_docx(seed_blocks(seed))),
        "baseline: seed 001 HTML": ("report.html", seed_html),
        "span-bomb HTML table": ("report.html", bombs.span_bomb_html),
        "deeply nested HTML": ("report.html", bombs.deep_nesting_html),
        "9 MiB HTML page": ("report.html", big_html),
        "10,000-row HTML table": ("report.html", long_table),
        "PDF form drawn 2,000 times": ("report.pdf", bombs.xobject_repeat_pdf),
        "PDF 50000x50000 image": ("report.pdf", bombs.huge_image_pdf),
        "XLSX declaring 17 G cells": ("report.xlsx", bombs.huge_sheet_xlsx),
        "XLSX of 3 M cells, undeclared": (
            "report.xlsx", lambda: bombs.huge_sheet_xlsx(rows=30_000, cols=100, declared=None)
        ),
        "XLS with a looping sector chain": ("report.xls", lambda: bombs.looped_xls(small_xls())),
        "DOCX cell spanning 10^9 columns": (
            "report.docx",
            lambda: bombs.gridspan_bomb_docx(to_docx([bombs.REPORT_TITLE, *seed_blocks(seed)])),
        ),
    }


def measure(body: bytes, filename: str) -> tuple[str, float, float]:
    """(outcome, CPU seconds, peak RSS in MiB) of one parse in a forked child."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: parse, report the outcome on the pipe, exit
        os.close(read)
        resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT_S, CPU_LIMIT_S + 5))
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
        try:
            report = parse_document(body, filename=filename)
            outcome = "report" if report.is_report else "not a report"
        except UnreadableDocument as exc:
            outcome = f"unreadable: {exc.reason}"
        except BaseException as exc:  # noqa: BLE001 - the figure to show is what escaped
            outcome = f"raised {type(exc).__name__}"
        os.write(write, outcome[:110].encode())
        os._exit(0)
    os.close(write)
    _, status, usage = os.wait4(pid, 0)
    outcome = os.read(read, 200).decode(errors="replace")
    os.close(read)
    if os.WIFSIGNALED(status):
        outcome = f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return outcome, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parse_document(b"<html><body><p>warm-up</p></body></html>", filename="warm.html")
    rows = []
    for name, (filename, build) in _documents().items():
        body = build()
        outcome, cpu, rss = measure(body, filename)
        rows.append((name, len(body), cpu, rss, outcome))
    base_cpu = max(rows[0][2], rows[1][2])
    base_rss = max(rows[0][3], rows[1][3])
    print(f"{'document':<34}{'bytes':>11}{'CPU s':>8}{'x base':>8}{'peak MiB':>10}  outcome")
    for name, size, cpu, rss, outcome in rows:
        print(f"{name:<34}{size:>11}{cpu:>8.2f}{cpu / base_cpu:>8.1f}{rss:>10.0f}  {outcome}")
    print(f"baseline: the slower normal report, {base_cpu:.2f} CPU s and {base_rss:.0f} MiB peak")


if __name__ == "__main__":
    main()

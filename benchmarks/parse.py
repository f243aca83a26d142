"""Parser throughput, and its cost relative to trafilatura on the same pages.

    .venv/bin/python benchmarks/parse.py [--rounds N]

Prints reports per second for HTML pages (the hand-written fixtures, each also padded
with portal chrome to ~40 KB, the size of a real portal page) and for plain-text
reports (the five seeds), and the ratio of `parse_html`'s whole time to trafilatura's
own `extract` on the same bytes. The target is a ratio of at most 1.5: trafilatura is
the unavoidable part of reading a page, everything else should stay small beside it.
The parser and trafilatura runs are interleaved page by page, so load from other
processes on the machine hits both sides alike. The parser runs trafilatura in its fast
mode (see parsers/report.py), so the ratio to `extract(fast=True)` is printed as well:
it is the parser's own overhead over the trafilatura work it does.

Each measured input kind is one `Section`; add a section (e.g. per attachment format)
by appending to `SECTIONS`.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from parsers import parse_html, parse_text

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "html"
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
PORTAL_PAGE_BYTES = 40_000


@dataclass
class Section:
    """One kind of input: its documents and how to run it; prints its own figures."""

    name: str
    run: Callable[[int], list[str]]


def html_pages() -> list[tuple[str, bytes]]:
    pages = [(path.name, path.read_bytes()) for path in sorted(FIXTURES.glob("*.html"))]
    padded = [(f"{name} (padded)", pad_page(body)) for name, body in pages]
    return pages + padded


def pad_page(body: bytes) -> bytes:
    """The page with portal chrome (news lists, link directories) added up to ~40 KB."""
    links = []
    i = 0
    while len(body) + sum(len(x) for x in links) < PORTAL_PAGE_BYTES:
        links.append(
            f'<li><a href="/zwdt/2024{i % 12 + 1:02d}/t2024{i % 12 + 1:02d}{i % 28 + 1:02d}_{9000 + i}.html">'
            f"区政府召开第{i + 1}次常务会议研究部署重点工作</a><span>2024-{i % 12 + 1:02d}-{i % 28 + 1:02d}</span></li>\n"
            .encode()
        )
        i += 1
    chrome = b'<div class="side-links"><h3>\xe6\x9c\x80\xe6\x96\xb0\xe5\x8a\xa8\xe6\x80\x81</h3><ul>\n' + b"".join(links) + b"</ul></div>\n"
    # GBK pages must stay GBK: the chrome is ASCII + UTF-8, so only pad UTF-8 pages with it.
    if b"charset=gb2312" in body[:2048].lower():
        chrome = chrome.decode("utf-8").encode("gbk")
    marker = body.rfind(b"</body>")
    return body[:marker] + chrome + body[marker:] if marker != -1 else body + chrome


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run_html(rounds: int) -> list[str]:
    import trafilatura

    pages = html_pages()
    for _name, body in pages:  # warm-up: imports, caches, lazy compiles on both sides
        parse_html(body)
        trafilatura.extract(body)
    ours = theirs = theirs_fast = 0.0
    for _ in range(rounds):
        for _name, body in pages:
            ours += _timed(lambda body=body: parse_html(body))
            theirs += _timed(lambda body=body: trafilatura.extract(body))
            theirs_fast += _timed(lambda body=body: trafilatura.extract(body, fast=True))
    count = rounds * len(pages)
    size = sum(len(body) for _, body in pages) / len(pages)
    return [
        f"html: {len(pages)} pages (mean {size / 1000:.1f} KB) x {rounds} rounds",
        f"  parse_html                     {count / ours:8.1f} reports/s  ({ours / count * 1000:.1f} ms/page)",
        f"  trafilatura.extract            {count / theirs:8.1f} pages/s    ({theirs / count * 1000:.1f} ms/page)",
        f"  trafilatura.extract(fast=True) {count / theirs_fast:8.1f} pages/s    "
        f"({theirs_fast / count * 1000:.1f} ms/page)",
        f"  ratio parse/extract            {ours / theirs:8.2f}  (target <= 1.5)",
        f"  ratio parse/extract(fast=True) {ours / theirs_fast:8.2f}  (parse uses the fast mode)",
    ]


def run_text(rounds: int) -> list[str]:
    texts = [path.read_text("utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    if not texts:
        return [f"text: no seeds found in {SEEDS}"]
    for text in texts:
        parse_text(text)
    total = 0.0
    for _ in range(rounds):
        for text in texts:
            total += _timed(lambda text=text: parse_text(text))
    count = rounds * len(texts)
    return [
        f"text: {len(texts)} seed reports x {rounds} rounds",
        f"  parse_text                     {count / total:8.1f} reports/s  "
        f"({total / count * 1000:.1f} ms/report)",
    ]


def run_formats(_rounds: int) -> list[str]:
    """Attachment formats (benchmarks/parse_formats.py prints its own table)."""
    from parse_formats import format_rates  # a sibling script: benchmarks/ is on sys.path

    rates = format_rates()
    return [f"formats: {len(rates)} formats timed, pages/s above"]


SECTIONS: list[Section] = [
    Section("html", run_html),
    Section("text", run_text),
    Section("formats", run_formats),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="passes over every input")
    args = parser.parse_args(argv)
    for section in SECTIONS:
        print("\n".join(section.run(args.rounds)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

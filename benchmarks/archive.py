"""Archive ingest benchmark: 10,000 report pages of portal size, then the same again unchanged.

Prints documents per second (with the same bodies inserted into a bare SQLite table as
the in-process baseline), archive bytes per raw byte, and the time and new bytes of
re-ingesting everything unchanged, which must store no new body bytes and make no new
version.

The parser costs far more per page than the archive (see benchmarks/parse.py), so to
keep this runnable in a few minutes the pages are built from --reports distinct report
bodies (own agency, figures and text), each dressed in different page chrome (sidebar
links, visit counter, 30-60 KB in all), and the real parser runs once per distinct
report body; `--parser real` parses every page (slow: budget the parser's ms/page
printed on the first line times --documents).

    .venv/bin/python benchmarks/archive.py [--documents 10000] [--reports 250] [--parser real]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive import Archive, FetchRecord  # noqa: E402
from archive.parse_stage import Parsed, parse_body  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "archive"
ARTICLE_START, ARTICLE_END = b'<div class="article">', b'<ul class="side">'
PLACES = [
    "深州市",
    "武邑县",
    "枣强县",
    "故城县",
    "景县",
    "阜城县",
    "饶阳县",
    "安平县",
    "冀州区",
    "桃城区",
]
OFFICES = [
    "人民政府办公室",
    "财政局",
    "教育局",
    "卫生健康委员会",
    "自然资源和规划局",
    "住房和城乡建设局",
    "市场监督管理局",
    "生态环境分局",
    "交通运输局",
    "人力资源和社会保障局",
]


def _sentences() -> list[str]:
    text = "".join(path.read_text("utf-8") for path in sorted(FIXTURES.glob("seed_*.txt")))
    return [s.strip() + "。" for s in text.replace("\n", "").split("。") if len(s.strip()) > 12]


def pages(count: int, reports: int, sentences: list[str]) -> Iterator[tuple[str, bytes]]:
    """Deterministic, varied pages: a report body (one of `reports`) in 30-60 KB of chrome."""
    template = (FIXTURES / "report_page.html").read_text("utf-8")
    for n in range(count):
        rng = random.Random(n % reports)
        agency = rng.choice(PLACES) + rng.choice(OFFICES)
        body = "".join(f"<p>{rng.choice(sentences)}</p>" for _ in range(rng.randint(8, 30)))
        page = (
            template.replace("深州市人民政府办公室", agency)
            .replace("{{received}}", str(rng.randint(0, 300)))
            .replace("<h2>一、总体情况</h2>", "<h2>一、总体情况</h2>" + body)
        )
        rng = random.Random(n)
        page = page.replace("{{visits}}", str(rng.randint(1, 99999))).replace(
            "{{clock}}", f"2026-11-23 10:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
        )
        size, target = len(page.encode()), rng.randint(30_000, 60_000)
        links = []
        while size < target:
            links.append(
                f'<li><a href="/xxgk/{rng.randint(1, 10**6)}.html">{rng.choice(sentences)[:24]}'
                f"</a><span>2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}</span></li>"
            )
            size += len(links[-1].encode())
        page = page.replace(
            '<div class="footer">', f'<ul class="side">{"".join(links)}</ul><div class="footer">'
        )
        yield f"http://127.0.0.1/bench/{n}.html", page.encode("utf-8")


class ParseOncePerReport(Archive):
    """Runs the real parser once per distinct report body (the article), not per page."""

    parsed: dict[str, Parsed] = {}
    parse_seconds = 0.0

    def _parse(self, body, filename, content_type, url) -> Parsed:
        article = body[body.index(ARTICLE_START) : body.index(ARTICLE_END)]
        key = hashlib.sha256(article).hexdigest()
        if key not in self.parsed:
            started = time.perf_counter()
            self.parsed[key] = parse_body(
                body, filename=filename, content_type=content_type, url=url
            )
            ParseOncePerReport.parse_seconds += time.perf_counter() - started
        return self.parsed[key]


def db_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def checkpoint(archive: Archive) -> None:
    archive.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def ingest_all(archive: Archive, documents: Iterable[tuple[str, bytes]], fetched_at: str) -> float:
    """Record every page as fetched at `fetched_at`; the seconds it took."""
    started = time.perf_counter()
    for url, body in documents:
        archive.record(
            FetchRecord(
                url=url, fetched_at=fetched_at, status=200, body=body,
                headers={"content-type": "text/html"},
            )
        )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--reports", type=int, default=250, help="distinct report bodies")
    parser.add_argument("--parser", choices=["once-per-report", "real"], default="once-per-report")
    parser.add_argument("--keep", type=Path, help="write the archive here instead of a temp dir")
    args = parser.parse_args()
    sentences = _sentences()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="zfxxgk-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)

    # Baseline: the same bodies into a bare table, one transaction each, same pragmas.
    baseline_path = workdir / "baseline.db"
    conn = sqlite3.connect(baseline_path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("CREATE TABLE bodies (url TEXT PRIMARY KEY, body BLOB)")
    raw_bytes = 0
    started = time.perf_counter()
    for url, body in pages(args.documents, args.reports, sentences):
        conn.execute("BEGIN")
        conn.execute("INSERT INTO bodies VALUES (?, ?)", [url, body])
        conn.execute("COMMIT")
        raw_bytes += len(body)
    baseline_seconds = time.perf_counter() - started
    conn.close()

    sample = list(pages(min(20, args.documents), args.documents, sentences))
    parse_body(sample[0][1], content_type="text/html")  # imports (trafilatura...) not timed
    started = time.perf_counter()
    for url, body in sample:
        parse_body(body, content_type="text/html", url=url)
    parse_per_doc = (time.perf_counter() - started) / len(sample)

    db_path = workdir / "archive.db"
    archive_class = Archive if args.parser == "real" else ParseOncePerReport
    with archive_class.open(db_path) as archive:
        ingest_seconds = ingest_all(
            archive, pages(args.documents, args.reports, sentences), "2026-11-23T10:00:00Z"
        )
        checkpoint(archive)
        size_after_first = db_bytes(db_path)
        blob_bytes = archive.db.execute("SELECT sum(stored_size) FROM blobs").fetchone()[0]
        versions = archive.db["versions"].count

        again_seconds = ingest_all(
            archive, pages(args.documents, args.reports, sentences), "2026-11-24T10:00:00Z"
        )
        checkpoint(archive)
        new_blob_bytes = (
            archive.db.execute("SELECT sum(stored_size) FROM blobs").fetchone()[0] - blob_bytes
        )
        new_versions = archive.db["versions"].count - versions
        growth = db_bytes(db_path) - size_after_first
        reports_ok = archive.db.execute(
            "SELECT count(*) FROM reports WHERE status = 'ok'"
        ).fetchone()[0]

    n = args.documents
    print(
        f"documents: {n:,}, raw bytes {raw_bytes:,} (mean {raw_bytes / n / 1024:.1f} KB), "
        f"parsed as reports: {reports_ok:,}"
    )
    if args.parser == "real":
        parses, archive_only = n, max(ingest_seconds - n * parse_per_doc, 1e-9)
    else:  # the parser's time is measured, not estimated
        parses = len(ParseOncePerReport.parsed)
        archive_only = ingest_seconds - ParseOncePerReport.parse_seconds
    print(
        f"parser: {parse_per_doc * 1000:.0f} ms/page (sample of {len(sample)}), "
        f"run {parses:,} times ({args.parser})"
    )
    print(
        f"ingest: {ingest_seconds:.1f} s, {n / ingest_seconds:.1f} documents/s "
        f"(archive alone ~{n / archive_only:.0f} documents/s; baseline bare insert "
        f"{n / baseline_seconds:.0f} documents/s; with every page parsed "
        f"~{1 / (archive_only / n + parse_per_doc):.1f} documents/s)"
    )
    print(
        f"archive: {size_after_first:,} bytes = {size_after_first / raw_bytes:.3f} archive bytes "
        f"per raw byte (raw bodies stored: {blob_bytes / raw_bytes:.3f} bytes per raw byte; "
        f"baseline uncompressed table {db_bytes(baseline_path) / raw_bytes:.3f})"
    )
    print(
        f"re-ingest unchanged: {again_seconds:.1f} s, {n / again_seconds:.0f} documents/s, "
        f"new body bytes {new_blob_bytes}, new versions {new_versions}, "
        f"fetch-log growth {growth:,} bytes ({growth / n:.0f} bytes/fetch)"
    )
    if not args.keep:
        for path in workdir.iterdir():
            path.unlink()
        workdir.rmdir()


if __name__ == "__main__":
    main()

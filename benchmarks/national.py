"""National-scale archive benchmark: N reports through the archive's own ingest API, then
every page the Datasette guide links to, timed as a user gets them.

The archive is built with `Archive.record`, one fetch at a time, from a synthetic country:
portals (each with its own page chrome) of 20 agencies reporting every year 2019-2024,
as 30-60 KB report pages (one in thirty never published); one report in six also as a PDF attachment; one in twenty
revised later (a figure changed), one in fifty gone (404), one in ten failing a check. The real parser runs once per
distinct report body (`--bodies`, default 40, its time printed apart); each report's
parse is that body's, with its own agency, year, title and figures, so the archive holds
N distinct reports. Then:

* ingest: documents per second overall and over the last tenth (the marginal cost at
  that size), an unchanged re-fetch (new chrome, same report) and a reparse of a fixed
  sample of documents, per document;
* size: archive bytes per raw byte, all and by content type, and the largest tables;
* pages: a real `datasette serve` on the archive; every link of the guide on the
  database page, first page with the default facets, timed cold (first request after
  the server starts) and warm (`--runs` more), p50/p95, and any page that failed.

    .venv/bin/python benchmarks/national.py --reports 10000 [--keep DIR] [--runs 5]
"""

from __future__ import annotations

import argparse
import dataclasses
import html.parser
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive import Archive, FetchRecord, reports, summaries  # noqa: E402
from archive.parse_stage import Parsed, parse_body, text_fingerprint  # noqa: E402
from archive.summaries import PROVINCES_BY_CODE  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "archive"
TEMPLATE_AGENCY = "深州市人民政府办公室"
YEARS = range(2019, 2025)
AGENCIES_PER_PORTAL = 20
OFFICES = [
    "人民政府办公室", "财政局", "教育局", "卫生健康委员会", "自然资源和规划局",
    "住房和城乡建设局", "市场监督管理局", "生态环境分局", "交通运输局", "人力资源和社会保障局",
    "民政局", "司法局", "农业农村局", "水利局", "商务局", "文化广电和旅游局", "应急管理局",
    "审计局", "统计局", "医疗保障局",
]  # fmt: skip
SAMPLE = 1000  # documents re-fetched unchanged and reparsed at every size
BATCH = 64  # fetches per Archive.record_many call, as a writer with a queue hands them over


def sentences() -> list[str]:
    text = "".join(path.read_text("utf-8") for path in sorted(FIXTURES.glob("seed_*.txt")))
    return [s.strip() + "。" for s in text.replace("\n", "").split("。") if len(s.strip()) > 12]


@dataclasses.dataclass(frozen=True)
class Report:
    n: int
    portal: int
    agency: str
    year: int
    received: int
    body: int  # which distinct report body

    @property
    def url(self) -> str:
        return f"http://127.0.0.{1 + self.portal % 200}/p{self.portal}/{self.year}/{self.n}.html"


def country(count: int, bodies: int) -> list[Report]:
    """`count` reports: portals of AGENCIES_PER_PORTAL agencies, each reporting every year."""
    places = ["深州市"] + [
        f"{name[:2]}第{n}县" for n, name in enumerate(PROVINCES_BY_CODE.values())
    ]
    out = []
    for n in range(count):
        portal, rest = divmod(n, AGENCIES_PER_PORTAL * len(YEARS))
        agency_n, year_n = divmod(rest, len(YEARS))
        # one 深州 (the guide's example agency); every other place a name of its own
        place = (
            places[portal]
            if portal < len(places)
            else (f"{places[1 + portal % (len(places) - 1)]}{portal}")
        )
        rng = random.Random(n)
        out.append(
            Report(n, portal, place + OFFICES[agency_n % len(OFFICES)], YEARS[year_n],
                   rng.randint(0, 400), rng.randrange(bodies))
        )  # fmt: skip
    return out


class Pages:
    """Report pages in each portal's own chrome (header, navigation, a sidebar of links)."""

    def __init__(self, lines: list[str]) -> None:
        self.template = (FIXTURES / "report_page.html").read_text("utf-8")
        self.lines = lines
        self.chrome: dict[int, str] = {}

    def _chrome(self, portal: int) -> str:
        if portal not in self.chrome:
            rng = random.Random(f"portal{portal}")
            links = "".join(
                f'<li><a href="/xxgk/{rng.randint(1, 10**6)}.html">{rng.choice(self.lines)[:24]}'
                f"</a><span>2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}</span></li>"
                for _ in range(rng.randint(150, 350))
            )
            if len(self.chrome) > 64:
                self.chrome.clear()
            self.chrome[portal] = f'<ul class="side">{links}</ul>'
        return self.chrome[portal]

    def page(self, report: Report, received: int, visits: int) -> bytes:
        rng = random.Random(report.body)
        body = "".join(f"<p>{rng.choice(self.lines)}</p>" for _ in range(rng.randint(8, 30)))
        page = (
            self.template.replace(TEMPLATE_AGENCY, report.agency)
            .replace("2021年", f"{report.year}年")
            .replace("{{received}}", str(received))
            .replace("<h2>一、总体情况</h2>", "<h2>一、总体情况</h2>" + body)
            .replace("{{visits}}", str(visits))
            .replace("{{clock}}", f"2026-11-23 10:{visits % 60:02d}:00")
            .replace('<div class="footer">', self._chrome(report.portal) + '<div class="footer">')
        )
        return page.encode("utf-8")


def attachment(report: Report) -> bytes:
    """A PDF-sized body that does not compress (PDF streams are deflated already)."""
    rng = random.Random(report.n)
    return b"%PDF-1.7\n" + rng.randbytes(rng.randint(60_000, 250_000)) + b"\n%%EOF\n"


class OneParsePerBody(Archive):
    """The real parser once per distinct report body; each report gets that parse with its
    own agency, year, title and figures (what the parser would read from its page)."""

    # (url, hash of the body) -> the report and its figure the page was built for
    reports_by_body: dict[tuple[str, int], tuple[Report, int]] = {}
    base: dict[int, Parsed] = {}
    parse_seconds = 0.0
    parses = 0

    def _parse(self, body, filename, content_type, url) -> Parsed:
        report, received = self.reports_by_body[url, hash(body)]
        if report.body not in self.base:  # always a page: it is recorded before its PDF
            started = time.perf_counter()
            self.base[report.body] = parse_body(body, content_type="text/html")
            OneParsePerBody.parse_seconds += time.perf_counter() - started
            OneParsePerBody.parses += 1
        parsed = adapt(self.base[report.body], report, received)
        if url.endswith(".pdf"):
            pdf = dataclasses.replace(parsed.report, source_format="pdf")
            parsed = dataclasses.replace(parsed, report=pdf)
        return parsed


def adapt(parsed: Parsed, report: Report, received: int) -> Parsed:
    base = parsed.report
    assert base is not None and base.is_report, parsed.reason
    swap = lambda text: text.replace(TEMPLATE_AGENCY, report.agency)  # noqa: E731
    tables = {t: {r: dict(c) for r, c in rows.items()} for t, rows in base.tables.items()}
    for row in ("received", "granted", "total_processed"):
        for col in ("natural_person", "total"):
            if col in tables["requests"].get(row, {}):
                tables["requests"][row][col] = received
    text = swap(base.text)
    if received != report.received:  # a revised figure is in the text the parser reads too
        text += f"\n本年新收政府信息公开申请{received}件。"
    checks = list(base.checks)
    if report.n % 10 == 3 and checks:  # one report in ten does not add up
        checks[0] = dataclasses.replace(checks[0], ok=False, actual=(checks[0].expected or 0) + 1)
    adapted = dataclasses.replace(
        base, agency=report.agency, year=report.year, title=swap(base.title or ""), text=text,
        tables=tables, checks=checks, sections={k: swap(v) for k, v in base.sections.items()},
    )  # fmt: skip
    return Parsed(parsed.status, parsed.reason, adapted, text_fingerprint(text))


# Inside Archive.record / record_many (page building excluded): wall seconds, and CPU
# seconds of this process, steadier on a shared machine.
RECORD_SECONDS = [0.0]
RECORD_CPU = [0.0]


class Recorder:
    """Fetches handed to the archive `batch` at a time (`record_many`; 1: `record`)."""

    def __init__(self, archive: Archive, batch: int) -> None:
        self.archive, self.batch = archive, batch
        self.pending: list[FetchRecord] = []

    def record(self, report: Report, received: int, url: str, at: str, body: bytes,
               **extra) -> None:  # fmt: skip
        OneParsePerBody.reports_by_body[url, hash(body)] = (report, received)
        status = 200 if body else 404
        self.pending.append(FetchRecord(url=url, fetched_at=at, status=status, body=body, **extra))
        if len(self.pending) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        started, cpu = time.perf_counter(), time.process_time()
        if self.batch == 1:
            self.archive.record(self.pending[0])
        else:
            self.archive.record_many(self.pending)
        RECORD_SECONDS[0] += time.perf_counter() - started
        RECORD_CPU[0] += time.process_time() - cpu
        self.pending = []


def build(path: Path, count: int, bodies: int, batch: int) -> dict:
    lines = sentences()
    pages = Pages(lines)
    everyone = country(count, bodies)
    stats = {"raw": {"text/html": 0, "application/pdf": 0}, "documents": 0}
    with OneParsePerBody.open(path) as archive:
        portals = sorted({r.portal for r in everyone})
        codes = list(PROVINCES_BY_CODE)
        archive.upsert_portals(
            [{"id": f"p{p}", "name": f"门户{p}", "region_code": f"{codes[p % len(codes)]}0101",
              "level": "county", "url": f"http://127.0.0.{1 + p % 200}/p{p}/", "province": "",
              "city": f"第{p // 10}市"} for p in portals]
        )  # fmt: skip
        run = archive.start_run("national-benchmark", {})
        recorder = Recorder(archive, batch)
        record = recorder.record
        tenth_started, tenth = None, max(1, count // 10)
        for i, report in enumerate(everyone):
            if i == count - tenth:
                recorder.flush()
                tenth_started, tenth_docs = RECORD_SECONDS[0], stats["documents"]
                tenth_cpu = RECORD_CPU[0]
                tenth_parse = OneParsePerBody.parse_seconds
            if report.n % 30 == 11:  # never published: a year missing_reports lists
                continue
            body = pages.page(report, report.received, visits=i)
            record(report, report.received, report.url, "2026-01-15T00:00:00Z", body, run_id=run,
                   portal_id=f"p{report.portal}", headers={"content-type": "text/html"})  # fmt: skip
            stats["raw"]["text/html"] += len(body)
            stats["documents"] += 1
            if report.n % 6 == 0:
                pdf_url = report.url.replace(".html", ".pdf")
                pdf = attachment(report)
                record(report, report.received, pdf_url, "2026-01-15T00:00:00Z", pdf, run_id=run,
                       portal_id=f"p{report.portal}", kind="attachment", parent_url=report.url,
                       filename="report.pdf", headers={"content-type": "application/pdf"})  # fmt: skip
                stats["raw"]["application/pdf"] += len(pdf)
                stats["documents"] += 1
            if report.n % 20 == 7:  # revised: a figure changed
                body = pages.page(report, report.received + 1, visits=i + 1)
                record(report, report.received + 1, report.url, "2026-02-15T00:00:00Z", body,
                       run_id=run,
                       portal_id=f"p{report.portal}", headers={"content-type": "text/html"})  # fmt: skip
                stats["raw"]["text/html"] += len(body)
                stats["documents"] += 1
            if report.n % 50 == 13:
                record(report, report.received, report.url, "2026-03-15T00:00:00Z", b"",
                       run_id=run)
                stats["documents"] += 1
        recorder.flush()
        total = RECORD_SECONDS[0]
        last = total - tenth_started - (OneParsePerBody.parse_seconds - tenth_parse)
        stats["ingest_per_doc"] = (total - OneParsePerBody.parse_seconds) / stats["documents"]
        # the parser's wall time is that of a CPU-bound call, close to its CPU time
        parse_cpu = OneParsePerBody.parse_seconds
        stats["ingest_cpu_per_doc"] = (RECORD_CPU[0] - parse_cpu) / stats["documents"]
        stats["ingest_cpu_last_tenth_per_doc"] = (
            RECORD_CPU[0] - tenth_cpu - (parse_cpu - tenth_parse)
        ) / (stats["documents"] - tenth_docs)
        stats["ingest_last_tenth_per_doc"] = last / (stats["documents"] - tenth_docs)
        stats["parses"], stats["parse_seconds"] = (
            OneParsePerBody.parses,
            OneParsePerBody.parse_seconds,
        )

        sample = [r for r in everyone if r.n % 50 != 13 and r.n % 20 != 7 and r.n % 30 != 11]
        sample = random.Random(0).sample(sample, min(SAMPLE, len(sample)))
        started, cpu = RECORD_SECONDS[0], RECORD_CPU[0]
        for report in sample:  # new chrome (visit counter), the same report
            body = pages.page(report, report.received, visits=10**6 + report.n)
            record(report, report.received, report.url, "2026-04-15T00:00:00Z", body,
                   portal_id=f"p{report.portal}", headers={"content-type": "text/html"})  # fmt: skip
            stats["raw"]["text/html"] += len(body)
        recorder.flush()
        stats["unchanged_per_doc"] = (RECORD_SECONDS[0] - started) / len(sample)
        stats["unchanged_cpu_per_doc"] = (RECORD_CPU[0] - cpu) / len(sample)
        stats["sample"] = len(sample)
        started, cpu = time.perf_counter(), time.process_time()
        for report in sample:
            version = next(
                archive.db.query(
                    "SELECT v.* FROM versions v JOIN documents d ON v.id = d.current_version_id "
                    "WHERE d.url = ?",
                    [report.url],
                )
            )
            parsed = reports.parse_version(archive.db, version, archive._parse)
            with archive._write():
                reports.store_report(archive.db, version["id"], version["document_id"], parsed)
                summaries.refresh_document(archive.db, version["document_id"])
        stats["reparse_per_doc"] = (time.perf_counter() - started) / len(sample)
        stats["reparse_cpu_per_doc"] = (time.process_time() - cpu) / len(sample)
        archive.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db = archive.db
        stats["stored"] = dict(
            db.execute(
                "SELECT f.content_type, sum(b.stored_size) FROM blobs b JOIN "
                "(SELECT sha256, max(content_type) AS content_type FROM fetches "
                "WHERE sha256 IS NOT NULL GROUP BY sha256) f USING (sha256) GROUP BY 1"
            ).fetchall()
        )
        stats["tables"] = db.execute(
            "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 8"
        ).fetchall()
        stats["reports"] = db.execute("SELECT count(*) FROM latest_reports").fetchone()[0]
    stats["bytes"] = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    return stats


class Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self._in_guide = 0

    def handle_starttag(self, tag, attrs):
        if tag == "ul":
            self._in_guide += 1
        if tag == "a" and self._in_guide:
            self.links.append(dict(attrs)["href"])

    def handle_endtag(self, tag):
        if tag == "ul" and self._in_guide:
            self._in_guide = 0


def guide_links(base: str, database: str) -> list[str]:
    """Every link of the guide at the top of the database page, as a user clicks them."""
    with urllib.request.urlopen(f"{base}/{database}", timeout=60) as response:
        page = response.read().decode()
    start = page.index("从问题开始")
    parser = Links()
    parser.feed(page[start : page.index("</ul>", start) + 5])
    return list(dict.fromkeys(link for link in parser.links if link.startswith(f"/{database}/")))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def time_pages(path: Path, runs: int) -> list[dict]:
    port = free_port()
    datasette = shutil.which("datasette", path=str(Path(sys.executable).parent))
    server = subprocess.Popen(
        [datasette, "serve", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{base}/-/versions.json", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("datasette did not start") from None
                time.sleep(0.2)
        links = guide_links(base, path.stem)
        results = []
        for link in links:
            timings, status = [], 200
            for _ in range(1 + runs):
                started = time.perf_counter()
                try:
                    with urllib.request.urlopen(base + link, timeout=120) as response:
                        response.read()
                except urllib.error.HTTPError as exc:
                    status = exc.code
                timings.append(time.perf_counter() - started)
            warm = sorted(timings[1:])
            results.append(
                {"page": urllib.request.unquote(link), "status": status, "cold": timings[0],
                 "p50": statistics.median(warm),
                 "p95": warm[min(len(warm) - 1, round(0.95 * (len(warm) - 1)))]}
            )  # fmt: skip
        return results
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--bodies", type=int, default=40, help="distinct report bodies parsed")
    parser.add_argument("--runs", type=int, default=5, help="warm requests per page")
    parser.add_argument("--batch", type=int, default=BATCH,
                        help="fetches per Archive.record_many call (1: Archive.record)")
    parser.add_argument("--keep", type=Path, help="leave the archive in this folder")
    parser.add_argument(
        "--time-only",
        type=Path,
        metavar="ARCHIVE",
        help="only time the pages of an archive this script built before",
    )
    args = parser.parse_args()
    if min(args.reports, args.bodies, args.runs, args.batch) < 1:
        parser.error("--reports, --bodies, --runs and --batch must be positive")
    if args.time_only:
        if not args.time_only.is_file():
            parser.error(f"{args.time_only} is not a file")
        Archive.open(args.time_only).close()  # views of this release, as a reader gets them
        print_pages(time_pages(args.time_only, args.runs))
        return
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="zfxxgk-national-"))
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "archive.db"
    if path.exists():
        parser.error(f"{path} exists: give --keep an empty folder")
    try:
        stats = build(path, args.reports, args.bodies, args.batch)
        pages = time_pages(path, args.runs)
    finally:
        if not args.keep:
            shutil.rmtree(workdir)
    raw = sum(stats["raw"].values())
    print(f"reports: {args.reports:,} ({stats['reports']:,} latest), fetches recorded "
          f"{stats['documents']:,}; parser run {stats['parses']} times, {stats['parse_seconds']:.1f} s "
          f"(not in the rates below); {args.batch} fetches per record call")  # fmt: skip
    ms = {key: value * 1000 for key, value in stats.items() if key.endswith("per_doc")}
    print(f"ingest: {ms['ingest_per_doc']:.2f} ms/document overall ({ms['ingest_cpu_per_doc']:.2f} "
          f"CPU), last tenth {ms['ingest_last_tenth_per_doc']:.2f} ms "
          f"({ms['ingest_cpu_last_tenth_per_doc']:.2f} CPU); unchanged re-fetch "
          f"{ms['unchanged_per_doc']:.2f} ms ({ms['unchanged_cpu_per_doc']:.2f} CPU); reparse "
          f"{ms['reparse_per_doc']:.2f} ms ({ms['reparse_cpu_per_doc']:.2f} CPU); "
          f"sample of {stats['sample']}")  # fmt: skip
    print(
        f"archive: {stats['bytes']:,} bytes for {raw:,} raw = {stats['bytes'] / raw:.3f} per raw byte"
    )
    for kind, size in stats["raw"].items():
        stored = stats["stored"].get(kind) or 0
        print(f"  bodies {kind}: {stored / size if size else 0:.3f} stored bytes per raw byte")
    pdf_raw, pdf_stored = (
        stats["raw"]["application/pdf"],
        stats["stored"].get("application/pdf") or 0,
    )
    html_raw = stats["raw"]["text/html"]
    print(f"  HTML pages: {(stats['bytes'] - pdf_stored) / html_raw:.3f} archive bytes per raw byte "
          f"(everything but the PDF bodies); PDF: {pdf_stored / pdf_raw if pdf_raw else 0:.3f}")  # fmt: skip
    print("  largest: " + ", ".join(f"{name} {size / raw:.3f}" for name, size in stats["tables"]))
    print_pages(pages)
    if args.keep:
        print(f"archive kept at {path}")


def print_pages(pages: list[dict]) -> None:
    print("\n| page | status | cold ms | p50 ms | p95 ms |\n|---|---|---|---|---|")
    for row in pages:
        print(f"| `{row['page']}` | {row['status']} | {row['cold'] * 1000:.0f} | "
              f"{row['p50'] * 1000:.0f} | {row['p95'] * 1000:.0f} |")  # fmt: skip
    failing = [row["page"] for row in pages if row["status"] != 200]
    print(f"\npages failing: {len(failing)}" + (f" ({', '.join(failing)})" if failing else ""))


if __name__ == "__main__":
    main()

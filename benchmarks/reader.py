"""Reader pages benchmark: how long a reader waits on an archive of many reports.

Builds an archive by recording --distinct demo reports (real parses), then clones them in
SQL into --reports reports of as many agencies on as many portals (same figures, new
names and URLs: what the views compute over does not depend on the figures), rebuilds the
stored tables behind the views as a migration does, and times,
in-process through Datasette's client, the pages a reader opens: the report page, the
timeline, a comparison, and the first page of each reader view. Prints wall and CPU
seconds per page, and each against the first page of latest_reports (the baseline every
report listing pays) measured in the same run.

    .venv/bin/python benchmarks/reader.py [--reports 5000] [--distinct 20]
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlite_utils  # noqa: E402
from datasette.app import Datasette  # noqa: E402

from archive import Archive, FetchRecord, summaries  # noqa: E402
from archive.guide_examples import guide_examples  # noqa: E402
from demo.reportgen import report_text, to_html  # noqa: E402

CLONED = {  # table -> columns rewritten for clone k (ids shifted by k * offset)
    "portals": {"id": "id || '-' || :k", "name": "name || :k"},
    "documents": {"id": "id + :off", "url": "url || '#' || :k", "portal_id": "portal_id || '-' || :k",
                  "current_version_id": "current_version_id + :off", "parent_document_id": "parent_document_id + :off"},
    "versions": {"id": "id + :off", "document_id": "document_id + :off", "fetch_id": "NULL"},
    "reports": {"id": "id + :off", "version_id": "version_id + :off", "document_id": "document_id + :off",
                "agency": "agency || :k", "title": "title || :k"},
    "report_values": {"report_id": "report_id + :off"},
    "report_checks": {"id": "id + :off", "report_id": "report_id + :off"},
    "report_sections": {"report_id": "report_id + :off"},
}  # fmt: skip


def build(path: Path, distinct: int, reports: int) -> None:
    with Archive.open(path) as archive:
        portals = [{"id": f"p{i}", "name": f"示范{i}县人民政府", "region_code": "130534", "level": "county",
                    "url": f"http://127.0.0.1/p{i}/", "province": "河北省", "city": f"示范{i % 7}市"}
                   for i in range(distinct)]  # fmt: skip
        archive.upsert_portals(portals)
        for i in range(distinct):
            org = f"示范{i}县人民政府"
            for year in (2022, 2023, 2024):
                body = to_html(report_text(org, year, f"{org}-{year}")).encode()
                page = b"<html><head><meta charset='utf-8'></head><body>" + body + b"</body></html>"
                archive.record(FetchRecord(url=f"http://127.0.0.1/p{i}/{year}.html", fetched_at=f"{year + 1}-01-20T08:00:00Z",
                                           status=200, body=page, portal_id=f"p{i}"))  # fmt: skip
    conn = sqlite3.connect(path)
    offset = conn.execute("SELECT max(id) FROM reports").fetchone()[0] + 1
    offset = max(offset, conn.execute("SELECT max(id) FROM report_checks").fetchone()[0] + 1)
    copies = max(reports // (distinct * 3), 1)
    with conn:
        for k in range(1, copies):
            for table, rewritten in CLONED.items():
                columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
                select = ", ".join(rewritten.get(c, c) for c in columns)
                originals = "id NOT LIKE '%-%'" if table == "portals" else f"{_original(table)} < :first"
                conn.execute(
                    f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} FROM {table} WHERE {originals}",
                    {"k": k, "off": k * offset, "first": offset},
                )
        summaries.rebuild(sqlite_utils.Database(conn))  # the stored tables behind the views
    conn.close()


def _original(table: str) -> str:
    return "report_id" if table in ("report_values", "report_sections") else "id"


def timed(datasette: Datasette, loop, path: str) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    response = loop.run_until_complete(datasette.client.get(path))
    assert response.status_code == 200, (path, response.status_code)
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=5000)
    parser.add_argument("--distinct", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "archive.db"
        build(path, args.distinct, args.reports)
        with Archive.open(path) as archive:  # views rebuilt, counts read
            total = archive.db.execute("SELECT count(*) FROM latest_reports").fetchone()[0]
            report_id, agency = archive.db.execute(
                "SELECT report_id, agency FROM latest_reports ORDER BY report_id DESC LIMIT 1").fetchone()
        loop = asyncio.new_event_loop()
        datasette = Datasette([str(path)])
        loop.run_until_complete(datasette.invoke_startup())
        quoted = urllib.parse.urlencode({"agency": agency})
        pages = {
            "latest_reports (baseline)": "/archive/latest_reports",
            "report page": f"/-/zfxxgk/report/archive/{report_id}",
            "timeline": f"/-/zfxxgk/timeline/archive?{quoted}",
            "compare (a city, 2023)": "/-/zfxxgk/compare/archive?year=2023&scope=city&value=" + urllib.parse.quote("示范3市"),
            "late_reports": "/archive/late_reports",
            "missing_reports": "/archive/missing_reports",
            "portal_coverage": "/archive/portal_coverage",
            "carry_over_checks": "/archive/carry_over_checks",
            "database page (guide)": "/archive",
        }
        print(f"{total} latest reports, {args.distinct * 3} parsed, the rest cloned")
        cpu = time.process_time()
        guide_examples(str(path))
        print(f"{'guide examples (uncached)':<28}{time.process_time() - cpu:7.2f} s CPU")
        timed(datasette, loop, "/archive/latest_reports")  # warm the page cache once
        base_wall, base_cpu = timed(datasette, loop, pages["latest_reports (baseline)"])
        for name, page in pages.items():
            wall, cpu = timed(datasette, loop, page)
            print(f"{name:<28}{wall:7.2f} s wall {cpu:7.2f} s CPU  {cpu / base_cpu:5.1f}x baseline CPU")
        loop.close()


if __name__ == "__main__":
    main()

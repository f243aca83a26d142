"""A real Datasette (`datasette serve archive.db`, plugin from the entry point) on a test archive.

The archive holds, for portal hb-szs (河北省 衡水市): the 深州 2021 report page, fetched
with 14 new applications and revised later to 15; an attachment of that page carrying
only the report's first section (fewer cells, so the page is the source shown); and the
深州 2022 report, whose printed received total (16) does not match its parts (14).
Portal hn-ky carries the real 开源办事处 2021 report; portal hb-wyx the 深州 text
relabelled as 武邑县人民政府办公室 2024 (same, consistent figures).
So: years 2021, 2022, 2024; 深州 misses 2024, 开源 misses 2022 and 2024.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.parse
import urllib.request

import pytest

from archive import Archive
from tests.archive_support import (
    KAIYUAN,
    PAGE_URL,
    fetch,
    free_port,
    report_page,
    shenzhou_text,
    shenzhou_without_tables,
    start_datasette,
)

ATTACHMENT_URL = "http://127.0.0.1/szs/xxgk/2022/report_part.txt"
SHENZHOU_2022_URL = "http://127.0.0.1/szs/xxgk/2023/report.txt"
KAIYUAN_URL = "http://127.0.0.2/ky/nb2021.txt"
WUYI_URL = "http://127.0.0.3/wyx/nb2024.txt"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db_path = tmp_path_factory.mktemp("datasette") / "archive.db"
    with Archive.open(db_path) as archive:
        archive.upsert_portals(
            [
                {
                    "id": "hb-szs",
                    "name": "深州市人民政府",
                    "region_code": "131182",
                    "level": "county",
                    "url": "http://127.0.0.1/szs/",
                    "province": "河北省",
                    "city": "衡水市",
                },
                {
                    "id": "hn-ky",
                    "name": "开源办事处",
                    "region_code": "410300",
                    "level": "town",
                    "url": "http://127.0.0.2/",
                    "province": "河南省",
                    "city": "洛阳市",
                },
                {
                    "id": "hb-wyx",
                    "name": "武邑县人民政府",
                    "region_code": "131122",
                    "level": "county",
                    "url": "http://127.0.0.3/",
                    "province": "河北省",
                    "city": "衡水市",
                },
            ]
        )
        archive.record(
            fetch(PAGE_URL, "2022-01-12T08:00:00Z", report_page(received=14), portal_id="hb-szs")
        )
        archive.record(
            fetch(PAGE_URL, "2022-03-01T08:00:00Z", report_page(received=15), portal_id="hb-szs")
        )
        archive.record(
            fetch(
                ATTACHMENT_URL,
                "2022-03-01T08:00:01Z",
                shenzhou_without_tables(),
                portal_id="hb-szs",
                kind="attachment",
                parent_url=PAGE_URL,
                filename="report_part.txt",
            )
        )
        archive.record(
            fetch(
                SHENZHOU_2022_URL,
                "2023-01-20T08:00:00Z",
                shenzhou_text(year=2022, received_total=16),
                portal_id="hb-szs",
                filename="report.txt",
            )
        )
        archive.record(
            fetch(
                KAIYUAN_URL,
                "2022-01-10T08:00:00Z",
                KAIYUAN.read_bytes(),
                portal_id="hn-ky",
                filename="nb2021.txt",
            )
        )
        archive.record(
            fetch(
                WUYI_URL,
                "2025-01-10T08:00:00Z",
                shenzhou_text(year=2024, agency="武邑县人民政府办公室"),
                portal_id="hb-wyx",
                filename="nb2024.txt",
            )
        )
    port = free_port()
    process = start_datasette(db_path, port)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def get(base: str, path: str, **params) -> object:
    query = urllib.parse.urlencode(params)
    with urllib.request.urlopen(f"{base}{path}?{query}", timeout=30) as response:
        return json.loads(response.read())


def rows(base: str, name: str, **params) -> list[dict]:
    return get(base, f"/archive/{name}.json", _shape="array", _size="max", **params)


def agency_years(result: list[dict], agency="agency", year="year") -> set[tuple[str, int]]:
    return {
        (next(short for short in ("深州", "开源", "武邑") if short in row[agency]), row[year])
        for row in result
    }


def test_metadata_comes_from_the_plugin(server):
    metadata = get(server, "/-/metadata.json")
    assert "zfxxgk" in metadata["title"]
    tables = metadata["databases"]["archive"]["tables"]
    assert tables["latest_reports"]["facets"] == ["province", "city", "year", "template"]
    table = get(server, "/archive/latest_reports.json")
    assert set(table["facet_results"]) == {"province", "city", "year", "template"}
    provinces = {f["value"]: f["count"] for f in table["facet_results"]["province"]["results"]}
    assert provinces == {"河北省": 3, "河南省": 1}
    queries = {q["name"] for q in get(server, "/archive.json")["queries"]}
    assert queries == {
        "agency_across_years",
        "revised_after_publication",
        "failing_checks",
        "search_text",
        "search_text_short",
    }


def test_report_values_page_shows_chinese_labels(server):
    with urllib.request.urlopen(
        f"{server}/archive/report_values?table_name=requests&row_key=received&col_key=total",
        timeout=30,
    ) as response:
        html = response.read().decode()
    assert '<span class="zfxxgk-label"' in html
    assert "一、本年新收政府信息公开申请数量" in html and "总计" in html


def test_latest_reports_one_per_agency_and_year(server):
    latest = rows(server, "latest_reports")
    assert agency_years(latest) == {("深州", 2021), ("深州", 2022), ("开源", 2021), ("武邑", 2024)}
    shenzhou_2021 = next(r for r in latest if "深州" in r["agency"] and r["year"] == 2021)
    assert shenzhou_2021["url"] == PAGE_URL  # the full page beats its one-section attachment
    assert (shenzhou_2021["sources"], shenzhou_2021["version_n"]) == (2, 2)
    assert (shenzhou_2021["province"], shenzhou_2021["city"]) == ("河北省", "衡水市")
    candidates = rows(server, "report_candidates", url=ATTACHMENT_URL)
    assert [c["rank"] for c in candidates] == [2]


def test_requests_wide_has_chinese_columns_and_the_revised_figures(server):
    wide = rows(server, "requests_wide", 行="received")
    shenzhou_2021 = next(r for r in wide if "深州" in r["机关"] and r["年度"] == 2021)
    assert shenzhou_2021["项目"] == "一、本年新收政府信息公开申请数量"
    assert (shenzhou_2021["自然人"], shenzhou_2021["商业企业"], shenzhou_2021["总计"]) == (
        15,
        0,
        15,
    )
    assert shenzhou_2021["省份"] == "河北省"


def test_failed_checks_are_the_wrong_total_only(server):
    failed = rows(server, "failed_checks")
    assert agency_years(failed) == {("深州", 2022)}
    received_row = [c for c in failed if c["row_key"] == "received"]
    assert [(c["expected"], c["actual"]) for c in received_row] == [(14, 16)]


def test_version_history_shows_the_revision(server):
    history = rows(server, "version_history", url=PAGE_URL)
    assert [(h["n"], h["fetched_at"]) for h in history] == [
        (1, "2022-01-12T08:00:00Z"),
        (2, "2022-03-01T08:00:00Z"),
    ]
    assert history[1]["previous_fetched_at"] == "2022-01-12T08:00:00Z"
    assert "requests.received.natural_person: 14 → 15" in history[1]["changes"]


def test_missing_reports(server):
    missing = rows(server, "missing_reports")
    assert agency_years(missing) == {("深州", 2024), ("开源", 2022), ("开源", 2024)}


def test_canned_agency_across_years(server):
    result = rows(server, "agency_across_years", agency="深州")
    assert [(r["年度"], r["本年新收申请"]) for r in result] == [(2021, 15), (2022, 16)]


def test_canned_revised_after_publication(server):
    result = rows(server, "revised_after_publication")
    assert [(r["url"], r["version"]) for r in result] == [(PAGE_URL, 2)]
    assert "requests.received.total: 14 → 15" in result[0]["changes"]


def test_canned_failing_checks(server):
    result = rows(server, "failing_checks")
    assert agency_years(result) == {("深州", 2022)}
    assert "expected 14, printed 16" in result[0]["failures"]


def test_canned_text_search_trigram_and_short_words(server):
    found = rows(server, "search_text", q="未收取过信息处理费用")
    assert {r["url"] for r in found} == {PAGE_URL, SHENZHOU_2022_URL, WUYI_URL}
    assert "【未收取过信息处理费用】" in found[0]["excerpt"]
    # trigram cannot match a two-character word; the LIKE variant can
    assert rows(server, "search_text", q="开源") == []
    short = rows(server, "search_text_short", q="开源")
    assert [r["url"] for r in short] == [KAIYUAN_URL]


@pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian chromium not installed")
def test_requests_table_renders_in_headless_chromium(server, tmp_path):
    url = f"{server}/archive/requests_wide?" + urllib.parse.urlencode({"行": "received"})
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--virtual-time-budget=5000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=90,
    )
    dom = result.stdout
    assert '<table class="rows-and-columns">' in dom, result.stderr[-2000:]
    table = dom[dom.index('<table class="rows-and-columns">') :]
    table = table[: table.index("</table>")]
    assert "自然人" in table and "总计" in table
    assert "一、本年新收政府信息公开申请数量" in table
    assert table.count("<tr") >= 4  # header + one row per report

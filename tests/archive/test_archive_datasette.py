"""A real Datasette (`datasette serve archive.db`, plugin from the entry point) on a test archive.

The archive holds, for portal hb-szs (河北省 衡水市): the 深州 2021 report page, fetched
with 14 new applications and revised later to 15; an attachment of that page carrying
only the report's first section (fewer cells, so the page is the source shown); and the
深州 2022 report, whose printed received total (16) does not match its parts (14).
Portal hn-ky carries the real 开源办事处 2021 report; portal hb-wyx (registered without a
province: its division code 131122 says 河北省) the 深州 text relabelled as
武邑县人民政府办公室 2024 (same, consistent figures). The real 卫东区 2024 report (seed 003,
no portal) leaves its 自然人 column blank, so the parser infers it (received: 45 total −
10 法律服务机构 = 35).
So: years 2021, 2022, 2024; 深州 misses 2024, 开源 misses 2022 and 2024.

Figures asserted below, read by hand from the fixtures: the 深州 page's 其他处理 rows
print 0 and its appeals table 行政复议 总计 2, 行政诉讼 1 (未经复议直接起诉) + 2 (复议后起诉);
the 深州 text's 其他处理 rows are empty cells.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from archive import Archive
from tests.support.archive import (
    KAIYUAN,
    PAGE_URL,
    fetch,
    free_port,
    report_page,
    shenzhou_text,
    shenzhou_without_tables,
    start_datasette,
)

pytestmark = pytest.mark.e2e

ATTACHMENT_URL = "http://127.0.0.1/szs/xxgk/2022/report_part.txt"
SHENZHOU_2022_URL = "http://127.0.0.1/szs/xxgk/2023/report.txt"
KAIYUAN_URL = "http://127.0.0.2/ky/nb2021.txt"
WUYI_URL = "http://127.0.0.3/wyx/nb2024.txt"
WEIDONG_URL = "http://127.0.0.4/wd/nb2024.txt"
WEIDONG = Path(__file__).parents[1] / "fixtures" / "seeds" / "003_eaba220d81829207.txt"
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
                    "province": "",
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
        archive.record(
            fetch(WEIDONG_URL, "2025-01-15T08:00:00Z", WEIDONG.read_bytes(), filename="nb2024.txt")
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


def page(base: str, path: str, **params) -> str:
    query = urllib.parse.urlencode(params)
    with urllib.request.urlopen(f"{base}{path}?{query}", timeout=30) as response:
        return response.read().decode()


def rows(base: str, name: str, **params) -> list[dict]:
    return get(base, f"/archive/{name}.json", _shape="array", _size="max", **params)


def agency_years(result: list[dict], agency="agency", year="year") -> set[tuple[str, int]]:
    return {
        (next(short for short in ("深州", "开源", "武邑", "卫东") if short in row[agency]), row[year])
        for row in result
    }


def test_metadata_comes_from_the_plugin(server):
    metadata = get(server, "/-/metadata.json")
    assert "zfxxgk" in metadata["title"]
    tables = metadata["databases"]["archive"]["tables"]
    assert tables["latest_reports"]["facets"] == []  # each would count every report
    assert get(server, "/archive/latest_reports.json")["facet_results"] == {}
    table = get(server, "/archive/latest_reports.json", _facet="province")
    provinces = {f["value"]: f["count"] for f in table["facet_results"]["province"]["results"]}
    assert provinces == {"河北省": 3, "河南省": 1}  # 武邑's from its division code
    queries = {q["name"]: q["title"] for q in get(server, "/archive.json")["queries"]}
    assert set(queries) == {
        "agency_across_years",
        "revised_after_publication",
        "failing_checks",
        "search_text",
    }
    assert queries["agency_across_years"] == "某机关历年情况 · One agency across years"


def test_home_and_database_pages_start_from_the_readers_questions(server):
    home = page(server, "/")
    assert "每次抓取、每个版本、每次解析都保留" in home
    database = page(server, "/archive")
    for question, target in [
        # the examples come from the archive: the agency with the most years of figures,
        # the year with gaps of both kinds, most of them (2024: the agencies 深州 and 开源,
        # the portals hb-szs and hn-ky; 2022 has three)
        (
            "某机关某年收到多少申请、怎样办理？",
            "/archive/agency_across_years?agency="
            + urllib.parse.quote("深州市人民政府办公室"),
        ),
        ("哪些报告数字对不上？", "/archive/failing_checks"),
        ("哪些报告发布后被修改、改了什么？", "/archive/revised_after_publication"),
        ("哪些机关某年没有报告？", "/archive/missing_reports?year=2024"),
        ("全文搜索", "/archive/search_text?q=%E5%A4%8D%E8%AE%AE"),
    ]:
        assert question in database
        assert f'href="{target}"' in database
    # the linked pages answer: the example agency and the example search find rows
    assert rows(server, "agency_across_years", agency="深州")
    assert rows(server, "search_text", q="复议")


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
    assert agency_years(latest) == {
        ("深州", 2021),
        ("深州", 2022),
        ("开源", 2021),
        ("武邑", 2024),
        ("卫东", 2024),
    }
    shenzhou_2021 = next(r for r in latest if "深州" in r["agency"] and r["year"] == 2021)
    assert shenzhou_2021["url"] == PAGE_URL  # the full page beats its one-section attachment
    assert (shenzhou_2021["sources"], shenzhou_2021["version_n"]) == (2, 2)
    assert (shenzhou_2021["province"], shenzhou_2021["city"]) == ("河北省", "衡水市")
    candidates = rows(server, "report_candidates", url=ATTACHMENT_URL)
    assert [c["rank"] for c in candidates] == [2]


def test_latest_reports_lead_with_agency_year_and_place_and_sort_by_place(server):
    table = get(server, "/archive/latest_reports.json", _shape="objects")
    assert table["columns"][:4] == ["agency", "year", "province", "city"]
    order = [(r["province"], r["agency"][:2], r["year"]) for r in table["rows"]]
    assert order == [
        ("河北省", "武邑", 2024),
        ("河北省", "深州", 2021),
        ("河北省", "深州", 2022),
        ("河南省", "开源", 2021),
        (None, "卫东", 2024),  # no portal, so no province: last
    ]


def test_headline_figures_answer_how_many_requests_and_how_handled(server):
    figures = {(r["机关"][:2], r["年度"]): r for r in rows(server, "headline_figures")}
    page_2021 = figures[("深州", 2021)]
    assert (page_2021["本年新收申请"], page_2021["予以公开"], page_2021["办理结果总计"]) == (
        15,
        15,
        15,
    )
    assert (page_2021["行政复议"], page_2021["行政诉讼"]) == (2, 3)
    assert page_2021["其他处理"] == 0  # printed 0 on the page
    assert figures[("深州", 2022)]["其他处理"] is None  # empty cells in the text: blank, not 0
    assert figures[("深州", 2022)]["本年新收申请"] == 16


def test_requests_wide_has_chinese_columns_and_the_revised_figures(server):
    table = get(server, "/archive/requests_wide.json", _shape="objects")
    assert table["columns"][:3] == ["机关", "年度", "项目"]
    wide = rows(server, "requests_wide", 行="received")
    shenzhou_2021 = next(r for r in wide if "深州" in r["机关"] and r["年度"] == 2021)
    assert shenzhou_2021["项目"] == "一、本年新收政府信息公开申请数量"
    assert (shenzhou_2021["自然人"], shenzhou_2021["商业企业"], shenzhou_2021["总计"]) == (
        15,
        0,
        15,
    )
    assert shenzhou_2021["省份"] == "河北省"
    assert shenzhou_2021["推算的列"] is None
    weidong = next(r for r in wide if "卫东" in r["机关"])
    assert (weidong["自然人"], weidong["法律服务机构"], weidong["总计"]) == (35, 10, 45)
    assert weidong["推算的列"] == "自然人"


def test_requests_wide_page_marks_inferred_and_blank_cells(server):
    html = page(server, "/archive/requests_wide", 行="received", 机关__contains="卫东")
    row = html[html.index("<tbody>") : html.index("</tbody>")]
    assert '35 <span class="zfxxgk-inferred"' in row  # the inferred 自然人 cell
    assert row.count("zfxxgk-inferred") == 1  # and only that one
    text_2022 = page(server, "/archive/agency_across_years", agency="深州")
    body = text_2022[text_2022.index("<tbody>") : text_2022.index("</tbody>")]
    assert body.count('class="zfxxgk-blank"') == 1  # 2022's 其他处理; 2021's prints 0


def test_failed_checks_are_the_wrong_total_only(server):
    failed = rows(server, "failed_checks")
    assert agency_years(failed) == {("深州", 2022)}
    # the report's text says 14 requests as its applicant columns do: the narrative check
    # flags the same printed total of 16
    narrative = [c for c in failed if c["check_name"] == "narrative"]
    assert [(c["row_key"], c["expected"], c["actual"]) for c in narrative] == [("received", 14, 16)]
    assert narrative[0]["check_rule"].startswith("正文所述数字")
    received_row = [
        c for c in failed if c["row_key"] == "received" and c["check_name"] != "narrative"
    ]
    assert [(c["expected"], c["actual"], c["difference"]) for c in received_row] == [(14, 16, 2)]
    assert received_row[0]["check_rule"].startswith("每行：自然人 + 法人或其他组织各列 = 总计")
    assert received_row[0]["row_label"] == "一、本年新收政府信息公开申请数量"


def test_version_history_shows_the_revision_with_labels(server):
    history = rows(server, "version_history", url=PAGE_URL)
    assert [(h["n"], h["fetched_at"]) for h in history] == [
        (1, "2022-01-12T08:00:00Z"),
        (2, "2022-03-01T08:00:00Z"),
    ]
    assert history[1]["previous_fetched_at"] == "2022-01-12T08:00:00Z"
    assert (
        "requests.received.natural_person: 14 → 15 (一、本年新收政府信息公开申请数量 / 自然人)"
        in history[1]["changes"]
    )


def test_missing_reports(server):
    missing = rows(server, "missing_reports")
    assert agency_years(missing) == {("深州", 2024), ("开源", 2022), ("开源", 2024)}
    shenzhou = next(m for m in missing if "深州" in m["agency"])
    assert (shenzhou["province"], shenzhou["years_with_report"]) == ("河北省", "2021, 2022")
    # on the registry: the 武邑 portal has no report at all for 2021 and 2022 (its agency
    # first reports in 2024, so it is not an agency gap); 卫东 has no portal
    portals = rows(server, "missing_portal_years")
    assert [(m["portal_id"], m["year"]) for m in portals] == [
        ("hb-szs", 2024),  # its one agency's gap is the portal's too
        ("hb-wyx", 2021),
        ("hb-wyx", 2022),
        ("hn-ky", 2022),
        ("hn-ky", 2024),
    ]
    assert [m["years_with_report"] for m in portals[:2]] == ["2021, 2022", "2024"]


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
    # the printed 16 breaks its row's sum and the 总计 column's balance (16 + 0 ≠ 14 + 0)
    assert set(result[0]["failures"].split("; ")) == {
        "一、本年新收政府信息公开申请数量 — 每行：自然人 + 法人或其他组织各列 = 总计：14 ≠ 16",
        "总计 — 每列：本年新收 + 上年结转 = 办理结果总计 + 结转下年度：16 ≠ 14",
        # and the text's 14 requests (a narrative check)
        "一、本年新收政府信息公开申请数量 — 正文所述数字 = 表格总计：14 ≠ 16",
    }


def test_one_search_finds_long_phrases_and_two_character_words(server):
    found = rows(server, "search_text", q="未收取过信息处理费用")
    assert {r["url"] for r in found} == {PAGE_URL, SHENZHOU_2022_URL, WUYI_URL}
    assert "【未收取过信息处理费用】" in found[0]["excerpt"]
    # two characters: the trigram index cannot match them, the same query still does
    short = rows(server, "search_text", q="开源")
    assert [r["url"] for r in short] == [KAIYUAN_URL]
    assert "【开源】" in short[0]["excerpt"]
    review = rows(server, "search_text", q="复议")
    assert {r["url"] for r in review} >= {PAGE_URL, KAIYUAN_URL, WEIDONG_URL}
    assert all("【复议】" in r["excerpt"] for r in review)
    assert rows(server, "search_text", q="") == []


def test_ids_link_report_version_document_and_figures(server):
    latest = rows(server, "latest_reports", url=PAGE_URL)[0]
    html = page(server, "/archive/latest_reports", url=PAGE_URL)
    assert f'<a href="/archive/reports/{latest["report_id"]}">' in html
    assert f'<a href="/archive/versions/{latest["version_id"]}">' in html
    figures = f'/archive/report_values_labeled?report_id={latest["report_id"]}"'
    assert figures in html  # n_values opens the report's figures
    report_page_html = page(server, f"/archive/reports/{latest['report_id']}")
    assert f'<a href="/archive/versions/{latest["version_id"]}">' in report_page_html
    assert f'<a href="/archive/documents/{latest["document_id"]}">' in report_page_html
    assert '<details class="zfxxgk-text">' in report_page_html  # the long text is folded


def test_raw_body_downloads_the_exact_bytes_served(server):
    body = report_page(received=15)
    sha256 = hashlib.sha256(body).hexdigest()
    versions_html = page(server, "/archive/versions", sha256=sha256)
    raw_path = f"/-/zfxxgk/raw/archive/{sha256}"
    assert f'href="{raw_path}"' in versions_html
    with urllib.request.urlopen(f"{server}{raw_path}", timeout=30) as response:
        assert response.read() == body  # decompressed, byte for byte
        assert response.headers["Content-Security-Policy"] == "sandbox"
        assert "report.html" in response.headers["Content-Disposition"]
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{server}/-/zfxxgk/raw/archive/{'0' * 64}", timeout=30)
    assert missing.value.code == 404


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


def test_plain_datasette_brings_an_archive_from_an_older_release_up_to_date(tmp_path):
    """An archive last opened by an older release lacks today's views: `datasette
    archive.db` (no zfxxgk command first) must still answer the canned queries."""
    db_path = tmp_path / "archive.db"
    with Archive.open(db_path) as archive:
        archive.record(fetch(PAGE_URL, "2022-01-12T08:00:00Z", report_page(received=14)))
        archive.db["headline_figures"].drop()  # as written by a release before this view
        archive.db["archive_meta"].upsert({"key": "derived", "value": "older"}, pk="key")
    datasette = Path(sys.executable).parent / "datasette"
    result = subprocess.run(
        [
            str(datasette),
            str(db_path),
            "--get",
            "/archive/agency_across_years.json?agency=深州&_shape=array",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert [(r["年度"], r["本年新收申请"]) for r in json.loads(result.stdout)] == [(2021, 14)]

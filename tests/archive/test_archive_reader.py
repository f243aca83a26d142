"""The reader's archive, in-process (Datasette([...]).client): report page, timeline,
comparison, late and missing reports, coverage, Chinese-first views, Excel-ready CSV.

The fixture archive is tests/support/reader.py; every figure below was read by hand from
its documents (seed_shenzhou_2021.txt: 14 new applications, all 自然人, none carried over
or forward; the 2023 copy prints 2 carried over for 自然人; seed 003 leaves 自然人 blank
beside 45 in total and 10 from 法律服务机构).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import urllib.parse

import lxml.html
import pytest

from tests.support.archive import PAGE_URL, report_page
from tests.support.reader import (
    SHENZHOU,
    URL_2023,
    WEIDONG_URL,
    InProcess,
    build_reader_archive,
    follow_guide,
    late_2023_report,
)

UTF8_BOM = b"\xef\xbb\xbf"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    path = build_reader_archive(tmp_path_factory.mktemp("reader") / "archive.db")
    datasette = InProcess(path)
    yield datasette
    datasette.close()


def rows(client, name: str, **params) -> list[dict]:
    query = urllib.parse.urlencode({"_shape": "array", "_size": "max", **params})
    return client.json(f"/archive/{name}.json?{query}")


def report_id(client, url: str) -> int:
    return rows(client, "latest_reports", url=url)[0]["report_id"]


def html(client, path: str):
    response = client.get(path)
    assert response.status_code == 200, response.text[-2000:]
    return lxml.html.fromstring(response.text)


def text(element) -> str:
    return re.sub(r"\s+", " ", element.text_content()).strip()


def cell(page, slot: str):
    (found,) = page.xpath(f'//td[@data-slot="{slot}"]')
    return found


def excel_reads(body: bytes) -> str:
    """What Excel does with a CSV: UTF-8 when it starts with a byte-order mark, else the
    system's ANSI code page (GBK on a Chinese Windows)."""
    if body.startswith(UTF8_BOM):
        return body[len(UTF8_BOM) :].decode("utf-8")
    return body.decode("gbk", errors="replace")


def test_report_page_header_says_who_when_and_where_from(client):
    rid = report_id(client, URL_2023)
    page = html(client, f"/-/zfxxgk/report/archive/{rid}")
    (header,) = page.xpath('//dl[@class="zfxxgk-header"]')
    fields = {text(dt).split(" · ")[0]: text(dt.getnext()) for dt in header.xpath("dt")}
    assert fields["机关"].startswith(SHENZHOU) and fields["年度"] == "2023"
    assert fields["模板"].startswith("2021年模板") and fields["发布日期"] == "2024-03-05"
    assert fields["来源网址"] == URL_2023
    assert fields["首次抓取"] == fields["最近抓取"] == "2024-03-06T08:00:00Z"
    # 36 requests + 3 appeals identities + 1 narrative check (the 收到申请 count in words)
    assert fields["已删除"] == "否 · no" and fields["核对"] == "40 项，2 项未通过"
    (raw,) = page.xpath('//a[@class="zfxxgk-raw"]/@href')
    assert raw == f"/-/zfxxgk/raw/archive/{hashlib.sha256(late_2023_report()).hexdigest()}"
    assert client.get(raw).content == late_2023_report()  # the archived original, byte for byte
    (source,) = page.xpath('//a[@class="zfxxgk-source"]/@href')
    assert source == URL_2023


def test_report_page_prints_the_tables_with_the_templates_labels_in_order(client):
    page = html(client, f"/-/zfxxgk/report/archive/{report_id(client, PAGE_URL)}")
    titles = [text(h) for h in page.xpath("//h2")]
    assert titles[:3] == [
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
    ]
    (requests,) = page.xpath('//table[@data-table="requests"]')
    labels = [text(th) for th in requests.xpath(".//th") if text(th)]
    assert labels[:12] == [
        "申请人情况", "自然人", "法人或其他组织", "总计",
        "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他",
        "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "三、本年度办理结果",
    ]  # fmt: skip
    assert labels.index("（三）不予公开") < labels.index("1.属于国家秘密") < labels.index("（四）无法提供")
    assert labels[-2:] == ["（七）总计", "四、结转下年度继续办理"]
    # grouped headers: 三、本年度办理结果 spans the 22 rows of the 2021 template's block
    assert requests.xpath('.//th[text()="三、本年度办理结果"]/@rowspan') == ["22"]
    assert requests.xpath('.//th[text()="法人或其他组织"]/@colspan') == ["5"]
    (active,) = page.xpath('//table[@data-table="active"]')
    items = [text(th) for th in active.xpath('.//th[starts-with(text(), "第二十条")]')]
    assert items == ["第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项"]
    assert text(cell(page, "requests.received.natural_person")) == "15"  # the revised version
    assert text(cell(page, "active.fees.amount_10k_yuan")).startswith("180.338174")


def test_report_page_marks_each_failing_identity_on_its_cells(client):
    page = html(client, f"/-/zfxxgk/report/archive/{report_id(client, URL_2023)}")
    failures = [text(li) for li in page.xpath('//ul[@class="zfxxgk-failures"]/li')]
    balance = "自然人列：本年新收 + 上年结转 = 16 ≠ 14 = 办理结果总计 + 结转下年度"
    carry = "自然人列：本年上年结转 = 2 ≠ 0 = 2022年报告的结转下年度"
    assert any(balance in f for f in failures) and any(carry in f for f in failures)
    assert len(failures) == 4  # balance in 自然人 and 总计; the carry-over in both columns
    for slot in ["received", "carried_over", "total_processed", "carried_forward"]:
        marked = cell(page, f"requests.{slot}.natural_person")
        assert "zfxxgk-fail" in marked.get("class", "")
        assert balance in marked.get("title")
    assert carry in cell(page, "requests.carried_over.natural_person").get("title")
    assert "zfxxgk-fail" not in cell(page, "requests.received.commercial").get("class", "")


def test_report_page_marks_blank_and_inferred_cells(client):
    page = html(client, f"/-/zfxxgk/report/archive/{report_id(client, WEIDONG_URL)}")
    inferred = cell(page, "requests.received.natural_person")
    assert text(inferred) == "35推算"  # 45 − 10, the column the PDF lost
    shenzhou_2022 = html(client, f"/-/zfxxgk/report/archive/{rows(client, 'latest_reports', year=2022)[0]['report_id']}")
    blank = cell(shenzhou_2022, "requests.other.no_correction.total")  # an empty cell of the text
    assert text(blank) == "空白"


def test_report_page_lists_versions_with_the_cells_that_changed(client):
    page = html(client, f"/-/zfxxgk/report/archive/{report_id(client, PAGE_URL)}")
    (versions,) = page.xpath('//table[contains(@class, "zfxxgk-versions")]')
    body = [text(tr) for tr in versions.xpath(".//tbody/tr")]
    assert len(body) == 2 and body[0].startswith("1 2022-01-12T08:00:00Z")
    assert "一、本年新收政府信息公开申请数量 / 自然人：14 → 15" in body[1]
    assert "（本页）" in body[1]
    first_version = versions.xpath(".//tbody/tr[1]//a/@href")
    assert client.get(first_version[1]).content == report_page(received=14)
    assert text(html(client, first_version[0]).xpath('//td[@data-slot="requests.received.total"]')[0]) == "14"
    sections = [text(h) for h in page.xpath("//h3")]
    assert sections[:6] == [
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项",
    ]  # fmt: skip


def test_views_that_list_reports_link_to_the_report_page(client):
    rid = report_id(client, URL_2023)
    for view in ["latest_reports", "failed_checks", "late_reports", "headline_figures"]:
        page = html(client, f"/archive/{view}")
        assert f"/-/zfxxgk/report/archive/{rid}" in page.xpath("//td//a/@href"), view
    # version_changes names the agency, year and title of the changed report, first
    changes = html(client, "/archive/version_changes")
    heads = [th.get("data-column") for th in changes.xpath("//thead//th")]
    assert heads[:3] == ["agency", "year", "title"]
    revised = f"/-/zfxxgk/report/archive/{report_id(client, PAGE_URL)}"
    assert revised in changes.xpath("//td//a/@href")


def test_late_reports_against_the_deadline(client):
    late = rows(client, "late_reports")
    assert [(r["agency"], r["year"], r["days_late"], r["deadline"], r["date_source"]) for r in late] == [
        (SHENZHOU, 2023, 34, "2024-01-31", "published")  # 2024-03-05, a department's report
    ]
    deadlines = {r["year"]: r for r in rows(client, "report_deadlines")}
    # 卫东区人民政府办公室 states no date: the archive's first fetch stands in, on time
    weidong = deadlines[2024]
    assert (weidong["published_or_seen"], weidong["date_source"]) == ("2025-01-15", "first_seen")


def test_portal_coverage_shows_what_each_crawl_found_and_unknowns_as_unknown(client):
    coverage = rows(client, "portal_coverage")
    assert [(c["portal_id"], c["run_id"], c["status"]) for c in coverage] == [
        ("hb-szs", 2, "ok"), ("hb-szs", 1, "ok"), ("hb-wyx", 1, "given_up"),
    ]  # fmt: skip
    szs = coverage[0]
    assert szs["reports_per_year"] == "2021：1，2022：1，2023：1" and szs["agencies"] == 1
    assert szs["new_documents"] is None  # the second run's summary did not record it
    wyx = coverage[2]
    assert (wyx["dead_reason"], wyx["errors"], wyx["last_successful_crawl"]) == ("connection refused", 2, None)
    assert json.loads(wyx["error_messages"]) == ["http://127.0.0.3/: connection refused"]
    page = html(client, "/archive/portal_coverage")
    (row,) = [tr for tr in page.xpath("//tbody/tr") if "hb-szs" in text(tr) and text(tr.xpath('td[@class="col-run_id type-int"]')[0]) == "2"]
    assert text(row.xpath('td[contains(@class, "col-new_documents")]')[0]) == "未知"


def test_missing_reports_include_registry_portals_without_any_report(client):
    agencies = {(m["portal_id"], m["agency"], m["year"]) for m in rows(client, "missing_reports")}
    assert agencies == {("hb-szs", SHENZHOU, 2024)}  # 深州 has 2021-2023; 卫东 brings 2024
    portals = [(m["portal_id"], m["year"]) for m in rows(client, "missing_portal_years")]
    assert portals == [("hb-szs", 2024)] + [("hb-wyx", year) for year in (2021, 2022, 2023, 2024)]


def test_carry_over_checks_compare_an_agency_with_its_previous_year(client):
    failing = rows(client, "carry_over_checks", result="mismatch")
    assert [(c["year"], c["col_key"], c["carried_over"], c["previous_carried_forward"]) for c in failing] == [
        (2023, "natural_person", 2, 0),
        (2023, "total", 2, 0),
    ]
    assert len(rows(client, "carry_over_checks", year=2022, result="ok")) == 7  # 2022 vs 2021: all zero


def test_views_show_chinese_column_names_with_keys_and_lead_with_the_report(client):
    page = html(client, "/archive/latest_reports")
    heads = page.xpath('//table[@class="rows-and-columns"]/thead/tr/th')
    assert [th.get("data-column") for th in heads[:4]] == ["agency", "year", "title", "url"]
    assert text(heads[0]) == "机关 agency" and text(heads[3]) == "网址 url"
    first = page.xpath('//table[@class="rows-and-columns"]/tbody/tr[1]/td')
    assert first[0].get("class").startswith("col-agency") and first[3].get("class").startswith("col-url")
    # the JSON keeps the keys and the view's own order
    assert client.json("/archive/latest_reports.json")["columns"][:2] == ["agency", "year"]
    faceted = html(client, "/archive/latest_reports?_facet=year")  # no default facets
    years = [text(a) for a in faceted.xpath('//div[@data-column="year"]//li/a')]
    assert years == ["2024", "2023", "2022", "2021"]  # by year, not by count
    assert text(faceted.xpath('//div[@data-column="year"]//strong')[0]).startswith("年度")


def test_canned_queries_show_chinese_column_names_too(client):
    page = html(client, "/archive/failing_checks")
    heads = [text(th) for th in page.xpath('//table[@class="rows-and-columns"]/thead//th')]
    assert heads[:3] == ["机关 agency", "年度 year", "省份 province"]
    assert "failures" in heads  # no Chinese name known: the key alone
    assert client.json("/archive/failing_checks.json?_shape=array")[0]["agency"] == SHENZHOU


def test_excel_csv_has_a_byte_order_mark_and_chinese_headers(client):
    response = client.get("/archive/late_reports.excel")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    body = response.content
    assert body.startswith(UTF8_BOM)
    table = list(csv.reader(io.StringIO(excel_reads(body))))
    assert table[0][:5] == ["机关", "年度", "标题", "网址", "逾期天数"]
    assert table[1][:2] == [SHENZHOU, "2023"] and table[1][4] == "34"
    keys = list(csv.reader(io.StringIO(excel_reads(client.get("/archive/late_reports.excel?_keys=1").content))))
    assert keys[0][:3] == ["agency", "year", "title"]
    # Datasette's own CSV has no mark: Excel would read it as GBK and garble the names
    plain = client.get("/archive/late_reports.csv").content
    assert not plain.startswith(UTF8_BOM) and SHENZHOU not in excel_reads(plain)


def test_headline_figures_lead_with_agency_year_and_source(client):
    page = html(client, "/archive/headline_figures")
    heads = [th.get("data-column") for th in page.xpath('//table[@class="rows-and-columns"]/thead//th')]
    assert heads[:4] == ["机关", "年度", "url", "省份"]
    assert text(page.xpath('//thead//th[@data-column="url"]')[0]) == "网址 url"


def test_excel_csv_of_a_canned_query_keeps_its_parameters(client):
    body = client.get("/archive/agency_across_years.excel?agency=" + urllib.parse.quote("深州")).content
    table = list(csv.reader(io.StringIO(excel_reads(body))))
    assert [row[:2] for row in table[1:]] == [[SHENZHOU, "2021"], [SHENZHOU, "2022"], [SHENZHOU, "2023"]]
    assert table[0][2] == "省份" and table[1][4] == "15"  # 本年新收申请 of the revised 2021 page


def test_excel_csv_holds_every_row_not_one_page(client):
    figures = client.get("/archive/report_values.excel?_size=5&report_id=1").content
    table = list(csv.reader(io.StringIO(excel_reads(figures))))
    assert len(table) - 1 == rows(client, "latest_reports", url=PAGE_URL)[0]["n_values"] == 200
    assert table[0][:4] == ["报告编号", "表", "行键", "列键"]


def test_timeline_puts_an_agencys_years_side_by_side_with_a_chart(client):
    page = html(client, "/-/zfxxgk/timeline/archive?" + urllib.parse.urlencode({"agency": SHENZHOU}))
    years = [text(a) for a in page.xpath('//table[contains(@class, "zfxxgk-timeline")]/thead//a')]
    assert years == ["2021", "2022", "2023"]
    chart = json.loads(page.xpath('//script[@id="zfxxgk-chart-data"]')[0].text)
    assert (chart["labels"], chart["values"]) == (["2021", "2022", "2023"], [15, 14, 14])
    (received,) = [tr for tr in page.xpath("//tbody/tr") if text(tr.xpath("th")[0]) == "本年新收申请"]
    links = received.xpath(".//a/@href")
    assert links[2] == f"/-/zfxxgk/report/archive/{report_id(client, URL_2023)}"
    (carry,) = [tr for tr in page.xpath("//tbody/tr") if text(tr.xpath("th")[0]).startswith("跨年核对")]
    assert [text(td) for td in carry.xpath("td")][:2] == ["—", "✓"]
    assert "本年上年结转 = 2 ≠ 0" in text(carry.xpath("td")[2])
    scripts = page.xpath("//script/@src")
    assert "/-/zfxxgk/static/chartjs/chart.umd.min.js" in scripts
    assert all(src.startswith("/") for src in scripts + page.xpath("//link/@href"))  # no CDN
    assert client.get("/-/zfxxgk/static/chartjs/chart.umd.min.js").status_code == 200
    chosen = html(client, "/-/zfxxgk/timeline/archive?" + urllib.parse.urlencode({"agency": SHENZHOU, "figure": "上年结转"}))
    assert json.loads(chosen.xpath('//script[@id="zfxxgk-chart-data"]')[0].text)["values"] == [0, 0, 2]
    assert client.get("/-/zfxxgk/timeline/archive?agency=nobody").status_code == 404
    assert client.get("/-/zfxxgk/timeline/archive?" + urllib.parse.urlencode({"agency": SHENZHOU, "figure": "x"})).status_code == 404


def test_compare_one_figure_across_the_agencies_of_a_province(client):
    page = html(client, "/-/zfxxgk/compare/archive?" + urllib.parse.urlencode(
        {"year": 2024, "scope": "all", "figure": "本年新收申请"}))
    chart = json.loads(page.xpath('//script[@id="zfxxgk-chart-data"]')[0].text)
    assert (chart["type"], chart["values"]) == ("bar", [45])
    assert "zfxxgk-sortable" in page.xpath("//table/@class")[0]
    province = html(client, "/-/zfxxgk/compare/archive?" + urllib.parse.urlencode(
        {"year": 2023, "scope": "province", "value": "河北省"}))
    assert [text(td) for td in province.xpath("//tbody/tr/td[2]")] == ["14"]
    assert client.get("/-/zfxxgk/compare/archive?year=x").status_code == 404


def test_every_guide_link_finds_something(client):
    follow_guide(client, "archive")


def test_a_portal_links_to_its_reports_coverage_and_gaps(client):
    page = html(client, "/archive/portals/hb-szs")
    links = page.xpath("//td//a/@href")
    for target in ["/archive/latest_reports?portal_id=hb-szs", "/archive/portal_coverage?portal_id=hb-szs",
                   "/archive/missing_reports?portal_id=hb-szs"]:
        assert target in links
        assert client.json(target.replace("?", ".json?") + "&_shape=array")


def test_a_pre_2019_report_shows_its_statistics_table_and_the_31_march_deadline(tmp_path):
    from archive import Archive
    from tests.support.archive import fetch
    from tests.support.reader import SEEDS

    legacy_2012 = SEEDS.parent / "html" / "legacy_2012.html"
    path = tmp_path / "archive.db"
    with Archive.open(path) as archive:
        outcome = archive.record(fetch("http://127.0.0.9/xxgk/nb/2012.html", "2013-04-01T00:00:00Z",
                                       legacy_2012.read_bytes()))
    datasette = InProcess(path)
    try:
        page = html(datasette, f"/-/zfxxgk/report/archive/{outcome.report_id}")
        (table,) = page.xpath('//table[contains(@class, "zfxxgk-legacy")]')
        shown = [[text(c) for c in tr.xpath("th|td")] for tr in table.xpath(".//tr")[1:]]
        assert shown[1] == ["一、主动公开情况 / (一)主动公开政府信息数", "1520", "条"]
        assert shown[0][1] == "空白"  # a heading row of the table: no figure
        deadline = datasette.json("/archive/report_deadlines.json?_shape=array")[0]
        assert (deadline["year"], deadline["deadline"], deadline["deadline_rule"]) == (
            2012, "2013-03-31", "2019年以前：3月31日")
        # published 2013-03-28 (the page says so): late under the 31 January rule of the
        # revised 条例, on time under the 31 March rule that applied to 2012 reports
        assert (deadline["published_or_seen"], deadline["date_source"]) == ("2013-03-28", "published")
        assert datasette.json("/archive/late_reports.json?_shape=array") == []
    finally:
        datasette.close()

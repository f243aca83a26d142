"""The demo archive shows every reader feature, and every example of the guide finds rows.

`zfxxgk demo` crawls the demo portals twice; what each case must produce follows from
demo/scenarios.py (the reader portal, 秀水县): a report whose printed 本年新收 total is 3
more than its parts, a department report revised between the crawls and published after
its deadline, blank ("/") and unprinted cells, the 2019 template, a year with no report.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from demo.scenarios import READER_DEPARTMENT, READER_PORTAL
from tests.support.reader import InProcess, follow_guide

pytestmark = pytest.mark.e2e

ZFXXGK = Path(sys.executable).with_name("zfxxgk")
COUNTY = "秀水县人民政府"


@pytest.fixture(scope="module")
def demo_archive(tmp_path_factory):
    db = tmp_path_factory.mktemp("demo") / "archive.db"
    done = subprocess.run([str(ZFXXGK), "demo", "--db", str(db)], capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    client = InProcess(db)
    yield client, done.stdout
    client.close()


def rows(client, name: str, **params) -> list[dict]:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.json(f"/archive/{name}.json?_shape=array&_size=max&{query}")


def test_every_guide_example_finds_rows_on_the_demo_archive(demo_archive):
    client, _ = demo_archive
    links = follow_guide(client, "archive")
    for target in ["failing_checks", "revised_after_publication", "late_reports", "missing_reports",
                   "/-/zfxxgk/report/", "/-/zfxxgk/timeline/", "/-/zfxxgk/compare/"]:
        assert any(target in link for link in links), target


def test_the_demo_shows_every_case(demo_archive):
    client, printed = demo_archive
    mine = [r for r in rows(client, "latest_reports", portal_id=READER_PORTAL)]
    by = {(r["agency"], r["year"]): r for r in mine}
    assert sorted(by) == [(COUNTY, 2019), (COUNTY, 2020), (COUNTY, 2022), (COUNTY, 2023),
                          (COUNTY, 2024), (READER_DEPARTMENT, 2023), (READER_DEPARTMENT, 2024)]
    assert (by[(COUNTY, 2019)]["template"], by[(COUNTY, 2020)]["template"]) == ("2019", "2019")
    failing = [f for f in rows(client, "failed_checks") if f["agency"] == COUNTY]
    assert {(f["year"], f["check_name"], f["actual"] - f["expected"]) for f in failing} == {
        (2023, "requests.row_total", 3), (2023, "requests.balance", -3)}
    late = [(r["agency"], r["year"], r["days_late"]) for r in rows(client, "late_reports")
            if r["portal_id"] == READER_PORTAL]
    assert late == [(READER_DEPARTMENT, 2024, 77)]  # 2025-04-18 against 31 January
    revised = rows(client, "revised_after_publication")
    assert [(r["agency"], r["year"], r["version"]) for r in revised] == [(READER_DEPARTMENT, 2024, 2)]
    assert "修改过的报告 · revised reports: 秀水县财政局 2024" in printed
    missing = [(m["agency"], m["year"]) for m in rows(client, "missing_reports")
               if m["portal_id"] == READER_PORTAL]
    assert missing == [(COUNTY, 2021)]
    department = by[(READER_DEPARTMENT, 2023)]["report_id"]
    figures = rows(client, "report_values", report_id=department, table_name="requests")
    blank = {(v["row_key"], v["col_key"]) for v in figures if v["value"] is None}
    # the three rows printed "/" where the figure was 0 (总计 still printed)
    assert {row for row, _ in blank} == {"unavailable.needs_creation",
                                         "unavailable.unclear_after_correction",
                                         "not_processed.duplicate"}
    inferred = [(v["row_key"], v["col_key"]) for v in figures if v["inferred"]]
    assert inferred == [("received", "natural_person")]
    assert rows(client, "carry_over_checks", result="mismatch") == []  # the generator carries over


def test_the_timeline_shows_the_missing_year_as_a_gap(demo_archive):
    import json
    import urllib.parse

    import lxml.html

    client, _ = demo_archive
    response = client.get("/-/zfxxgk/timeline/archive?" + urllib.parse.urlencode(
        {"agency": COUNTY, "portal": READER_PORTAL}))
    page = lxml.html.fromstring(response.text)
    chart = json.loads(page.xpath('//script[@id="zfxxgk-chart-data"]')[0].text)
    assert chart["labels"] == ["2019", "2020", "2021", "2022", "2023", "2024"]
    assert chart["values"][2] is None and None not in chart["values"][:2] + chart["values"][3:]
    assert "2021" in page.xpath('//p[@class="zfxxgk-missing-years"]')[0].text_content()

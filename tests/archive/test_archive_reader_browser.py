"""What a reader sees in a real browser (headless Chromium) on the reader fixture archive:
the report page's printed labels and failing cells, the timeline's chart drawn with every
host but the archive's own unreachable, late_reports and portal_coverage.

Figures as in tests/archive/test_archive_reader.py (read by hand from the fixtures).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import urllib.parse
import urllib.request

import lxml.html
import pytest

from tests.support.archive import free_port, start_datasette
from tests.support.reader import SHENZHOU, URL_2023, build_reader_archive, late_2023_report

pytestmark = pytest.mark.e2e

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    path = build_reader_archive(tmp_path_factory.mktemp("reader-browser") / "archive.db")
    port = free_port()
    process = start_datasette(path, port)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def browse(url: str, profile) -> lxml.html.HtmlElement:
    """The DOM after the page's scripts ran, with no network but the archive's server:
    every host name resolves to nothing (a CDN script could not load)."""
    result = subprocess.run(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", f"--user-data-dir={profile}",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--virtual-time-budget=10000", "--dump-dom", url,
        ],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert "<body" in result.stdout, result.stderr[-2000:]
    return lxml.html.fromstring(result.stdout)


def text(element) -> str:
    return re.sub(r"\s+", " ", element.text_content()).strip()


def get(base: str, path: str):
    with urllib.request.urlopen(base + path, timeout=30) as response:
        return response.read()


def report_id(base: str, url: str) -> int:
    found = json.loads(get(base, "/archive/latest_reports.json?_shape=array&url=" + urllib.parse.quote(url)))
    return found[0]["report_id"]


pytestmark = [pytestmark, pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian chromium not installed")]


def test_report_page_in_a_browser(server, tmp_path):
    dom = browse(f"{server}/-/zfxxgk/report/archive/{report_id(server, URL_2023)}", tmp_path / "p")
    (requests,) = dom.xpath('//table[@data-table="requests"]')
    # the first label cell of each row, after the header rows (自然人, 商业企业)
    row_labels = [text(th) for th in requests.xpath(".//tr/th[1]") if text(th)][2:]
    assert row_labels[:4] == [
        "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量",
        "三、本年度办理结果", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    ]  # fmt: skip
    failing = requests.xpath('.//td[contains(@class, "zfxxgk-fail")]/@data-slot')
    assert "requests.received.natural_person" in failing
    assert "requests.carried_forward.total" in failing
    assert "requests.received.commercial" not in failing
    note = dom.xpath('//td[@data-slot="requests.received.natural_person"]/@title')[0]
    assert "本年新收 + 上年结转 = 16 ≠ 14 = 办理结果总计 + 结转下年度" in note
    # from the figures to the archived original
    (raw,) = dom.xpath('//a[@class="zfxxgk-raw"]/@href')
    assert get(server, raw) == late_2023_report()


def test_timeline_chart_is_drawn_offline(server, tmp_path):
    url = f"{server}/-/zfxxgk/timeline/archive?" + urllib.parse.urlencode({"agency": SHENZHOU})
    dom = browse(url, tmp_path / "p")
    (canvas,) = dom.xpath('//canvas[@id="zfxxgk-chart"]')
    assert canvas.get("data-points") == "3"  # 2021, 2022, 2023
    assert int(canvas.get("data-painted")) > 2000  # axes, labels, the line: pixels drawn
    figure_link = dom.xpath('//table[contains(@class, "zfxxgk-timeline")]//a[@class="zfxxgk-figure"]/@href')[0]
    report = browse(server + figure_link, tmp_path / "p2")
    assert text(report.xpath("//h1")[0]).startswith(SHENZHOU + "2021年")
    raw = report.xpath('//a[@class="zfxxgk-raw"]/@href')[0]
    assert get(server, raw).startswith(b"<!DOCTYPE html>") or b"<html" in get(server, raw)[:500]


def test_compare_chart_is_drawn_offline(server, tmp_path):
    url = f"{server}/-/zfxxgk/compare/archive?year=2023&scope=province&value=" + urllib.parse.quote("河北省")
    (canvas,) = browse(url, tmp_path / "p").xpath('//canvas[@id="zfxxgk-chart"]')
    assert canvas.get("data-points") == "1" and int(canvas.get("data-painted")) > 1000


def test_late_reports_and_portal_coverage_in_a_browser(server, tmp_path):
    late = browse(f"{server}/archive/late_reports", tmp_path / "p")
    heads = [th.get("data-column") for th in late.xpath("//table[@class='rows-and-columns']/thead//th")]
    assert heads[:5] == ["agency", "year", "title", "url", "days_late"]
    assert "逾期天数" in text(late.xpath("//thead")[0])
    (row,) = late.xpath("//table[@class='rows-and-columns']/tbody/tr")
    assert [text(td) for td in row.xpath("td")[:2]] == [SHENZHOU, "2023"]
    assert text(row.xpath("td")[4]) == "34"
    coverage = browse(f"{server}/archive/portal_coverage", tmp_path / "p2")
    rows = [[text(td) for td in tr.xpath("td")] for tr in coverage.xpath("//table[@class='rows-and-columns']/tbody/tr")]
    statuses = [(r[0], r[4]) for r in rows]
    assert statuses == [("hb-szs", "ok"), ("hb-szs", "ok"), ("hb-wyx", "given_up")]
    assert "未知" in rows[0]  # the second run recorded no new_documents: unknown, not 0

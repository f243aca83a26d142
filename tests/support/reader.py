"""A small archive for the reader's pages, and Datasette on it in-process.

Portal hb-szs (河北省 衡水市) carries 深州市人民政府办公室's reports:
- 2021: the report page, fetched with 14 new applications and revised to 15 (two versions);
- 2022: the seed text as a 2022 report, consistent (carries 0 forward);
- 2023: the seed text as a 2023 report dated 2024年3月5日 (after its 31 January deadline:
  34 days late), whose 上年结转 row prints 2 for 自然人 (total 2): last year carried 0
  forward, so the check across years fails for 自然人 and 总计, and the report's own
  balance fails (14 + 2 ≠ 14 + 0) in both columns.
The real 卫东区 2024 report (seed 003, no portal) leaves its 自然人 column blank; the parser
infers received 自然人 = 45 − 10 = 35. Portal hb-wyx (武邑县人民政府) is in the registry
with no report at all.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import lxml.html
from datasette.app import Datasette

from archive import Archive
from tests.support.archive import PAGE_URL, fetch, report_page, shenzhou_text

SEEDS = Path(__file__).parents[1] / "fixtures" / "seeds"
WEIDONG = SEEDS / "003_eaba220d81829207.txt"
SHENZHOU = "深州市人民政府办公室"
URL_2022 = "http://127.0.0.1/szs/xxgk/2023/report.txt"
URL_2023 = "http://127.0.0.1/szs/xxgk/2024/report.txt"
WEIDONG_URL = "http://127.0.0.4/wd/nb2024.txt"
PORTALS = [
    {"id": "hb-szs", "name": "深州市人民政府", "region_code": "131182", "level": "county",
     "url": "http://127.0.0.1/szs/", "province": "河北省", "city": "衡水市"},
    {"id": "hb-wyx", "name": "武邑县人民政府", "region_code": "131122", "level": "county",
     "url": "http://127.0.0.3/", "province": "河北省", "city": "衡水市"},
]  # fmt: skip


def late_2023_report() -> bytes:
    text = shenzhou_text(year=2023).decode("utf-8")
    text = text.replace("(2022年1月12日)", "(2024年3月5日)")
    text = text.replace(
        "二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        "二、上年结转政府信息公开申请数量 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |",
    )
    return text.encode("utf-8")


def build_reader_archive(path: Path) -> Path:
    with Archive.open(path) as archive:
        archive.upsert_portals(PORTALS)
        run_id = archive.start_run("county_portals", {})
        archive.record(fetch(PAGE_URL, "2022-01-12T08:00:00Z", report_page(received=14),
                             portal_id="hb-szs", run_id=run_id))
        archive.record(fetch(URL_2022, "2023-01-20T08:00:00Z", shenzhou_text(year=2022),
                             portal_id="hb-szs", filename="report.txt", run_id=run_id))
        archive.record(fetch(URL_2023, "2024-03-06T08:00:00Z", late_2023_report(),
                             portal_id="hb-szs", filename="report.txt", run_id=run_id))
        archive.record(fetch(WEIDONG_URL, "2025-01-15T08:00:00Z", WEIDONG.read_bytes(),
                             filename="nb2024.txt", run_id=run_id))
        archive.finish_run(run_id, {}, [
            {"portal_id": "hb-szs", "reports_listed": 3, "new_documents": 3, "errors": 0,
             "error_messages": [], "finished": True},
            {"portal_id": "hb-wyx", "reports_listed": 0, "errors": 2,
             "error_messages": ["http://127.0.0.3/: connection refused"],
             "dead_reason": "connection refused"},
        ])
        later = archive.start_run("county_portals", {})
        archive.record(fetch(PAGE_URL, "2022-03-01T08:00:00Z", report_page(received=15),
                             portal_id="hb-szs", run_id=later))
        archive.finish_run(later, {}, [{"portal_id": "hb-szs", "reports_listed": 3, "errors": 0}])
    return path


class InProcess:
    """Datasette on archive files, called in-process (no server, no sockets)."""

    def __init__(self, *paths: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.datasette = Datasette([str(p) for p in paths])
        self.loop.run_until_complete(self.datasette.invoke_startup())

    def get(self, path: str):
        return self.loop.run_until_complete(self.datasette.client.get(path))

    def json(self, path: str):
        response = self.get(path)
        assert response.status_code == 200, (path, response.status_code, response.text[-2000:])
        return response.json()

    def close(self) -> None:
        self.loop.close()


def follow_guide(client, database: str) -> list[str]:
    """Open every link of the database page's guide; each must show rows (or its page)."""
    response = client.get(f"/{database}")
    assert response.status_code == 200
    page = lxml.html.fromstring(response.text)
    (guide,) = page.xpath('//div[contains(@class, "metadata-description")]')
    links = [href for href in guide.xpath(".//ul//a/@href")]
    assert len(links) >= 15, links
    assert not [li for li in guide.xpath(".//ul/li") if "暂无" in li.text_content()], "a question without an example"
    for href in links:
        if href.startswith("/-/zfxxgk/"):
            response = client.get(href)
            assert response.status_code == 200, href
            continue
        path, _, query = href.partition("?")
        found = client.json(f"{path}.json?{query}{'&' if query else ''}_shape=array")
        assert found, f"{href} shows no rows"
    return links

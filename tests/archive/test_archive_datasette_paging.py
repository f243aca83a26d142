"""Datasette on an archive: only tables that do not grow with the reports are counted,
suggested facets are never computed, and the CSV link streams every row, not the first
1,000."""

from __future__ import annotations

import asyncio
import csv
import io

import pytest
from datasette.app import Datasette

from archive import Archive
from archive.datasette_paging import rewrite_query
from tests.support.archive import fetch, shenzhou_text

ARCHIVES = ["archive"]


@pytest.mark.parametrize(
    ("path", "query", "expected"),
    [
        ("/archive/requests_wide", "", "_nosuggest=1&_nocount=1"),
        ("/archive/latest_reports", "year=2021", "year=2021&_nosuggest=1&_nocount=1"),
        ("/archive/portals", "level=county", "level=county&_nosuggest=1"),  # the registry
        ("/archive/report_values.csv", "", "_nosuggest=1&_nocount=1&_stream=on"),
        ("/archive/requests_wide", "_nocount=0", "_nocount=0&_nosuggest=1"),
        ("/archive/latest_reports.csv", "_stream=", "_stream=&_nosuggest=1&_nocount=1"),
        ("/archive/%E6%9C%BA", "a=%E6%B7%B1", "a=%E6%B7%B1&_nosuggest=1&_nocount=1"),
        ("/other/latest_reports", "", ""),  # not an archive
        ("/archive", "", ""),  # the database page
        ("/archive/-/query", "sql=x", "sql=x"),
        ("/archive/latest_reports/1", "", ""),  # a row page
    ],
)
def test_rewrite_query(path, query, expected):
    assert rewrite_query(path, query, ARCHIVES) == expected


def test_csv_streams_every_row_and_only_the_registry_is_counted(tmp_path):
    path = tmp_path / "archive.db"
    with Archive.open(path) as archive:
        for n in range(7):
            archive.record(
                fetch(f"http://127.0.0.1/szs/{n}.txt", "2026-01-01T00:00:00Z",
                      shenzhou_text(agency=f"深州市第{n}局"), filename="r.txt")
            )  # fmt: skip
        values = archive.db.execute("SELECT count(*) FROM report_values").fetchone()[0]
        wide = archive.db.execute("SELECT count(*) FROM requests_wide").fetchone()[0]
    assert values > 1000  # more than one Datasette page of max_returned_rows

    async def get(url: str):
        return await Datasette([str(path)]).client.get(url)

    response = asyncio.run(get("/archive/report_values.csv"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.text)))
    assert len(rows) == 1 + values
    page = asyncio.run(get("/archive/requests_wide.json?_shape=objects"))
    data = page.json()
    assert data["filtered_table_rows_count"] is None and len(data["rows"]) == min(wide, 100)
    latest = asyncio.run(get("/archive/latest_reports.json")).json()
    assert latest["filtered_table_rows_count"] is None and len(latest["rows"]) == 7
    assert latest["suggested_facets"] == [] and latest["facet_results"] == {}
    asked = asyncio.run(get("/archive/latest_reports.json?_facet=year")).json()
    assert asked["facet_results"]["year"]["results"][0]["count"] == 7  # one a reader asks for

"""Defects real published reports showed, each isolated in a small document.

Every fixture in tests/fixtures/defects/ reproduces one way real portal documents were
misread (see tests/fixtures/real/ for the documents themselves); each test fails on the
parser before its fix.
"""

from __future__ import annotations

from pathlib import Path

from parsers import parse_document, parse_html
from parsers.html_grid import grids_from_html
from parsers.model import source_of

DEFECTS = Path(__file__).parents[1] / "fixtures" / "defects"


def parse(name: str):
    path = DEFECTS / name
    return parse_document(path.read_bytes(), filename=name)


def test_equal_neighbouring_figures_in_a_wider_grid_are_all_kept():
    """2019 active table, header 本年增/减 spanning two columns; rows of zeros with and
    without a colspan of their own. Text equality collapsed 0 0 0 0 to two figures."""
    report = parse("zeros_colspan_2019.html")
    active = report.tables["active"]
    assert active["licensing"] == {"prev_year_items": 0, "change": 0, "decisions": 0}  # 0(cs2) 0 0
    assert active["penalty"] == {"prev_year_items": 0, "change": 0, "decisions": 0}  # 0 0 0 0
    assert active["coercion"] == {"prev_year_items": 0, "change": 0, "decisions": 0}
    assert active["other_services"] == {"prev_year_items": 5, "change": -1, "decisions": 7}
    assert active["regulations"] == {"made": 13, "published": 13, "total_published": 524}
    assert active["fees"] == {"prev_year_items": 0, "change": 0}
    assert not [w for w in report.warnings if "values for 3 columns" in w]


def test_every_grid_slot_names_its_source_cell():
    import lxml.html

    root = lxml.html.fromstring((DEFECTS / "zeros_colspan_2019.html").read_bytes())
    grid = grids_from_html(root)[0]
    licensing = next(row for row in grid if row[0] == "行政许可")
    # 行政许可 | 0 (colspan 2) | 0 | 0: slots 1 and 2 are one cell, 3 and 4 are two more
    assert source_of(licensing[1]) == source_of(licensing[2])
    assert len({source_of(slot) for slot in licensing[1:]}) == 3
    row, column, rowspan, colspan = source_of(licensing[1])
    assert (column, rowspan, colspan) == (1, 1, 2)
    penalty = next(row for row in grid if row[0] == "行政处罚")
    assert len({source_of(slot) for slot in penalty[1:]}) == 4


def test_a_report_columns_list_page_is_a_list_not_a_report():
    report = parse("column_list_page.html")
    assert report.is_report is False
    assert "list of 8 report titles" in report.reason
    assert report.agency is None and report.year is None  # not taken from the first bullet


def test_a_letter_filed_in_the_report_column_is_not_a_report():
    """Text whose first line is the column's name (政府信息公开年报), then the letter."""
    report = parse("letter_in_column.txt")
    assert report.is_report is False
    assert report.title == "关于报送2023年政府信息公开工作年度报告有关情况的函"
    assert report.reason.startswith("notice, not a report")


def test_metadata_header_lines_are_metadata_even_with_an_empty_issuer():
    report = parse("header_block_empty_issuer.txt")
    assert report.is_report is True
    assert report.title == "某县人民政府2023年政府信息公开工作年度报告"
    assert report.agency == "某县人民政府"  # never "标题: 某县人民政府", never "栏目"
    assert report.year == 2023
    assert report.published == "2024-01-29"


def test_the_issuer_line_fills_the_agency_when_the_title_names_none():
    text = (DEFECTS / "header_block_empty_issuer.txt").read_text(encoding="utf-8")
    text = text.replace("发布机构:", "发布机构: 某县人民政府办公室").replace(
        "某县人民政府2023年政府信息公开工作年度报告", "2023年政府信息公开工作年度报告"
    )
    report = parse_document(text.encode(), filename="x.txt")
    assert report.agency == "某县人民政府办公室"


def test_no_publication_date_from_the_dates_of_other_listed_documents():
    report = parse("dated_links_no_date.html")
    assert report.is_report is True
    assert report.published is None  # the page states none; 2026-03-01 is a related link's


def test_a_page_date_line_still_counts():
    body = (DEFECTS / "dated_links_no_date.html").read_text(encoding="utf-8")
    body = body.replace("</h1>", "</h1><div class=\"info\">发布日期：2024-01-22</div>")
    assert parse_html(body).published == "2024-01-22"


def test_glued_digit_runs_split_only_where_the_row_total_forces_it():
    report = parse("glued_rows.txt")
    requests = report.tables["requests"]
    assert list(requests["received"].values()) == [64, 0, 0, 2, 0, 4, 70]
    assert list(requests["carried_over"].values()) == [0] * 7
    # 101000011 is 1 0 10 0 0 0 11 or 10 1 0 0 0 0 11: both add up, so nothing is read
    assert list(requests["carried_forward"].values()) == [None] * 7
    received = [c for c in report.cells if c.row == "received"]
    assert received and all(c.inferred and c.raw == "640020470" for c in received)
    assert any("101000011" in w and "not read" in w for w in report.warnings)
    assert any("640020470" in w and "split as 64 0 0 2 0 4 70" in w for w in report.warnings)


def test_a_2019_style_other_row_in_a_2021_table_does_not_crash_the_reader():
    """洪泽区's 2023 and 2024 PDFs print one （六）其他处理 row in a 2021-template table."""
    report = parse("other_row_2019_style.txt")
    assert report.template == "2021"
    assert report.tables["requests"]["total_processed"]["total"] == 2
    assert report.tables["requests"]["other.other"]["total"] is None  # not printed
    assert any("row other is not in the 2021 template" in w for w in report.warnings)

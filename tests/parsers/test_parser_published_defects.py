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


def test_a_label_with_a_dropped_word_still_names_its_row():
    """洪泽区's 2023 report prints 2.其他法律行政止公开 (法规禁 missing); its text layer
    lost the row's figures because no row word matched."""
    from parsers.labels import requests_row

    assert requests_row("2.其他法律行政止公开", None) == "denied.prohibited_by_law"
    assert requests_row("2.其他法律行政法规禁止公开", None) == "denied.prohibited_by_law"


OPENING_ONLY = """根据《中华人民共和国政府信息公开条例》要求,特编制某市档案馆2023年政府信息公开工作年度报告。本报告所列数据统计期限自2023年1月1日起到2023年12月31日止。
一、总体情况
2023年,我馆全年未接到信息公开申请。
二、主动公开政府信息情况
三、收到和处理政府信息公开申请情况
四、政府信息公开行政复议、行政诉讼情况
五、存在的主要问题及改进情况
六、其他需要报告的事项
"""


def test_a_report_named_only_in_its_opening_sentence():
    """湛江市地方志办公室's page text has no heading line: its opening sentence names it."""
    from parsers import parse_text

    report = parse_text(OPENING_ONLY)
    assert report.title == "某市档案馆2023年政府信息公开工作年度报告"
    assert report.agency == "某市档案馆" and report.year == 2023


def test_the_compiling_body_names_the_agency_when_the_heading_is_generic():
    """保康县农业农村局's page is headed only 政府信息公开工作年度报告."""
    from parsers import parse_text

    text = "政府信息公开工作年度报告\n本报告由某县水利局编制。\n" + OPENING_ONLY.split("\n", 1)[1]
    report = parse_text(text)
    assert report.title is None  # the bare column name is no title
    assert report.agency == "某县水利局"


def test_a_bare_time_label_beside_the_source_is_the_pages_date():
    """福州市晋安区's page: 来源:区人民政府办公室 时间:2017-01-12 10:01 under the title."""
    from parsers import parse_text

    text = (
        "某区2016年政府信息公开工作年度报告\n来源:区人民政府办公室 时间:2017-01-12 10:01\n"
        "本报告统计数据从2016年1月1日至2016年12月31日止。\n一、概述\n2016年,我区认真贯彻落实《条例》。\n"
        "二、主动公开政府信息情况\n本年度主动公开政府信息300条。统计时间:2016-12-31。\n"
    )
    assert parse_text(text).published == "2017-01-12"


def test_a_body_line_over_a_bare_report_heading_still_makes_the_title():
    """Skipping column names must not drop a two-line heading whose first line names the
    body: 深州市人民政府办公室 / 政府信息公开工作年度报告."""
    from parsers.metadata import title_from_text

    assert title_from_text("深州市人民政府办公室\n政府信息公开工作年度报告\n一、总体情况") == (
        "深州市人民政府办公室政府信息公开工作年度报告"
    )
    assert title_from_text("政府信息公开工作年度报告\n本报告依据《条例》编制。") is None


def test_a_glued_row_without_a_row_total_is_split_only_one_digit_per_column():
    """规章000 can only be 0 0 0; 行政规范性文件77132470 (平潭's 2023 text) has no total
    to choose between 77 13 2470 and 77 132 470, so it is not read."""
    from parsers import parse_text

    text = (DEFECTS / "glued_rows.txt").read_text(encoding="utf-8").replace(
        "二、主动公开政府信息情况\n",
        "二、主动公开政府信息情况\n| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n"
        "规章000\n行政规范性文件77132470\n",
    )
    report = parse_text(text)
    assert report.tables["active"]["regulations"] == {"issued": 0, "repealed": 0, "in_force": 0}
    assert all(c.inferred for c in report.cells if c.row == "regulations")
    assert report.tables["active"]["normative_documents"] == dict.fromkeys(
        ("issued", "repealed", "in_force")
    )
    assert any("'77132470' and has no row total" in w for w in report.warnings)


FLATTENED = (
    "某区2023年度政府信息公开工作年度报告\n"
    "本报告所列数据统计期限自2023年1月1日起至2023年12月31日止。一、总体情况 2023年全区接收政府信息公开申请共计3件。"
    + "全区持续推进政务公开工作，不断提升政府透明度。" * 6
    + "二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000"
    "三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    "申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"
    "一、本年新收政府信息公开申请数量2100003二、上年结转政府信息公开申请数量0000000"
    "三、本年度办理结果（一）予以公开2100003（二）部分公开（区分处理的，只计这一情形，不计其他情形）0000000"
    "（三）不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开00000003.危及“三安全一稳定”0000000"
    "4.保护第三方合法权益00000005.属于三类内部事务信息00000006.属于四类过程性信息00000007.属于行政执法案卷0000000"
    "8.属于行政查询事项0000000（四）无法提供1.本机关不掌握相关政府信息00000002.没有现成信息需要另行制作0000000"
    "3.补正后申请内容仍不明确0000000（五）不予处理1.信访举报投诉类申请00000002.重复申请0000000"
    "3.要求提供公开出版物00000004.无正当理由大量反复申请00000005.要求行政机关确认或重新出具已获取信息0000000"
    "（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请0000000"
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请00000003.其他0000000"
    "（七）总计2100003四、结转下年度继续办理0000000"
    "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计"
    "未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计"
    "100010000000000五、存在的主要问题及改进情况无。六、其他需要报告的事项无。\n"
)


def test_tables_flattened_onto_one_line_are_cut_back_into_rows():
    """平潭's archived text versions print all three tables on one line of prose."""
    from parsers import parse_text

    report = parse_text(FLATTENED)
    requests = report.tables["requests"]
    assert list(requests["received"].values()) == [2, 1, 0, 0, 0, 0, 3]
    assert list(requests["granted"].values()) == [2, 1, 0, 0, 0, 0, 3]
    assert list(report.tables["appeals"]["review"].values()) == [1, 0, 0, 0, 1]
    assert report.tables["active"]["regulations"] == {"issued": 0, "repealed": 0, "in_force": 0}


def test_an_ambiguous_row_is_decided_by_the_column_identities():
    """220000022 is 22 0 0 0 0 0 22 or 2 20 0 0 0 0 22; the column totals decide."""
    from parsers import parse_text

    text = (
        FLATTENED.replace("申请数量2100003", "申请数量230000023")
        .replace("（一）予以公开2100003", "（一）予以公开220000022")
        .replace("不计其他情形）0000000", "不计其他情形）1000001")
        .replace("（七）总计2100003", "（七）总计230000023")
    )
    report = parse_text(text)
    requests = report.tables["requests"]
    assert list(requests["granted"].values()) == [22, 0, 0, 0, 0, 0, 22]
    assert list(requests["partially_granted"].values()) == [1, 0, 0, 0, 0, 0, 1]
    assert any("220000022" in w and "makes every column add up" in w for w in report.warnings)
    # alone, with no column to decide, the same run is not read
    lone = FLATTENED.replace("（一）予以公开2100003", "（一）予以公开220000022")
    lone_report = parse_text(lone)
    assert list(lone_report.tables["requests"]["granted"].values()) == [None] * 7
    assert any("220000022" in w and "do not single one out" in w for w in lone_report.warnings)

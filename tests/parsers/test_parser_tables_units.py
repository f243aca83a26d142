"""Focused tests of the table core: values, labels, grids, alignment, checks and inference."""

from __future__ import annotations

from decimal import Decimal

import pytest
from lxml import html

from parsers import labels
from parsers.checks import check_identities, infer_missing
from parsers.html_grid import grids_from_html
from parsers.layout_text import grids_from_text
from parsers.model import Cell
from parsers.tables import empty_tables, read_tables
from parsers.text_normalize import normalize_cell, normalize_text
from parsers.values import NotAValue, parse_count, parse_fee, parse_number

# ----------------------------------------------------------------------- normalization


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("（一）予以公开", "(一)予以公开"),
        ("１２３", "123"),
        ("\u2f00\u2f08", "一人"),  # Kangxi radicals from PDF fonts
        ("\u2ed4\u2ea0", "门民"),  # CJK radicals supplement, not folded by NFKC
        ("商业\u3000企业", "商业 企业"),
        ("自然\u200b人", "自然人"),
        ("0&nbsp;", "0"),
        ("――", "——"),
    ],
)
def test_normalize_cell(raw: str, clean: str) -> None:
    assert normalize_cell(raw) == clean


def test_normalize_text_keeps_layout() -> None:
    assert normalize_text("规章\t０\n  行政") == "规章\t0\n  行政"


# ----------------------------------------------------------------------- values


@pytest.mark.parametrize("blank", ["", " ", "/", "—", "-", "无", "&nbsp;", "\u3000", "——"])
def test_blank_cells_are_none_never_zero(blank: str) -> None:
    assert parse_count(blank) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("0", 0), ("14", 14), ("1,234", 1234), ("10087", 10087), ("６", 6), ("12件", 12)],
)
def test_counts(text: str, value: int) -> None:
    result = parse_count(text)
    assert result == value and type(result) is int


def test_signed_changes_only_where_allowed() -> None:
    assert parse_count("+5", signed=True) == 5
    assert parse_count("-3", signed=True) == -3
    assert parse_count("－3", signed=True) == -3  # full-width minus
    with pytest.raises(NotAValue):
        parse_count("+5")
    with pytest.raises(NotAValue):
        parse_number("依申请公开")


def test_fees_are_exact_decimal_ten_thousand_yuan() -> None:
    assert parse_fee("180.338174") == Decimal("180.338174")
    assert parse_fee("0") == Decimal("0")
    assert parse_fee("1803381.74元") == Decimal("180.338174")
    assert parse_fee("2.5万元") == Decimal("2.5")
    assert parse_fee("25000", header="本年收费金额（单位：元）") == Decimal("2.5")
    assert parse_fee("25000", header="本年收费金额(单位:万元,保留4位小数)") == Decimal("25000")
    assert parse_fee("/", header="（单位：元）") is None


# ----------------------------------------------------------------------- labels


@pytest.mark.parametrize(
    ("text", "group", "key"),
    [
        ("一、本年新收政府信息公开申请数量", None, "received"),
        ("(一)予以公开", None, "granted"),
        ("三、本年度办理结果（一）予以公开", None, "granted"),
        ("（二）部分公开（区分处理的，只记这一情形，不计其他情形）", None, "partially_granted"),
        ("1.属于国家秘密", "denied", "denied.state_secret"),
        ("1.属于国家秘密", None, "denied.state_secret"),
        ("2.其他法律法规禁止公开", "denied", "denied.prohibited_by_law"),
        ("1.本机关不掌握", None, "unavailable.not_held"),
        ("1.信访举报", None, "not_processed.petition_complaint"),
        ("4.无正当理由大量反复申请", "not_processed", "not_processed.excessive"),
        ("1.申请人无正当理由", "other", "other.no_correction"),
        ("3.其他", "other", "other.other"),
        ("3.", "unavailable", "unavailable.unclear_after_correction"),
        ("(六)其他处理", None, "other"),
        ("(七)总记", None, "total_processed"),
        ("（七） 总计", None, "total_processed"),
        ("四、结转下年度继续办理", None, "carried_forward"),
        ("三、本", None, None),
        ("理结果", None, None),
    ],
)
def test_requests_rows(text: str, group: str | None, key: str | None) -> None:
    assert labels.requests_row(text, group) == key


@pytest.mark.parametrize(
    ("text", "group"),
    [("(三)不予公开", "denied"), ("(四)无 法提供", "unavailable"),
     ("（五）不予以处理", "not_processed"), ("(六)其 他处理", "other"), ("(一)予以公开", None)],
)
def test_requests_groups(text: str, group: str | None) -> None:
    assert labels.requests_group(text) == group


def test_columns_and_active_labels() -> None:
    assert labels.requests_col("商业 企业") == "commercial"
    assert labels.requests_col("社会 公益 组织") == "nonprofit"
    assert labels.requests_col("其他") == "other_org"
    assert labels.requests_col("法人或其他组织") is None
    assert labels.active_col("本年度止件数", "2021") == "repealed"
    assert labels.active_col("本年增/减", "2019") == "change"
    assert labels.active_row("行政规范性文件", "2021") == "normative_documents"
    assert labels.active_row("规范性文件", "2019") == "normative_documents"
    assert labels.appeals_row("未经复议直接起诉") == "litigation_direct"
    assert labels.appeals_row("复议后起诉") == "litigation_after_review"


# ----------------------------------------------------------------------- html grid


def test_html_grid_expands_spans_and_skips_layout_tables() -> None:
    page = html.fromstring(
        """<html><body><table class="layout"><tr><td>导航 首页</td><td>
        <table border="1">
          <tr><td rowspan="2" colspan="2">A</td><td colspan="2">B</td><td rowspan="3">T</td></tr>
          <tr><td>b1</td><td><p class="MsoNormal"><span>b2<o:p>&nbsp;</o:p></span></p></td></tr>
          <tr><td>x</td><td>社会<br>公益</td><td>1</td><td><!-- 注释 -->2</td></tr>
        </table></td></tr></table></body></html>"""
    )
    assert grids_from_html(page) == [
        [
            ["A", "A", "B", "B", "T"],
            ["A", "A", "b1", "b2", "T"],
            ["x", "社会 公益", "1", "2", "T"],
        ]
    ]


def test_html_rowspan_past_the_last_cell_keeps_its_column() -> None:
    page = html.fromstring(
        "<table><tr><td>a</td><td rowspan=2>R</td></tr><tr><td>b</td></tr>"
        "<tr><td>c</td></tr></table>"
    )
    assert grids_from_html(page) == [[["a", "R"], ["b", "R"], ["c"]]]


def test_html_active_table_colspan_figure_is_read_once() -> None:
    page = html.fromstring(
        """<table>
        <tr><td colspan="4">第二十条第（五）项</td></tr>
        <tr><td>信息内容</td><td colspan="3">本年处理决定数量</td></tr>
        <tr><td>行政许可</td><td colspan="3">7</td></tr>
        <tr><td colspan="4">第二十条第（八）项</td></tr>
        <tr><td>信息内容</td><td colspan="3">本年收费金额（单位：元）</td></tr>
        <tr><td>行政事业性收费</td><td colspan="3">12,345.6</td></tr>
        </table>"""
    )
    reading = read_tables(grids_from_html(page))
    assert reading.template == "2021"
    assert reading.tables["active"]["licensing"] == {"decisions": 7}
    assert reading.tables["active"]["fees"] == {"amount_10k_yuan": Decimal("1.23456")}
    fee = next(c for c in reading.cells if c.col == "amount_10k_yuan")
    assert fee.raw == "12,345.6"


# ----------------------------------------------------------------------- text layouts


def test_layouts_split_into_cells() -> None:
    text = "规章 | 0 | 1 | 2 |\n| | 3 |\n\n规章  0  1  2\n行政许可 5\n全年共主动公开政府信息35条。"
    assert grids_from_text(text) == [[
        ["规章", "0", "1", "2"],
        ["", "", "3"],  # not Markdown-framed: an opening pipe is an empty first cell
        ["规章", "0", "1", "2"],
        ["行政许可", "5"],
    ]]


def test_cell_per_line_rows_are_blocks() -> None:
    text = "二、主动公开政府信息情况\n\t规章\n\t0\n\t\n\t1\n\n\t行政许可\n\t+5\n"
    assert grids_from_text(text) == [
        [["二、主动公开政府信息情况"], ["规章", "0", "", "1"], ["行政许可", "+5"]]
    ]


# ----------------------------------------------------------------------- table reading

REQUESTS_HEAD = "三、收到和处理政府信息公开申请情况\n"


def test_label_split_over_two_lines_joins() -> None:
    text = REQUESTS_HEAD + (
        "一、本年新收政府信息公开申请数量 3 0 0 0 0 0 3\n"
        "(三)不予公开 1.属于国家\n"
        "秘密 1 0 0 0 0 0 1\n"
        "2.没有现成信息需要另\n"
        "行制作 2 0 0 0 0 0 2\n"
    )
    reading = read_tables(grids_from_text(text))
    requests = reading.tables["requests"]
    assert list(requests["denied.state_secret"].values()) == [1, 0, 0, 0, 0, 0, 1]
    assert list(requests["unavailable.needs_creation"].values()) == [2, 0, 0, 0, 0, 0, 2]


def test_short_row_without_evidence_is_aligned_right_and_says_so() -> None:
    text = REQUESTS_HEAD + "一、本年新收政府信息公开申请数量 0 0 0 10 0 45\n"
    reading = read_tables(grids_from_text(text))
    assert list(reading.tables["requests"]["received"].values()) == [None, 0, 0, 0, 10, 0, 45]
    assert any("received has 6 values for 7 columns; aligned right" in w for w in reading.warnings)


def test_short_row_with_blank_on_the_right_is_aligned_left() -> None:
    text = REQUESTS_HEAD + "一、本年新收政府信息公开申请数量\t5\t0\t0\t0\t0\t0\t\t\n"
    reading = read_tables(grids_from_text(text))
    assert list(reading.tables["requests"]["received"].values()) == [5, 0, 0, 0, 0, 0, None]


def test_template_2019_from_the_single_other_row() -> None:
    text = REQUESTS_HEAD + "（六）其他处理\t1\t0\t0\t0\t0\t0\t1\n"
    reading = read_tables(grids_from_text(text))
    assert reading.template == "2019"
    assert reading.tables["requests"]["other"]["total"] == 1
    assert "other.other" not in reading.tables["requests"]


def test_no_tables_no_template() -> None:
    reading = read_tables(grids_from_text("关于做好2021年政府信息公开工作年度报告编制工作的通知。"))
    assert reading.template is None and reading.tables == {}


def test_navigation_numbers_after_appeals_do_not_overwrite() -> None:
    appeals = (
        "<table><tr><td>行政复议</td></tr>"
        "<tr>" + "".join(f"<td>{n}</td>" for n in [1, 0, 0, 0, 1] * 3) + "</tr></table>"
    )
    footer = "<table><tr><td>9</td><td>9</td><td>9</td></tr></table>"
    head = "<table><tr><td>信息内容</td><td>本年制发件数</td></tr></table>"
    page = html.fromstring(f"<div>{head}{appeals}{footer}</div>")
    reading = read_tables(grids_from_html(page))
    for row in ("review", "litigation_direct", "litigation_after_review"):
        assert reading.tables["appeals"][row] == {
            "upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 1
        }
    assert not any("printed twice" in w for w in reading.warnings)


# ----------------------------------------------------------------------- checks


def _requests(template: str = "2021") -> tuple[dict, list[Cell]]:
    tables = empty_tables(template)
    return tables, []


def _fill(tables: dict, row: str, values: list) -> None:
    cols = list(tables["requests"][row])
    tables["requests"][row].update(dict(zip(cols, values, strict=True)))


def test_infer_only_the_single_blank_of_an_identity() -> None:
    tables, cells = _requests()
    _fill(tables, "received", [None, 0, 0, 0, 10, 0, 45])
    _fill(tables, "granted", [None, None, 0, 0, 1, 0, 10])  # two blanks: not fixed by the row
    infer_missing("2021", tables, cells)
    assert tables["requests"]["received"]["natural_person"] == 35
    assert tables["requests"]["granted"]["natural_person"] is None
    assert [(c.row, c.col, c.value, c.inferred, c.raw) for c in cells] == [
        ("received", "natural_person", 35, True, None)
    ]


def test_no_negative_inference() -> None:
    tables, cells = _requests()
    _fill(tables, "received", [None, 50, 0, 0, 0, 0, 45])
    infer_missing("2021", tables, cells)
    assert tables["requests"]["received"]["natural_person"] is None and cells == []


def test_inference_reaches_a_fixed_point_through_columns() -> None:
    tables, cells = _requests("2019")
    _fill(tables, "received", [None, 0, 0, 0, 0, 0, 6])
    _fill(tables, "carried_over", [0] * 7)
    _fill(tables, "granted", [6, 0, 0, 0, 0, 0, 6])
    _fill(tables, "carried_forward", [0] * 7)
    _fill(tables, "total_processed", [None, None, 0, 0, 0, 0, 6])
    infer_missing("2019", tables, cells)
    assert list(tables["requests"]["received"].values()) == [6, 0, 0, 0, 0, 0, 6]
    assert list(tables["requests"]["total_processed"].values()) == [6, 0, 0, 0, 0, 0, 6]
    assert all(c.inferred for c in cells) and len(cells) == 3


def test_existing_blank_cell_is_marked_inferred_keeping_its_raw_text() -> None:
    tables, _ = _requests()
    _fill(tables, "received", [None, 0, 0, 0, 0, 0, 4])
    cells = [Cell("requests", "received", "natural_person", None, "/")]
    infer_missing("2021", tables, cells)
    assert (cells[0].value, cells[0].inferred, cells[0].raw) == (4, True, "/")


def test_checks_report_failures_as_printed() -> None:
    tables, cells = _requests()
    _fill(tables, "received", [3, 0, 0, 0, 0, 0, 4])
    tables["appeals"]["review"].update(upheld=1, corrected=0, other=0, pending=0, total=1)
    checks = check_identities("2021", tables, cells)
    row_total = [c for c in checks if c.check == "requests.row_total"]
    assert [c.to_json() for c in row_total] == [{
        "check": "requests.row_total", "table": "requests", "row": "received",
        "expected": 3, "actual": 4, "ok": False,
    }]
    balance = {c.col: (c.expected, c.actual, c.ok) for c in checks if c.check == "requests.balance"}
    assert balance["natural_person"] == (3, 0, False)
    assert balance["total"] == (4, 0, False)
    assert [c.ok for c in checks if c.check == "appeals.row_total"] == [True]


def test_outcome_total_uses_other_star_in_2021_and_other_in_2019() -> None:
    for template, other_rows in (("2021", ["other.no_correction", "other.other"]), ("2019", ["other"])):
        tables, cells = _requests(template)
        for row in other_rows:
            _fill(tables, row, [1, 0, 0, 0, 0, 0, 1])
        _fill(tables, "total_processed", [len(other_rows), 0, 0, 0, 0, 0, len(other_rows)])
        checks = check_identities(template, tables, cells)
        outcome = [c for c in checks if c.check == "requests.outcome_total"]
        assert outcome and all(c.ok for c in outcome), template


def test_appeals_figures_continued_on_the_next_grid() -> None:
    header = (
        "<table><tr><td>行政复议</td><td>行政诉讼</td></tr>"
        "<tr>" + "".join(f"<td>{h}</td>" for h in ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3)
        + "</tr></table>"
    )
    figures = "<table><tr>" + "".join(f"<td>{n}</td>" for n in range(15)) + "</tr></table>"
    active = "<table><tr><td>信息内容</td><td>本年制发件数</td></tr></table>"
    page = html.fromstring(f"<div>{active}{header}{figures}</div>")
    reading = read_tables(grids_from_html(page))
    assert reading.template == "2021"
    assert reading.tables["appeals"]["litigation_after_review"] == {
        "upheld": 10, "corrected": 11, "other": 12, "pending": 13, "total": 14
    }


def test_label_split_over_two_cells_joins() -> None:
    text = REQUESTS_HEAD + "1.属于国家\t秘密\t1\t0\t0\t0\t0\t0\t1\n"
    reading = read_tables(grids_from_text(text))
    assert list(reading.tables["requests"]["denied.state_secret"].values()) == [1, 0, 0, 0, 0, 0, 1]


PDF_TEXT = """二、主动公开政府信息情况
第二十条第（一）项
信息内容 本年制发件数 本年废止件数 现行有效件数
规章 0 0 0
行政规范性文件 2 1 15
三、收到和处理政府信息公开申请情况
申请人情况
（本列数据的勾稽关系为：第一项加第二项之和， 法人或其他组织
自然人 总计
等于第三项加第四项之和） 商业 科研 社会公益 法律服务 其他
企业 机构 组织 机构
一、本年新收政府信息公开申请数量 12 1 0 0 0 0 13
二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0
（一）予以公开 8 1 0 0 0 0 9
三、本年度办
（二）部分公开（区分处理的，只计这一情形；不计其他情形） 1 0 0 0 0 0 1
理结果
（三）不予公开 1.属于国家秘密 0 0 0 0 0 0 0
5.要求行政机关确认或重新出具已获取 0 0 0 0 0 0 0
信息
1.申请人无正当理由逾期不补正、行政机关不再处理其政府
信息公开申请 2 0 0 0 0 0 2
（七）总计 11 1 0 0 0 0 12
四、结转下年度继续办理 1 0 0 0 0 0 1
五、政府信息公开行政复议、行政诉讼情况
行政复议 行政诉讼
结果维持 结果纠正 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉
1 0 0 0 1 0 0 0 0 0 0 0 0 0 0
六、存在的主要问题及改进情况
"""


def test_pdf_text_layer_with_wrapped_labels() -> None:
    reading = read_tables(grids_from_text(PDF_TEXT))
    assert reading.template == "2021"
    active, requests = reading.tables["active"], reading.tables["requests"]
    assert active["normative_documents"] == {"issued": 2, "repealed": 1, "in_force": 15}
    assert list(requests["received"].values()) == [12, 1, 0, 0, 0, 0, 13]
    assert list(requests["partially_granted"].values()) == [1, 0, 0, 0, 0, 0, 1]
    assert list(requests["not_processed.confirmation"].values()) == [0] * 7
    assert list(requests["other.no_correction"].values()) == [2, 0, 0, 0, 0, 0, 2]
    assert list(requests["total_processed"].values()) == [11, 1, 0, 0, 0, 0, 12]
    assert list(requests["denied.third_party_rights"].values()) == [None] * 7
    assert reading.tables["appeals"]["review"] == {
        "upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 1
    }
    checks = check_identities(reading.template, reading.tables, reading.cells)
    assert [c.col for c in checks if not c.ok] == []


def test_cells_keep_raw_text_and_explicit_blanks() -> None:
    grid = [
        ["三、收到和处理政府信息公开申请情况"],
        ["一、本年新收政府信息公开申请数量", "1,200", "/", "—", "无", None, "0", "1200"],
    ]
    reading = read_tables([grid])
    received = reading.tables["requests"]["received"]
    assert list(received.values()) == [1200, None, None, None, None, 0, 1200]
    raws = {c.col: (c.value, c.raw) for c in reading.cells if c.row == "received"}
    assert raws["natural_person"] == (1200, "1,200")
    assert raws["commercial"] == (None, "/")
    assert raws["nonprofit"] == (None, "无")
    assert "legal_services" not in raws  # an empty cell is not a printed figure


def test_markdown_tables_drop_the_rule_line_and_frame() -> None:
    text = "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n|---|:---:|---|---|\n| 规章 | 1 | 2 | 3 |\n"
    assert grids_from_text(text) == [
        [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "1", "2", "3"]]
    ]


@pytest.mark.parametrize(
    ("text", "key"),
    [("（六）其他处理 3.其他", "other.other"), ("（四）无法提供 3.", "unavailable.unclear_after_correction")],
)
def test_merged_group_and_item_cell(text: str, key: str) -> None:
    assert labels.requests_row(text, None) == key

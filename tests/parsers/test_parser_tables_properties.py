"""Random valid tables, printed in the layouts reports use, read back to every figure.

The tables follow the national templates (2021 and 2019) with random figures and random
blanks (printed as an empty cell, "/", "—" or "无"); half of them keep every row total equal
to the sum of its parts (and the checks must then agree), the other half do not, since
reading must not depend on the identities. Each is rendered as an HTML table with rowspan and
colspan headers, as tab- and pipe-separated text, and as one cell per line, then read with
grids_from_html / grids_from_text + read_tables: every figure must come back, every blank
as None.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html

from parsers.checks import check_identities, infer_missing
from parsers.html_grid import grids_from_html
from parsers.layout_text import grids_from_text
from parsers.tables import empty_tables, read_tables, table_layout

REQUEST_LABELS = {
    "received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "(一)予以公开",
    "partially_granted": "(二)部分公开(区分处理的,只计这一情形,不计其他情形)",
    "denied.state_secret": "1.属于国家秘密",
    "denied.prohibited_by_law": "2.其他法律行政法规禁止公开",
    "denied.security_stability": "3.危及“三安全一稳定”",
    "denied.third_party_rights": "4.保护第三方合法权益",
    "denied.internal_affairs": "5.属于三类内部事务信息",
    "denied.process_information": "6.属于四类过程性信息",
    "denied.enforcement_files": "7.属于行政执法案卷",
    "denied.administrative_query": "8.属于行政查询事项",
    "unavailable.not_held": "1.本机关不掌握相关政府信息",
    "unavailable.needs_creation": "2.没有现成信息需要另行制作",
    "unavailable.unclear_after_correction": "3.补正后申请内容仍不明确",
    "not_processed.petition_complaint": "1.信访举报投诉类申请",
    "not_processed.duplicate": "2.重复申请",
    "not_processed.publication": "3.要求提供公开出版物",
    "not_processed.excessive": "4.无正当理由大量反复申请",
    "not_processed.confirmation": "5.要求行政机关确认或重新出具已获取信息",
    "other.no_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other.unpaid_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other.other": "3.其他",
    "other": "(六)其他处理",
    "total_processed": "(七)总计",
    "carried_forward": "四、结转下年度继续办理",
}
GROUP_LABELS = {
    "denied": "(三)不予公开", "unavailable": "(四)无法提供",
    "not_processed": "(五)不予处理", "other": "(六)其他处理",
}
TOP_ROWS = {"received", "carried_over", "carried_forward"}
REQUEST_HEADERS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
APPEALS_HEADERS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]

ACTIVE_BLOCKS = {
    "2021": [
        ("第二十条第(一)项", ["本年制发件数", "本年废止件数", "现行有效件数"],
         [("规章", "regulations"), ("行政规范性文件", "normative_documents")]),
        ("第二十条第(五)项", ["本年处理决定数量"], [("行政许可", "licensing")]),
        ("第二十条第(六)项", ["本年处理决定数量"],
         [("行政处罚", "penalty"), ("行政强制", "coercion")]),
        ("第二十条第(八)项", ["本年收费金额(单位:{unit})"], [("行政事业性收费", "fees")]),
    ],
    "2019": [
        ("第二十条第(一)项", ["本年新制作数量", "本年新公开数量", "对外公开总数量"],
         [("规章", "regulations"), ("规范性文件", "normative_documents")]),
        ("第二十条第(五)项", ["上一年项目数量", "本年增/减", "处理决定数量"],
         [("行政许可", "licensing"), ("其他对外管理服务事项", "other_services")]),
        ("第二十条第(六)项", ["上一年项目数量", "本年增/减", "处理决定数量"],
         [("行政处罚", "penalty"), ("行政强制", "coercion")]),
        ("第二十条第(八)项", ["上一年项目数量", "本年增/减"], [("行政事业性收费", "fees")]),
        ("第二十条第(九)项", ["采购项目数量", "采购总金额"], [("政府集中采购", "procurement")]),
    ],
}

BLANKS = st.sampled_from(["", "/", "—", "无"])

# How real reports retype the template's labels; each case applies a random subset.
LABEL_VARIANTS = {
    "full_width_brackets": [("(", "（"), (")", "）")],
    "spaces_inside": [("商业企业", "商业 企业"), ("社会公益组织", "社会 公益 组织"),
                      ("无法提供", "无 法提供"), ("法律服务机构", "法律 服务 机构")],
    "typos": [("总计", "总记"), ("只计", "只记"), ("本年废止件数", "本年度止件数")],
    "wording": [("不予处理", "不予以处理"), ("其他法律行政法规禁止公开", "其他法律法规禁止公开")],
    "no_group_prefix": [("三、本年度办理结果", "")],
}


def _retype(text: str, variants: frozenset[str]) -> str:
    for name in sorted(variants):
        for old, new in LABEL_VARIANTS[name]:
            text = text.replace(old, new)
    return text
COUNTS = st.one_of(st.none(), st.integers(min_value=0, max_value=99999))


@st.composite
def fee_values(draw: st.DrawFn) -> Decimal | None:
    if draw(st.booleans()) and draw(st.booleans()):
        return None
    units = draw(st.integers(min_value=0, max_value=10**9))
    places = draw(st.integers(min_value=0, max_value=6))
    return Decimal(units).scaleb(-places)


@st.composite
def report_tables(draw: st.DrawFn) -> dict:
    """A template, its three tables with random figures/blanks, and how blanks print."""
    template = draw(st.sampled_from(["2021", "2019"]))
    layout = table_layout(template)
    tables: dict = {"active": {}, "requests": {}, "appeals": {}}
    for row, cols in layout["active"].items():
        tables["active"][row] = {}
        for col in cols:
            if col in ("amount_10k_yuan", "amount"):
                value = draw(fee_values())
            elif col == "change":
                value = draw(st.one_of(st.none(), st.integers(min_value=-999, max_value=999)))
            else:
                value = draw(COUNTS)
            tables["active"][row][col] = value
    consistent = draw(st.booleans())
    for table in ("requests", "appeals"):
        for row, cols in layout[table].items():
            values = {col: draw(COUNTS) for col in cols}
            if consistent:  # every row total is the sum of its parts (blanks read as 0)
                values["total"] = sum(v or 0 for col, v in values.items() if col != "total")
            tables[table][row] = values
    return {
        "consistent": consistent,
        "template": template,
        "tables": tables,
        "blank": draw(BLANKS),
        "yuan": template == "2021" and draw(st.booleans()),
        "variants": frozenset(draw(st.sets(st.sampled_from(sorted(LABEL_VARIANTS))))),
    }


def _text(value, col: str, blank: str, yuan: bool) -> str:
    if value is None:
        return blank
    if col == "change" and value > 0:
        return f"+{value}"
    if col == "amount_10k_yuan" and yuan:
        return format(value * 10000, "f")
    return str(value)


# ----------------------------------------------------------------------- matrices


def _active_rows(case: dict) -> list[list[str]]:
    """The active table as printed rows, 4 cells wide (label + up to 3 figures)."""
    rows: list[list[str]] = [["二、主动公开政府信息情况", "", "", ""]]
    unit = "元" if case["yuan"] else "万元"
    for title, headers, members in ACTIVE_BLOCKS[case["template"]]:
        rows.append([title, "", "", ""])
        cells = ["信息内容", *(h.format(unit=unit) for h in headers)]
        rows.append(cells + [""] * (4 - len(cells)))
        for label, key in members:
            figures = [
                _text(value, col, case["blank"], case["yuan"])
                for col, value in case["tables"]["active"][key].items()
            ]
            cells = [label, *figures]
            rows.append(cells + [""] * (4 - len(cells)))
    return rows


def _request_label_cells(row: str, previous_group: str | None) -> list[str]:
    """Three label cells as text extraction prints them: a merged cell's text only once."""
    group = row.split(".")[0] if "." in row else None
    if row in TOP_ROWS:
        return [REQUEST_LABELS[row], "", ""]
    first = "三、本年度办理结果" if row == "granted" else ""
    if group is None:
        return [first, REQUEST_LABELS[row], ""]
    return [first, GROUP_LABELS[group] if group != previous_group else "", REQUEST_LABELS[row]]


def _requests_rows(case: dict) -> list[list[str]]:
    rows = [
        ["三、收到和处理政府信息公开申请情况"] + [""] * 9,
        ["(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)", "", "",
         "申请人情况", "", "", "", "", "", "总计"],
        ["", "", "", "自然人", "法人或其他组织", "", "", "", "", ""],
        ["", "", "", "", *REQUEST_HEADERS[1:6], ""],
    ]
    previous_group = None
    for row, values in case["tables"]["requests"].items():
        labels = _request_label_cells(row, previous_group)
        previous_group = row.split(".")[0] if "." in row else None
        rows.append(labels + [_text(v, "", case["blank"], False) for v in values.values()])
    return rows


def _appeals_rows(case: dict) -> list[list[str]]:
    figures = [
        _text(value, "", case["blank"], False)
        for row in case["tables"]["appeals"].values()
        for value in row.values()
    ]
    return [
        ["四、政府信息公开行政复议、行政诉讼情况"] + [""] * 14,
        ["行政复议", "", "", "", "", "行政诉讼"] + [""] * 9,
        [*APPEALS_HEADERS, "未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""],
        [""] * 5 + APPEALS_HEADERS * 2,
        figures,
    ]


def _matrices(case: dict) -> list[list[list[str]]]:
    variants = case["variants"]
    return [
        [[_retype(cell, variants) for cell in row] for row in matrix]
        for matrix in (_active_rows(case), _requests_rows(case), _appeals_rows(case))
    ]


# ----------------------------------------------------------------------- layouts


def render_tab(case: dict) -> str:
    return "\n\n".join("\n".join("\t".join(r) for r in m) for m in _matrices(case))


def render_pipe(case: dict) -> str:
    return "\n".join(" | ".join(r) + " |" for m in _matrices(case) for r in m)


def render_cell_per_line(case: dict) -> str:
    blocks = ["\n".join("\t" + cell for cell in row) for m in _matrices(case) for row in m]
    return "\n\n".join(blocks)


def render_spaced(case: dict) -> str:
    """A PDF text layer: cells joined by single spaces (blanks print as markers here)."""
    return "\n".join(
        " ".join(cell for cell in row if cell)
        for matrix in _matrices(case)
        for row in matrix
        if any(row)
    )


def _cell(text: str, rowspan: int, colspan: int, variants: frozenset[str]) -> str:
    spans = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (
        f' colspan="{colspan}"' if colspan > 1 else ""
    )
    body = _retype(text, variants) if text else "&nbsp;"
    return f'<td{spans}><p class="MsoNormal"><span>{body}</span><o:p></o:p></p></td>'


def render_html(case: dict) -> str:
    """The shape portals print: merged headers and group labels as rowspan/colspan."""

    def _td(text: str, rowspan: int = 1, colspan: int = 1) -> str:
        return _cell(text, rowspan, colspan, case["variants"])

    out = ['<html><body><table><tr><td>']  # a layout table wrapping the page
    out.append("<p>二、主动公开政府信息情况</p><table border=1>")
    unit = "元" if case["yuan"] else "万元"
    for title, headers, members in ACTIVE_BLOCKS[case["template"]]:
        out.append("<tr>" + _td(title, colspan=4) + "</tr>")
        width = 3 // len(headers)
        cells = [_td("信息内容")] + [
            _td(h.format(unit=unit), colspan=width if i < len(headers) - 1 else 3 - width * i)
            for i, h in enumerate(headers)
        ]
        out.append("<tr>" + "".join(cells) + "</tr>")
        for label, key in members:
            figures = [
                _text(value, col, case["blank"], case["yuan"])
                for col, value in case["tables"]["active"][key].items()
            ]
            cells = [_td(label)] + [
                _td(f, colspan=width if i < len(figures) - 1 else 3 - width * i)
                for i, f in enumerate(figures)
            ]
            out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table><p>三、收到和处理政府信息公开申请情况</p><table border=1>")
    out.append(
        "<tr>" + _td("(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)", 3, 3)
        + _td("申请人情况", colspan=6) + _td("总计", rowspan=3) + "</tr>"
    )
    out.append("<tr>" + _td("自然人", rowspan=2) + _td("法人或其他组织", colspan=5) + "</tr>")
    out.append("<tr>" + "".join(_td(h) for h in REQUEST_HEADERS[1:6]) + "</tr>")
    rows = list(case["tables"]["requests"].items())
    result_rows = [r for r, _ in rows if r not in TOP_ROWS]
    seen_groups: set[str] = set()
    for row, values in rows:
        cells = []
        group = row.split(".")[0] if "." in row else None
        if row in TOP_ROWS:
            cells.append(_td(REQUEST_LABELS[row], colspan=3))
        else:
            if row == "granted":
                cells.append(_td("三、本年度办理结果", rowspan=len(result_rows)))
            if group is None:
                cells.append(_td(REQUEST_LABELS[row], colspan=2))
            else:
                if group not in seen_groups:
                    size = sum(1 for r in result_rows if r.startswith(group + "."))
                    cells.append(_td(GROUP_LABELS[group], rowspan=size))
                    seen_groups.add(group)
                cells.append(_td(REQUEST_LABELS[row]))
        cells.extend(_td(_text(v, "", case["blank"], False)) for v in values.values())
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table><p>四、政府信息公开行政复议、行政诉讼情况</p><table border=1>")
    out.append("<tr>" + _td("行政复议", colspan=5) + _td("行政诉讼", colspan=10) + "</tr>")
    out.append(
        "<tr>" + "".join(_td(h, rowspan=2) for h in APPEALS_HEADERS)
        + _td("未经复议直接起诉", colspan=5) + _td("复议后起诉", colspan=5) + "</tr>"
    )
    out.append("<tr>" + "".join(_td(h) for h in APPEALS_HEADERS * 2) + "</tr>")
    figures = [
        _text(value, "", case["blank"], False)
        for row in case["tables"]["appeals"].values()
        for value in row.values()
    ]
    out.append("<tr>" + "".join(_td(f) for f in figures) + "</tr>")
    out.append("</table></td></tr></table></body></html>")
    return "".join(out)


# ----------------------------------------------------------------------- properties


def _assert_read_back(case: dict, tables: dict, template: str | None) -> None:
    assert template == case["template"]
    if case["consistent"]:
        row_totals = [
            c for c in check_identities(template, tables, [])
            if c.check in ("requests.row_total", "appeals.row_total")
        ]
        assert row_totals and all(c.ok for c in row_totals)
    for table, rows in case["tables"].items():
        for row, cols in rows.items():
            for col, want in cols.items():
                got = tables[table][row][col]
                assert got == want and (got is None) == (want is None), (table, row, col, got, want)
                if want is not None and col in ("amount_10k_yuan", "amount"):
                    assert isinstance(got, Decimal)


PROPERTY = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY
@given(report_tables())
def test_html_grid_round_trip(case: dict) -> None:
    reading = read_tables(grids_from_html(html.fromstring(render_html(case))))
    _assert_read_back(case, reading.tables, reading.template)


@PROPERTY
@given(report_tables())
def test_tab_text_round_trip(case: dict) -> None:
    reading = read_tables(grids_from_text(render_tab(case)))
    _assert_read_back(case, reading.tables, reading.template)


@PROPERTY
@given(report_tables())
def test_pipe_text_round_trip(case: dict) -> None:
    reading = read_tables(grids_from_text(render_pipe(case)))
    _assert_read_back(case, reading.tables, reading.template)


@PROPERTY
@given(report_tables().filter(lambda case: case["blank"] != ""))
def test_pdf_spaced_text_round_trip(case: dict) -> None:
    reading = read_tables(grids_from_text(render_spaced(case)))
    _assert_read_back(case, reading.tables, reading.template)


@PROPERTY
@given(report_tables())
def test_cell_per_line_round_trip(case: dict) -> None:
    reading = read_tables(grids_from_text(render_cell_per_line(case)))
    _assert_read_back(case, reading.tables, reading.template)


@settings(max_examples=60, deadline=None)
@given(
    template=st.sampled_from(["2021", "2019"]),
    parts=st.lists(st.integers(min_value=0, max_value=9999), min_size=6, max_size=6),
    lost=st.integers(min_value=0, max_value=6),
    second=st.one_of(st.none(), st.integers(min_value=0, max_value=6)),
)
def test_inference_restores_exactly_one_lost_cell(template, parts, lost, second) -> None:
    """One blank in a consistent row comes back, marked inferred; two blanks stay blank."""
    tables = empty_tables(template)
    row = tables["requests"]["granted"]
    cols = list(row)
    row.update(zip(cols, [*parts, sum(parts)], strict=True))
    row[cols[lost]] = None
    if second is not None and second != lost:
        row[cols[second]] = None
    cells: list = []
    infer_missing(template, tables, cells)
    if second is None or second == lost:
        assert row[cols[lost]] == [*parts, sum(parts)][lost]
        assert [(c.row, c.col, c.inferred) for c in cells] == [("granted", cols[lost], True)]
    else:
        assert row[cols[lost]] is None and row[cols[second]] is None and cells == []

"""Pre-2019 statistics tables: kept as printed key/value rows, never mapped onto 2019/2021 keys.

Expected rows were read off the fixtures by hand.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from parsers import parse_html, parse_text
from parsers.layout_text import grids_from_text
from parsers.legacy_statistics import read_legacy_statistics
from parsers.model import json_default

FIXTURES = Path(__file__).parents[1] / "fixtures"


def rows(report) -> list[tuple]:
    return [
        (tuple(item["label_path"]), item["value"], item["unit"], item["raw"])
        for item in report.legacy_statistics
    ]


def test_legacy_2012_fixture_statistics_table():
    report = parse_html((FIXTURES / "html" / "legacy_2012.html").read_bytes())
    assert report.template == "legacy" and report.tables == {} and report.cells == []
    assert rows(report) == [
        (("一、主动公开情况",), None, None, "—"),
        (("一、主动公开情况", "(一)主动公开政府信息数"), 1520, "条", "1520"),
        (("二、依申请公开情况",), None, None, "—"),
        (("二、依申请公开情况", "(一)收到申请数"), 12, "件", "12"),
        (("二、依申请公开情况", "(一)收到申请数", "1.当面申请数"), 3, "件", "3"),
        (("二、依申请公开情况", "(二)申请办结数"), 12, "件", "12"),
        (("二、依申请公开情况", "(二)申请办结数", "1.按时办结数"), 12, "件", "12"),
        (("三、行政复议数量",), 0, "件", "0"),
        (("四、行政诉讼数量",), 0, "件", "0"),
    ]
    record = json.loads(json.dumps(report.to_json(), default=json_default, ensure_ascii=False))
    assert record["legacy_statistics"][1] == {
        "label_path": ["一、主动公开情况", "(一)主动公开政府信息数"],
        "value": 1520,
        "unit": "条",
        "raw": "1520",
    }


LEGACY_2015_TEXT = """某某县人民政府2015年政府信息公开工作年度报告

一、概述
2015年，我县认真贯彻落实《中华人民共和国政府信息公开条例》，按照国办发〔2014〕32号文件要求，进一步健全工作机制，扎实推进政府信息公开工作，各项工作取得了新的进展，公开的范围和深度不断拓展。
二、主动公开政府信息情况
2015年，全县共主动公开政府信息836条，其中规范性文件12条，公开内容涵盖财政预决算、重大项目、行政审批等群众关注的领域。
三、依申请公开政府信息情况
2015年，全县共收到政府信息公开申请9件，均已在规定期限内答复，依申请公开信息收取检索复制费用150元。
四、复议和诉讼情况
2015年，未发生因政府信息公开申请引起的行政复议和行政诉讼。
五、存在的主要问题及改进措施
部分单位对政府信息公开工作重视不够，更新不及时，今后将加强考核。
六、其他需要报告的事项
无。

附件：2015年政府信息公开情况统计表
统计指标\t单位\t统计数
一、主动公开情况\t—\t—
(一)主动公开政府信息数\t条\t836
其中：主动公开规范性文件数\t条\t12
二、依申请公开情况\t—\t—
（一）收到申请数\t件\t9
三、政府信息公开收费及减免情况\t—\t—
(一)依申请公开信息收取的费用\t万元\t0.0150
四、因政府信息公开申请提起行政复议数\t件\t/
"""


def test_legacy_statistics_from_a_text_layout():
    report = parse_text(LEGACY_2015_TEXT)
    assert (report.is_report, report.template, report.year) == (True, "legacy", 2015)
    assert report.tables == {} and report.checks == []
    assert rows(report) == [
        (("一、主动公开情况",), None, None, "—"),
        (("一、主动公开情况", "(一)主动公开政府信息数"), 836, "条", "836"),
        (("一、主动公开情况", "(一)主动公开政府信息数", "其中:主动公开规范性文件数"), 12, "条", "12"),
        (("二、依申请公开情况",), None, None, "—"),
        (("二、依申请公开情况", "(一)收到申请数"), 9, "件", "9"),
        (("三、政府信息公开收费及减免情况",), None, None, "—"),
        (("三、政府信息公开收费及减免情况", "(一)依申请公开信息收取的费用"), Decimal("0.0150"), "万元", "0.0150"),
        (("四、因政府信息公开申请提起行政复议数",), None, "件", "/"),  # "/" is no figure, not 0
    ]


def test_several_figure_columns_and_units_in_labels():
    grid = [
        ["指标名称", "单位", "2013年", "2012年"],
        ["(一)收到申请数", "件", "9", "7"],
        ["(二)收取费用(元)", "", "120", "—"],
        ["二、其他", "二、其他", "二、其他", "二、其他"],  # a heading spanning the table
        ["1.会议次数", "次", "3", "2"],
        ["说明：2012年未统计", "说明：2012年未统计", "说明：2012年未统计", "说明：2012年未统计"],
    ]
    assert [
        (tuple(item["label_path"]), item["value"], item["unit"], item["raw"])
        for item in read_legacy_statistics([grid])
    ] == [
        (("(一)收到申请数", "2013年"), 9, "件", "9"),
        (("(一)收到申请数", "2012年"), 7, "件", "7"),
        (("(二)收取费用(元)", "2013年"), 120, "元", "120"),
        (("(二)收取费用(元)", "2012年"), None, "元", "—"),
        (("二、其他", "1.会议次数", "2013年"), 3, "次", "3"),
        (("二、其他", "1.会议次数", "2012年"), 2, "次", "2"),
    ]  # the spanning note is no indicator


def test_tables_without_a_statistics_header_are_not_statistics():
    assert read_legacy_statistics([[["姓名", "职务"], ["张三", "主任"]], [["1520", "12"]]]) == []


def test_reports_on_the_2021_template_have_no_legacy_statistics():
    seed = FIXTURES / "seeds" / "001_752a671dabfd990e.txt"
    report = parse_text(seed.read_text("utf-8"))
    assert report.template == "2021" and report.cells
    assert report.legacy_statistics == [] and report.to_json()["legacy_statistics"] == []


def test_parse_table_view_prints_the_legacy_table_as_printed():
    from cli.commands.parse import render_tables

    report = parse_html((FIXTURES / "html" / "legacy_2012.html").read_bytes())
    shown = render_tables(report, "legacy_2012.html").splitlines()
    assert "  (一)主动公开政府信息数  1520 条" in shown
    assert "    1.当面申请数  3 件" in shown
    assert "二、依申请公开情况  —" in shown


def test_pdf_text_lines_with_a_lost_cell_gap():
    # a PDF text layer: two-space gaps are cells, one space kept 件 with its label
    text = "统计指标  单位  统计数\n(一)收到申请数  件  12\n(二)申请办结数 件 11\n(三)收取费用 0.5\n"
    assert [
        (tuple(item["label_path"]), item["value"], item["unit"], item["raw"])
        for item in read_legacy_statistics(grids_from_text(text))
    ] == [
        (("(一)收到申请数",), 12, "件", "12"),
        (("(二)申请办结数",), 11, "件", "11"),
        (("(三)收取费用",), Decimal("0.5"), None, "0.5"),  # no unit printed: none invented
    ]

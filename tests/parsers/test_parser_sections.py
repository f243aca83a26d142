"""Section headings numbered "(一)…" or "第一部分…" instead of "一、…", and their sub-headings."""

from __future__ import annotations

from parsers import parse_text
from parsers.sections import split_sections
from tests.support.report_template import SECTION_HEADINGS, heading_starts

PROSE = "我单位认真贯彻落实《中华人民共和国政府信息公开条例》，各项工作有序推进，取得了较好成效。"


PAREN_REPORT = f"""某某区水利局2022年政府信息公开工作年度报告
（一）总体情况
{PROSE}
1.主动公开情况
{PROSE}
2.依申请公开情况
{PROSE}
（二）主动公开政府信息情况
{PROSE}
(三)收到和处理政府信息公开申请情况
{PROSE}
（四）政府信息公开行政复议、行政诉讼情况
{PROSE}
（五）存在的主要问题及改进情况
{PROSE}
（六）其他需要报告的事项
{PROSE}
"""


def test_parenthesized_section_headings_full_and_half_width():
    report = parse_text(PAREN_REPORT)
    assert report.is_report and report.year == 2022
    assert heading_starts(report.sections) == {
        "1": "(一)总体情况",  # NFKC folds the full-width brackets
        "2": "(二)主动公开政府信息情况",
        "3": "(三)收到和处理政府信息公开申请情况",
        "4": "(四)政府信息公开行政复议、行政诉讼情况",
        "5": "(五)存在的主要问题及改进情况",
        "6": "(六)其他需要报告的事项",
    }
    assert "2.依申请公开情况" in report.sections["1"]  # its sub-headings stay inside it


PART_REPORT = f"""某某县统计局2020年政府信息公开工作年度报告
第一部分 总体情况
一、主动公开情况
{PROSE}
二、依申请公开情况
{PROSE}
三、政府信息管理
{PROSE}
第二部分：主动公开政府信息情况
{PROSE}
第三部分 收到和处理政府信息公开申请情况
{PROSE}
第四部分 政府信息公开行政复议、行政诉讼情况
{PROSE}
第五部分 存在的主要问题及改进情况
{PROSE}
第六部分 其他需要报告的事项
{PROSE}
"""


def test_part_headings_win_over_their_numbered_subheadings():
    sections = parse_text(PART_REPORT).sections
    assert heading_starts(sections) == {
        "1": "第一部分 总体情况",
        "2": "第二部分:主动公开政府信息情况",
        "3": "第三部分 收到和处理政府信息公开申请情况",
        "4": "第四部分 政府信息公开行政复议、行政诉讼情况",
        "5": "第五部分 存在的主要问题及改进情况",
        "6": "第六部分 其他需要报告的事项",
    }
    # 一、主动公开情况 and 二、依申请公开情况 carry section words but are sub-headings of 第一部分
    assert "二、依申请公开情况" in sections["1"]


NUMBERED_REPORT = f"""某某镇人民政府2021年政府信息公开工作年度报告
一、总体情况
（一）主动公开
{PROSE}
（二）依申请公开
{PROSE}
二、主动公开政府信息情况
{PROSE}
三、收到和处理政府信息公开申请情况
{PROSE}
四、政府信息公开行政复议、行政诉讼情况
{PROSE}
五、存在的主要问题及改进情况
（一）存在的问题
{PROSE}
六、其他需要报告的事项
{PROSE}
"""


def test_parenthesized_subheadings_never_split_a_numbered_report():
    sections = split_sections(parse_text(NUMBERED_REPORT).text)
    assert heading_starts(sections) == SECTION_HEADINGS
    assert "(二)依申请公开" in sections["1"] and "(一)存在的问题" in sections["5"]


def test_inline_parenthesized_enumerations_are_not_headings():
    text = f"{PROSE}(一)总体情况良好。(二)主动公开及时。\n{PROSE}"
    assert split_sections(text) == {}

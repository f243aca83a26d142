"""The five seed extractions through `parse_text`: metadata, classification, sections.

Expected values were read off the seed texts by hand. The seeds show the traps: an
agency on the line above the year (001), a title spread with spaces ("年 度报告", 003),
a title split after the year (004), a 2019-template report for 2020 (004), and section
五 with its own "一、" sub-headings (003). Figures are checked in test_parser_tables_seeds.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers import parse_text
from tests.support.report_template import SECTION_HEADINGS
from tests.support.seeds import seed_text

ROOT = Path(__file__).resolve().parents[2]
# number: (title, agency, year, template, published)
EXPECTED = {
    "000": ("开源办事处2021年政府信息公开工作年度报告", "开源办事处", 2021, "2021", None),
    "001": (
        "深州市人民政府办公室2021年政府信息公开工作年度报告",
        "深州市人民政府办公室", 2021, "2021", "2022-01-12",  # "(2022年1月12日)" under the title
    ),
    "002": (
        "老城区洛浦街道办事处2021年政府信息公开工作年度报告",
        "老城区洛浦街道办事处", 2021, "2021", None,
    ),
    "003": (
        "卫东区人民政府办公室2024年政府信息公开工作年度报告",
        "卫东区人民政府办公室", 2024, "2021", None,
    ),
    "004": (
        "东风区佳东街道办事处2020年政府信息公开工作年度报告",
        "东风区佳东街道办事处", 2020, "2019", None,
    ),
}


# The first words after each section's heading, as the seed prints them (NFKC-normalized).
SECTION_OPENINGS = {
    "000": {"1": "(一) 主动公开政府信息的情况", "5": "存在问题:公开形式不够丰富多样", "6": "按照《政府信息公开信息处理费管理办法》规定"},
    "001": {"1": "2021年,市政府办公室认真贯彻落实", "5": "2021年,市政府办公室政务公开暨", "6": "我市未收取过信息处理费用。"},
    "002": {"1": "2021年,洛浦街道办事处继续全面贯彻", "5": "政务信息公开是连接政府与公民的纽带", "6": "无"},
    "003": {"1": "(一) 主动公开:", "5": "一、2024年存在问题", "6": "依据《国务院办公厅关于印发<政府信息公开信息处理费管理办法>的通知》"},
    "004": {"1": "2020年,东风区深入贯彻落实", "5": "[bookmark: _GoBack]2020年,我区政府信息公开工作", "6": "本年度没有其它需要说明的事项。"},
}


@pytest.fixture(scope="module", params=sorted(EXPECTED))
def seed(request):
    return request.param, parse_text(seed_text(request.param))


def test_seed_metadata(seed):
    number, report = seed
    title, agency, year, template, published = EXPECTED[number]
    assert report.is_report is True and report.reason is None
    assert report.title == title
    assert report.agency == agency
    assert report.year == year
    assert report.template == template
    assert report.published == published
    assert report.source_format == "text"


def test_seed_sections_present_and_starting_right(seed):
    number, report = seed
    assert sorted(report.sections) == ["1", "2", "3", "4", "5", "6"]
    for key, heading in SECTION_HEADINGS.items():
        lines = [line.strip() for line in report.sections[key].splitlines() if line.strip()]
        assert lines[0] == heading, (number, key)
        if key in SECTION_OPENINGS[number]:
            assert lines[1].startswith(SECTION_OPENINGS[number][key]), (number, key, lines[1])


def test_seed_sections_do_not_split_on_table_rows_or_subheadings(seed):
    number, report = seed
    # table rows "一、本年新收…" / "四、结转下年度继续办理" belong to section 三
    assert "一、本年新收政府信息公开申请数量" in report.sections["3"]
    assert "四、结转下年度继续办理" in report.sections["3"]
    if number == "003":
        assert "二、针对 2023 年存在问题整改措施" in report.sections["5"]
        assert report.sections["6"].startswith("六、其他需要报告的事项")


def test_seed_text_is_the_normalized_seed(seed):
    number, report = seed
    assert "一、总体情况" in report.text
    assert "(" in report.text and "（" not in report.text  # NFKC: full-width brackets folded

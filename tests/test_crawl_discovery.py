"""Link and title classification: reports found, look-alikes rejected, columns recognized."""

from __future__ import annotations

import pytest

from crawler.discovery import (
    LinkKind,
    classify_title,
    disclosure_score,
    is_org_section,
    is_report_column,
    year_wanted,
)


@pytest.mark.parametrize(("title", "year"), [
    ("清河县人民政府2023年政府信息公开工作年度报告", 2023),
    ("2023年度清河县教育局政府信息公开工作年度报告", 2023),
    ("清河县政府信息公开2022年度报告", 2022),
    ("城关镇２０２１年政府信息公开工作年度报告", 2021),  # full-width digits
    ("清河县人民政府 2020 年政府信息公开工作年 度报告", 2020),  # spaces as PDFs leave them
    ("清河县2019年度政府信息公开年报", 2019),
    ("关于清河县2023年度政府信息公开工作的年度报告", 2023),
])
def test_report_titles(title: str, year: int) -> None:
    assert classify_title(title) == classify_title(title)  # pure
    assert classify_title(title).kind is LinkKind.REPORT
    assert classify_title(title).year == year


@pytest.mark.parametrize(("title", "kind"), [
    ("关于做好2023年政府信息公开工作年度报告编制和报送工作的通知", LinkKind.NOTICE),
    ("关于报送2023年度政府信息公开工作年度报告的通知", LinkKind.NOTICE),
    ("2023年政府信息公开工作年度报告评估情况通报", LinkKind.NOTICE),
    ("关于开展2023年度企业年报公示工作的通知", LinkKind.ENTERPRISE),
    ("2023年度企业年度报告公示提醒", LinkKind.ENTERPRISE),
    ("清河县年鉴（2023）", LinkKind.YEARBOOK),
    ("一图读懂清河县人民政府2023年政府信息公开工作年度报告", LinkKind.GRAPHIC),
    ("图解：2023年政府信息公开工作年度报告", LinkKind.GRAPHIC),
    ("政府信息公开年报", LinkKind.OTHER),  # a column, not a report
    ("2023年国民经济和社会发展统计公报", LinkKind.OTHER),
])
def test_lookalikes_rejected(title: str, kind: LinkKind) -> None:
    assert classify_title(title).kind is kind


def test_report_columns_by_text_and_url() -> None:
    assert is_report_column("政府信息公开年报", "http://x.gov.cn/zfxxgk/a/")
    assert is_report_column("年度报告", "http://x.gov.cn/col/col123/")
    assert is_report_column("更多", "http://x.gov.cn/zfxxgk/ndbg/")
    assert not is_report_column("清河县2023年政府信息公开工作年度报告", "http://x.gov.cn/ndbg/1.html")
    assert not is_report_column("企业年报", "http://x.gov.cn/qynb/")
    assert not is_report_column("政策解读", "http://x.gov.cn/zcjd/")


def test_disclosure_section_scores() -> None:
    assert disclosure_score("政府信息公开", "http://x.gov.cn/zfxxgk/index.html") == 3
    assert disclosure_score("信息公开", "http://x.gov.cn/a/") == 2
    assert disclosure_score("政务公开", "http://x.gov.cn/zwgk/") == 2
    assert disclosure_score("政府信息公开指南", "http://x.gov.cn/zfxxgk/zn/") == 0
    assert disclosure_score("新闻中心", "http://x.gov.cn/xwzx/") == 0


@pytest.mark.parametrize(("text", "expected"), [
    ("县教育局", True), ("城关镇", True), ("东城街道", True), ("县发展和改革委员会", True),
    ("县卫生健康委", True), ("县政府办公室", True), ("县交通运输局信息公开", True),
    ("新闻中心", False), ("政府信息公开年报", False), ("互动交流", False), ("", False),
])
def test_org_sections(text: str, expected: bool) -> None:
    assert is_org_section(text) is expected


def test_year_filter() -> None:
    years = {2021, 2022}
    assert year_wanted(2021, years) and not year_wanted(2020, years)
    assert year_wanted(None, years) and year_wanted(2015, None)

"""The crawler and the parser tell reports from look-alikes with the same words."""

from __future__ import annotations

import pytest

from crawler import discovery
from crawler.discovery import LinkKind, classify_title
from parsers import vocabulary
from parsers.classify import classify

BODY = "一、总体情况\n" + "本年度政府信息公开工作稳步推进。" * 20


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("某县2023年政府信息公开工作年度报告（动漫解读）", LinkKind.GRAPHIC),
        ("一图读懂某县2023年政府信息公开工作年度报告", LinkKind.GRAPHIC),
        ("某县2023年政府信息公开工作年度报告（视频解读）", LinkKind.GRAPHIC),
        ("某县2023年度企业年报公示", LinkKind.ENTERPRISE),
        ("某县年鉴2023", LinkKind.YEARBOOK),
        ("关于做好2023年政府信息公开工作年度报告编制工作的通知", LinkKind.NOTICE),
    ],
)
def test_a_look_alike_is_rejected_by_both(title, kind):
    assert classify_title(title).kind is kind
    verdict = classify(title=title, text=BODY, sections={"1": BODY}, year=2023, table_template=None)
    assert verdict.is_report is False, verdict


def test_a_report_title_is_a_report_to_both():
    title = "某县人民政府2023年政府信息公开工作年度报告"
    assert classify_title(title).kind is LinkKind.REPORT
    sections = {str(n): BODY for n in range(1, 7)}
    assert classify(title=title, text=BODY, sections=sections, year=2023, table_template="2021").is_report


def test_discovery_uses_the_parsers_words():
    assert discovery.GRAPHIC is vocabulary.GRAPHIC
    assert discovery.NOTICE is vocabulary.NOTICE
    assert discovery.ENTERPRISE is vocabulary.ENTERPRISE

"""Figures stated in words are checked against the table, never written into it."""

from __future__ import annotations

import pytest

from parsers import parse_text
from parsers.narrative import narrative_figures

SENTENCES = [
    ("2023 年全区受理政府信息公开申请 21 件，均在法定期限答复。", {"received": 21}),
    (
        "全年共收到和办理依申请公开9件，上年度结转政府信息公开申请0件。部分公开2件，结转至下一年度办理2件。",
        {"received": 9, "carried_over": 0, "carried_forward": 2},
    ),
    (
        "市政府共受理政府信息公开申请 1295 件，办结 1191 件（含\n上年结转 189 件），均在法定期限内答复。",
        {"received": 1295, "total_processed": 1191, "carried_over": 189},
    ),
    (
        "全年共收到政府信息依申请公开89件次,已经答复88件,1件结转下年度继续办理;产生行政复议13件",
        {"received": 89, "total_processed": 88, "carried_forward": 1},
    ),
    ("2021年我局未收到申请公开事项。", {"received": 0}),
    ("全年收到行政复议申请3件，行政诉讼1件。", {}),  # appeals, not requests
]


@pytest.mark.parametrize(("sentence", "figures"), SENTENCES)
def test_figures_stated_in_words(sentence, figures):
    assert {f.row: f.value for f in narrative_figures(sentence)} == figures


REPORT = """某县人民政府2023年政府信息公开工作年度报告
一、总体情况
2023年，全县共受理政府信息公开申请 17 件，均已按期答复，1 件结转下年度继续办理。
二、主动公开政府信息情况
三、收到和处理政府信息公开申请情况
| 一、本年新收政府信息公开申请数量 | 95 | 0 | 0 | 0 | 0 | 0 | 95 |
| 二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| （一）予以公开 | 94 | 0 | 0 | 0 | 0 | 0 | 94 |
| （七）总计 | 94 | 0 | 0 | 0 | 0 | 0 | 94 |
| 四、结转下年度继续办理 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |
四、政府信息公开行政复议、行政诉讼情况
五、存在的主要问题及改进情况
六、其他需要报告的事项
"""


def test_a_disagreeing_sentence_is_a_failed_narrative_check_and_a_warning():
    report = parse_text(REPORT)
    narrative = {c.row: c for c in report.checks if c.check == "narrative"}
    assert narrative["received"].expected == 17 and narrative["received"].actual == 95
    assert narrative["received"].ok is False
    assert narrative["carried_forward"].ok is True
    assert any(w.startswith("narrative:") and "17" in w for w in report.warnings)
    assert report.tables["requests"]["received"]["total"] == 95  # the printed cell stays

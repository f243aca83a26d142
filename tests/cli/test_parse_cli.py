"""`zfxxgk parse` as users run it: the installed console script in a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parents[1] / "fixtures" / "html"
ZFXXGK = Path(sys.executable).parent / "zfxxgk"
RECORD_KEYS = [
    "is_report", "template", "year", "agency", "title", "published",
    "sections", "tables", "cells", "checks", "warnings",
]


def zfxxgk(*args: str) -> subprocess.CompletedProcess:
    if not ZFXXGK.exists():
        pytest.fail(f"console script missing: {ZFXXGK} (run `make venv`)")
    return subprocess.run(
        [str(ZFXXGK), "parse", *args], capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture
def text_report(tmp_path: Path) -> Path:
    path = tmp_path / "shenzhou.txt"
    path.write_text(
        "深州市人民政府办公室\n2021年政府信息公开工作年度报告\n(2022年1月12日)\n"
        "一、总体情况\n2021年，市政府办公室认真贯彻落实政务公开工作要求，进一步加大对全市政务公开"
        "暨政府信息公开工作的推进、指导、协调、监督力度，不断把政务公开工作推向深入。\n"
        "二、主动公开政府信息情况\n全年主动公开各类政府信息4200余条。\n"
        "三、收到和处理政府信息公开申请情况\n全年收到并及时妥善处理政府信息公开申请14件。\n"
        "四、政府信息公开行政复议、行政诉讼情况\n因政府信息公开工作被申请行政复议2件，最终胜诉。\n"
        "五、存在的主要问题及改进情况\n公开内容形式还比较单一，政务公开工作质量仍需进一步提高。\n"
        "六、其他需要报告的事项\n我市未收取过信息处理费用。\n",
        encoding="utf-8",
    )
    return path


def test_json_lines_in_input_order(text_report: Path):
    files = [
        FIXTURES / "word_mso_2021.html",
        FIXTURES / "notice_compile.html",
        text_report,
        FIXTURES / "legacy_2012.html",
    ]
    result = zfxxgk(*map(str, files))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["file"] for r in records] == [str(f) for f in files]
    for record in records:
        assert list(record)[: len(RECORD_KEYS)] == RECORD_KEYS
        assert {"reason", "source_format", "file"} <= set(record)
    word, notice, text, legacy = records
    assert [r["is_report"] for r in records] == [True, False, True, True]
    assert word["tables"]["requests"]["received"]["total"] == 8
    assert word["tables"]["active"]["fees"]["amount_10k_yuan"] == 1.25  # a JSON number
    assert word["tables"]["active"]["regulations"]["issued"] is None  # &nbsp; -> null
    assert any(c["inferred"] for c in word["cells"])
    assert notice["reason"].startswith("notice")
    assert (text["agency"], text["year"], text["published"]) == ("深州市人民政府办公室", 2021, "2022-01-12")
    assert (legacy["template"], legacy["tables"]) == ("legacy", {})
    assert "\\u" not in result.stdout  # ensure_ascii=False: Chinese stays readable


def test_table_output_is_readable_and_aligned():
    result = zfxxgk("--table", str(FIXTURES / "portal_full_2023.html"), str(FIXTURES / "word_mso_2021.html"))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.index("portal_full_2023.html") < out.index("word_mso_2021.html")
    for heading in ("[二、主动公开政府信息情况]", "[三、收到和处理政府信息公开申请情况]",
                    "[四、政府信息公开行政复议、行政诉讼情况]"):
        assert out.count(heading) == 2
    lines = out.splitlines()
    received = next(line for line in lines if line.startswith("一、本年新收政府信息公开申请数量"))
    assert received.split()[1:] == ["10", "3", "0", "0", "2", "1", "16"]
    review = next(line for line in lines if line.startswith("行政复议"))
    assert review.split()[1:] == ["2", "1", "0", "0", "3"]
    header = next(line for line in lines if "自然人" in line)
    assert header.split() == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    # the Word page's blank 逾期未缴费 row was inferred from the identities: marked "*"
    unpaid = [line for line in lines if "逾期未按收费通知" in line]
    assert unpaid[0].split()[1:] == ["0"] * 7  # portal page: printed zeros
    assert unpaid[1].split()[1:] == ["0*"] * 7
    after_review = [line for line in lines if line.strip().startswith("复议后起诉")]
    assert after_review[0].split()[1:] == ["0"] * 5
    assert after_review[1].split()[1:] == ["—"] * 5  # Word page: blank cells shown as blank
    assert not any(line.startswith("!") for line in lines)  # both pages add up


def test_table_output_shows_failed_identities_and_2019_labels():
    result = zfxxgk("--table", str(FIXTURES / "gbk_gb2312_2022.html"), str(FIXTURES / "template_2019.html"))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    failed = [line for line in lines if line.startswith("!")]
    assert failed == [
        "! 一、本年新收政府信息公开申请数量：自然人 + 法人或其他组织各列 = 3 ≠ 4 = 总计",
        "! 总计列：本年新收 + 上年结转 = 4 ≠ 3 = 办理结果总计 + 结转下年度",
    ]
    assert any(line.startswith("2 项核对未通过") for line in lines)
    assert "40 项核对全部通过 · all 40 checks pass" in lines  # template_2019.html adds up
    licensing = next(line for line in lines if line.startswith("行政许可") and "410" in line)
    assert licensing.split()[1:] == ["23", "2", "410"]
    assert "本年增/减" in result.stdout


def test_unreadable_files_are_reported_after_the_others(tmp_path: Path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog")  # truncated, no xref
    missing = tmp_path / "missing.html"
    good_first, good_last = FIXTURES / "template_2019.html", FIXTURES / "gbk_gb2312_2022.html"
    result = zfxxgk(str(good_first), str(missing), str(broken), str(good_last))
    assert result.returncode != 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["file"] for r in records] == [str(good_first), str(good_last)]
    assert records[1]["agency"] == "堃山县镕溪镇人民政府"
    errors = result.stderr.splitlines()
    assert len(errors) == 2
    assert str(missing) in errors[0] and "No such file" in errors[0]
    assert str(broken) in errors[1] and "unreadable" in errors[1]

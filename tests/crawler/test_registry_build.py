"""crawler/registry/build_registry.py: joining portal names to division codes, run as the
script the docs tell maintainers to run, on small inputs in the sources' own formats."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from crawler.registry import load_registry

SCRIPT = Path(__file__).resolve().parents[2] / "crawler" / "registry" / "build_registry.py"

CODES = """\
110000 北京市
110101 东城区
130000 河北省
130100 石家庄市
130104 桥西区
130105 新华区
130700 张家口市
130703 桥西区
130900 沧州市
130902 新华区
130921 沧县
131000 廊坊市
131002 安次区
131003 广阳区
230000 黑龙江省
232700 大兴安岭地区
232721 呼玛县
420000 湖北省
420200 黄石市
420281 大冶市
429004 仙桃市
650000 新疆维吾尔自治区
659001 石河子市
"""

PORTALS = [
    ("北京市", "https://www.beijing.gov.cn/"),
    ("北京市/东城区", "https://www.bjdch.gov.cn/"),
    ("河北省", "https://www.hebei.gov.cn/"),
    ("河北省/石家庄市", "http://www.sjz.gov.cn/"),
    ("河北省/石家庄市/桥西区", "http://www.sjzqx.gov.cn/"),
    ("河北省/石家庄市/新华区", "http://www.xhqsjz.gov.cn/"),
    ("河北省/张家口市", "https://www.zjk.gov.cn/"),
    ("河北省/张家口市/桥西区", "http://www.zjkqxq.gov.cn/"),
    ("河北省/沧州市", "http://www.cangzhou.gov.cn/"),
    ("河北省/沧州市/新华区", "http://www.czxh.gov.cn/"),
    ("河北省/沧州市/沧县", "http://www.example.com/"),
    ("河北省/廊坊市", "https://www.lf.gov.cn/"),
    ("河北省/廊坊市/安次区", "https://www.same.gov.cn/"),
    ("河北省/廊坊市/广阳区", "http://www.same.gov.cn/"),
    ("黑龙江省", "https://www.hlj.gov.cn/"),
    ("黑龙江省/大兴安岭地区", "https://www.dxal.gov.cn/"),
    ("黑龙江省/大兴安岭地区/加格达奇区", "http://www.jgdq.gov.cn/"),
    ("黑龙江省/大兴安岭地区/呼玛县", "http://www.huma.gov.cn/"),
    ("湖北省", "https://www.hubei.gov.cn/"),
    ("湖北省/黄石市", "https://www.huangshi.gov.cn/"),
    ("湖北省/黄石市/大冶市", "http://www.huangshi.gov.cn/"),
    ("湖北省/仙桃市", "https://www.xiantao.gov.cn/"),
    ("新疆维吾尔自治区", "https://www.xinjiang.gov.cn/"),
    ("新疆维吾尔自治区/新疆生产建设兵团", "http://www.xjbt.gov.cn/"),
    ("新疆维吾尔自治区/新疆生产建设兵团/石河子市", "http://www.shz.gov.cn/"),
]


def run_build(tmp_path: Path) -> tuple[Path, str]:
    codes = tmp_path / "codes.txt"
    codes.write_text(CODES, encoding="utf-8")
    portals = tmp_path / "gov-flat.json"
    portals.write_text(
        json.dumps([{"key": k, "url": u, "level": "?"} for k, u in PORTALS], ensure_ascii=False),
        encoding="utf-8",
    )
    out = tmp_path / "county_portals.csv"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--codes", str(codes), "--portals", str(portals),
         "--out", str(out)],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    return out, done.stderr


def test_names_are_joined_within_their_province_and_prefecture(tmp_path):
    out, _ = run_build(tmp_path)
    portals = {p.region_code: p for p in load_registry(out)}
    assert portals["130104"].url == "http://www.sjzqx.gov.cn/"  # 石家庄 桥西区
    assert portals["130703"].url == "http://www.zjkqxq.gov.cn/"  # 张家口 桥西区
    assert portals["130105"].url == "http://www.xhqsjz.gov.cn/"  # 石家庄 新华区
    assert portals["130902"].url == "http://www.czxh.gov.cn/"  # 沧州 新华区
    assert (portals["130902"].province, portals["130902"].city) == ("河北省", "沧州市")
    # Municipality districts, 省直辖 units and 兵团 cities have no prefecture in the codes.
    assert portals["110101"].city is None and portals["110101"].province == "北京市"
    assert portals["429004"].url == "https://www.xiantao.gov.cn/"
    assert portals["659001"].url == "http://www.shz.gov.cn/"
    assert portals["232721"].city == "大兴安岭地区"
    assert list(portals) == sorted(portals)
    assert {p.level for p in portals.values()} == {"county"}


def test_doubtful_rows_are_left_out_with_a_reason(tmp_path):
    out, report = run_build(tmp_path)
    codes = {p.region_code for p in load_registry(out)}
    assert codes == {"110101", "130104", "130105", "130703", "130902", "232721", "429004",
                     "659001"}  # fmt: skip
    assert "加格达奇区: no county-level code named '加格达奇区'" in report
    assert "沧县: homepage http://www.example.com/ is not a gov.cn host" in report
    assert (
        "大冶市: homepage http://www.huangshi.gov.cn/ is a province or prefecture portal" in report
    )
    assert "安次区: homepage host same.gov.cn is shared with another county" in report
    assert "广阳区: homepage host same.gov.cn is shared with another county" in report
    # Provinces and prefectures are not counties, and not problems either.
    assert "石家庄市:" not in report and "新疆生产建设兵团:" not in report
    assert "8 portals written" in report and "5 left out" in report

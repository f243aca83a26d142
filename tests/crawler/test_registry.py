"""The portal registry: the loader's validation, the bundled county registry, selection and
the spider-argument parsers."""

from __future__ import annotations

import codecs
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawler.registry import (
    BUNDLED_REGISTRY,
    Portal,
    RegistryError,
    load_registry,
    parse_only,
    parse_years,
    select_portals,
)

HEADER = "id,name,region_code,level,url,province,city,disclosure_url,report_column_url\n"
GOOD_ROW = "qinghe,清河县,130534,county,https://www.qinghexian.gov.cn/,河北省,邢台市,,\n"

# The 31 mainland province-level divisions, by the first two digits of their codes.
PROVINCE_PREFIXES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65",
}  # fmt: skip


def write(tmp_path: Path, text: str, name: str = "portals.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# --- the loader -------------------------------------------------------------------------


def test_a_good_file_loads_with_optional_columns_blank_as_none(tmp_path):
    portals = load_registry(write(tmp_path, HEADER + GOOD_ROW))
    assert portals == [
        Portal(
            id="qinghe",
            name="清河县",
            region_code="130534",
            level="county",
            url="https://www.qinghexian.gov.cn/",
            province="河北省",
            city="邢台市",
            disclosure_url=None,
            report_column_url=None,
        )
    ]


def test_only_required_columns_is_enough(tmp_path):
    text = "id,name,region_code,level,url\ndemo-1,演示县,110101,county,http://127.0.0.11:8001/\n"
    (portal,) = load_registry(write(tmp_path, text))
    assert portal.url == "http://127.0.0.11:8001/"
    assert portal.province is None and portal.disclosure_url is None


def test_utf8_with_bom_loads(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(codecs.BOM_UTF8 + (HEADER + GOOD_ROW).encode("utf-8"))
    assert load_registry(path)[0].id == "qinghe"


def test_blank_lines_are_skipped(tmp_path):
    portals = load_registry(write(tmp_path, HEADER + "\n" + GOOD_ROW + ",,,,,,,,\n"))
    assert [p.id for p in portals] == ["qinghe"]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (",清河县,130534,county,https://a.gov.cn/,,,,", "id is empty"),
        ("qinghe,,130534,county,https://a.gov.cn/,,,,", "name is empty"),
        ("qinghe,清河县,13053,county,https://a.gov.cn/,,,,", "region_code '13053' is not 6 digits"),
        ("qinghe,清河县,13053X,county,https://a.gov.cn/,,,,", "is not 6 digits"),
        ("qinghe,清河县,130534,town,https://a.gov.cn/,,,,", "level 'town' is not one of"),
        ("qinghe,清河县,130534,county,ftp://a.gov.cn/,,,,", "url 'ftp://a.gov.cn/'"),
        ("qinghe,清河县,130534,county,www.a.gov.cn,,,,", "is not an http(s) URL"),
        ("qinghe,清河县,130534,county,https://,,,,", "is not an http(s) URL"),
        ("qinghe,清河县,130534,county,https://a.gov.cn/,,,javascript:x(),", "disclosure_url"),
        ("qinghe,清河县,130534,county,https://a.gov.cn/,,,,http://[::1", "report_column_url"),
        ("qing he,清河县,130534,county,https://a.gov.cn/,,,,", "id 'qing he' may hold only"),
        ("a,b,130534,county,https://a.gov.cn/,,,,,surplus", "more cells than header columns"),
    ],
)
def test_a_bad_row_names_file_and_line(tmp_path, row, message):
    path = write(tmp_path, HEADER + GOOD_ROW + row + "\n")
    with pytest.raises(RegistryError) as caught:
        load_registry(path)
    assert f"{path}:3:" in str(caught.value)
    assert message in str(caught.value)


def test_duplicate_id_names_both_lines(tmp_path):
    other = GOOD_ROW.replace("130534", "130535")
    path = write(tmp_path, HEADER + GOOD_ROW + GOOD_ROW.replace("qinghe", "x") + other)
    with pytest.raises(RegistryError, match=r":4: duplicate id 'qinghe' \(first used on line 2\)"):
        load_registry(path)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("id,name,level,url\n", "missing column(s): region_code"),
        ("id,name,region_code,level,url,regioncode\n", "unknown column(s): regioncode"),
        ("id,name,region_code,level,url,url\n", "a column appears twice"),
        (" id,name,region_code,level,url\n", "surrounding spaces"),
        ("", "empty file"),
    ],
)
def test_a_bad_header_is_reported_on_line_1(tmp_path, header, message):
    path = write(tmp_path, header)
    with pytest.raises(RegistryError) as caught:
        load_registry(path)
    assert f"{path}:1:" in str(caught.value) and message in str(caught.value)


def test_a_non_utf8_file_names_the_line_of_the_bad_byte(tmp_path):
    path = write(tmp_path, HEADER + GOOD_ROW + "x,清河县,130534,county,https://a.gov.cn/,,,,\n",
                 encoding="gbk")  # fmt: skip
    with pytest.raises(RegistryError, match=r":2: not UTF-8"):
        load_registry(path)


def test_a_missing_file_is_a_registry_error(tmp_path):
    with pytest.raises(RegistryError, match="cannot read registry"):
        load_registry(tmp_path / "nope.csv")


def test_as_row_is_the_flat_shape_the_archive_takes(tmp_path):
    (portal,) = load_registry(write(tmp_path, HEADER + GOOD_ROW))
    assert portal.as_row() == {
        "id": "qinghe", "name": "清河县", "region_code": "130534", "level": "county",
        "url": "https://www.qinghexian.gov.cn/", "province": "河北省", "city": "邢台市",
        "disclosure_url": None, "report_column_url": None, "cms": None,
    }  # fmt: skip


# --- the bundled county registry ----------------------------------------------------------


@pytest.fixture(scope="module")
def bundled() -> list[Portal]:
    return load_registry()


def test_bundled_registry_is_the_default_and_has_the_expected_size(bundled):
    assert BUNDLED_REGISTRY.name == "county_portals.csv"
    # 2,833 rows were built from 2,845 county-level codes (README.md, "How names are joined to codes", lists the rest).
    assert 2800 <= len(bundled) <= 2845


def test_bundled_ids_and_codes_are_unique_county_level_codes(bundled):
    ids = [p.id for p in bundled]
    assert len(set(ids)) == len(ids)
    codes = [p.region_code for p in bundled]
    assert len(set(codes)) == len(codes)
    assert codes == sorted(codes)
    for portal in bundled:
        assert portal.level == "county"
        assert portal.id == portal.region_code
        # County-level codes never end in 00 (that is a prefecture or a province).
        assert not portal.region_code.endswith("00"), portal


def test_every_province_is_represented_and_codes_match_their_province(bundled):
    names_by_prefix: dict[str, set[str]] = {}
    for portal in bundled:
        names_by_prefix.setdefault(portal.region_code[:2], set()).add(portal.province)
    assert set(names_by_prefix) == PROVINCE_PREFIXES
    assert all(len(names) == 1 for names in names_by_prefix.values()), names_by_prefix
    assert names_by_prefix["13"] == {"河北省"} and names_by_prefix["65"] == {"新疆维吾尔自治区"}


def test_every_homepage_is_an_http_gov_cn_host_used_once(bundled):
    hosts = [urlsplit(p.url).hostname for p in bundled]
    assert all(h and h.endswith(".gov.cn") for h in hosts)
    assert len(set(hosts)) == len(hosts)


def test_repeated_county_names_are_joined_within_their_prefecture(bundled):
    by_code = {p.region_code: p for p in bundled}
    # Checked by hand against the code list and the portal list: 桥西区 and 新华区 exist in
    # several prefectures and each got its own prefecture's homepage.
    assert (by_code["130104"].name, by_code["130104"].city) == ("桥西区", "石家庄市")
    assert by_code["130104"].url == "http://www.sjzqx.gov.cn/"
    assert (by_code["130703"].name, by_code["130703"].city) == ("桥西区", "张家口市")
    assert by_code["130703"].url == "http://www.zjkqxq.gov.cn/"
    assert by_code["130902"].url == "http://www.czxh.gov.cn/"  # 沧州市新华区
    assert by_code["230805"].url == "https://www.jmsdf.gov.cn/"  # 佳木斯市东风区
    # Units with no prefecture above them have no city.
    assert by_code["429004"].name == "仙桃市" and by_code["429004"].city is None
    assert by_code["110101"].province == "北京市" and by_code["110101"].city is None


# --- selection and spider arguments -------------------------------------------------------


def test_select_portals_keeps_registry_order(bundled):
    chosen = select_portals(bundled, {"659001", "110101", "130534"})
    assert [p.id for p in chosen] == ["110101", "130534", "659001"]
    assert select_portals(bundled, None) == bundled


def test_select_portals_rejects_unknown_ids(bundled):
    with pytest.raises(RegistryError, match="unknown portal id.*999999"):
        select_portals(bundled, {"110101", "999999"})


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (None, None),
        ("", None),
        ("2023", {2023}),
        ("2021-2024", {2021, 2022, 2023, 2024}),
        ("2019,2021", {2019, 2021}),
        (" 2014 , 2019-2020 ,", {2014, 2019, 2020}),
        ("2021 - 2022", {2021, 2022}),
    ],
)
def test_parse_years(spec, expected):
    assert parse_years(spec) == expected


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("2024-2021", "runs backwards"),
        ("21-24", "not a year"),
        ("last", "not a year"),
        ("2021-2024-2025", "not a year"),
        ("1999", "outside"),
        (",", "no year"),
    ],
)
def test_parse_years_rejects_nonsense(spec, message):
    with pytest.raises(ValueError, match=message):
        parse_years(spec)


def test_parse_only():
    assert parse_only(None) is None
    assert parse_only(" ") is None
    assert parse_only("110101, 130534,,") == {"110101", "130534"}

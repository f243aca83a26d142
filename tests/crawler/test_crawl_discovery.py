"""Link and title classification: reports found, look-alikes rejected, columns recognized."""

from __future__ import annotations

import pytest
from parsel import Selector

from crawler.adapters.base import anchor_text
from crawler.discovery import (
    LinkKind,
    classify_title,
    column_year,
    disclosure_score,
    in_scope,
    is_org_section,
    is_report_column,
    is_subsection,
    portal_domain,
    portal_scope,
    scripted_redirects,
    widened,
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
    ("清源县2023年统计年报", LinkKind.OTHER_REPORT),
    ("清源县2023年度财政决算报告", LinkKind.OTHER_REPORT),
    ("清源县财政局2023年度部门整体支出绩效报告", LinkKind.OTHER_REPORT),
    ("清源县教育局2023年度绩效报告", LinkKind.OTHER_REPORT),
    ("清源县2023年度审计工作报告", LinkKind.OTHER_REPORT),
    ("清源县水务集团有限公司2023年度报告", LinkKind.ENTERPRISE),
    ("清源县供水有限公司2023年度环境信息公开报告", LinkKind.ENTERPRISE),
    ("关于做好2023年政府信息公开工作年度...", LinkKind.NOTICE),  # cut short, still a notice
])
def test_lookalikes_rejected(title: str, kind: LinkKind) -> None:
    assert classify_title(title).kind is kind


def test_year_only_in_the_column_name() -> None:
    """Listed under "2023年": the title names the body, the column the year."""
    title = "城关镇人民政府政府信息公开工作年度报告"
    assert classify_title(title).kind is LinkKind.OTHER  # anywhere else: a column name
    assert classify_title(title, column_year=2023).kind is LinkKind.REPORT
    assert classify_title(title, column_year=2023).year == 2023
    assert classify_title("清河县2022年政府信息公开工作年度报告", column_year=2023).year == 2022  # title wins
    assert classify_title("政府信息公开工作年度报告", column_year=2023).kind is LinkKind.OTHER
    assert classify_title("2023年政府信息公开年报", column_year=2023).year == 2023
    assert [column_year(t) for t in ("2023年", "２０２２年度", "2021", "2023年报", "第2023期")] == \
        [2023, 2022, 2021, None, None]


@pytest.mark.parametrize(("title", "kind"), [
    ("清河县教育局2023年政府信息公开工作年度...", LinkKind.REPORT),
    ("清河县教育局2023年政府信息公开工作…", LinkKind.REPORT),
    ("清河县教育局2023年政府信息公开...", LinkKind.REPORT),
    ("清河县教育局2023年政府信息公开工作要点...", LinkKind.OTHER),  # not a report's ending
    ("清河县教育局2023年政府信息公开工作年度", LinkKind.OTHER),  # no ellipsis: not cut, not a report
])
def test_titles_cut_short(title: str, kind: LinkKind) -> None:
    assert classify_title(title).kind is kind


def test_link_text_from_title_alt_and_area() -> None:
    page = Selector(text=(
        '<a id="cut" href="a.html" title="清河县2023年政府信息公开工作年度报告">清河县2023年政府信...</a>'
        '<a id="img" href="/col/col5/"><img src="x.png" alt="政府信息公开"></a>'
        '<map><area id="area" href="/col/col6/" alt="信息公开" shape="rect" coords="0,0,1,1"></map>'
        '<a id="plain" href="b.html">新闻中心</a>'))
    texts = {link.attrib["id"]: anchor_text(link) for link in page.css("a[href], area[href]")}
    assert texts == {"cut": "清河县2023年政府信息公开工作年度报告", "img": "政府信息公开",
                     "area": "信息公开", "plain": "新闻中心"}


def test_portal_domains_cover_own_subdomains_only() -> None:
    assert portal_domain("http://www.qinghe.gov.cn/") == "qinghe.gov.cn"
    assert portal_domain("https://qinghe.gov.cn/index.html") == "qinghe.gov.cn"
    # counties hosted under their city's or province's domain keep to their own host
    assert portal_domain("http://wzs.hainan.gov.cn/") == "wzs.hainan.gov.cn"
    assert portal_domain("http://www.wzs.hainan.gov.cn/") == "wzs.hainan.gov.cn"
    assert portal_domain("http://127.0.0.11:8080/") == "127.0.0.11"
    scope = portal_scope("http://www.qinghe.gov.cn/")
    assert in_scope("http://xxgk.qinghe.gov.cn/col/col1/index.html", scope)
    assert in_scope("http://www.qinghe.gov.cn:8080/zfxxgk/", scope)
    assert not in_scope("http://www.gov.cn/zhengce/xxgk/", scope)  # the national platform
    assert not in_scope("http://www.hebei.gov.cn/xxgk/", scope)  # the province
    assert not in_scope("http://www.xqinghe.gov.cn/", scope)  # a look-alike name
    assert not in_scope("http://qionghai.hainan.gov.cn/", portal_scope("http://wzs.hainan.gov.cn/"))


def test_entry_on_a_shared_platform_scopes_its_folder() -> None:
    scope = portal_scope("http://wzs.hainan.gov.cn/", ["http://xxgk.hainan.gov.cn/wzs/index.html", None])
    assert in_scope("http://xxgk.hainan.gov.cn/wzs/ndbg/index.html", scope)
    assert not in_scope("http://xxgk.hainan.gov.cn/qh/index.html", scope)  # the neighbour's folder
    assert in_scope("http://xxgk.hainan.gov.cn/xxgk/0200/t1.html", scope, leaf=True)  # a listed report
    assert not in_scope("http://www.hainan.gov.cn/x.html", scope, leaf=True)
    # a redirect to a new site root brings its domain; to a folder, only the folder
    moved = widened(portal_scope("http://www.old.gov.cn/"), "https://www.new.gov.cn/index.html")
    assert in_scope("http://xxgk.new.gov.cn/col/col1/", moved)
    stub = widened(portal_scope("http://wzs.hainan.gov.cn/"), "http://www.hainan.gov.cn/wzs/index.html")
    assert in_scope("http://www.hainan.gov.cn/wzs/x.html", stub)
    assert not in_scope("http://www.hainan.gov.cn/qh/x.html", stub)
    # an entry on the portal's own domain adds nothing
    assert portal_scope("http://www.qinghe.gov.cn/", ["http://xxgk.qinghe.gov.cn/a/b.html"]) == \
        portal_scope("http://www.qinghe.gov.cn/")


def test_disclosure_branches() -> None:
    assert is_subsection("法定主动公开内容", "http://x.gov.cn/col/col1100/index.html")
    assert is_subsection("主动公开", "http://x.gov.cn/a/")
    assert is_subsection("政府信息公开目录", "http://x.gov.cn/a/")
    assert is_subsection("主动公开目录", "http://x.gov.cn/zfxxgk/fdzdgknr/")
    assert not is_subsection("政府信息公开指南", "http://x.gov.cn/zfxxgk/fdzdgknr/zn/")
    assert not is_subsection("政策文件", "http://x.gov.cn/zfxxgk/fdzdgknr/zcwj/")


def test_report_columns_by_text_and_url() -> None:
    assert is_report_column("政府信息公开年报", "http://x.gov.cn/zfxxgk/a/")
    assert is_report_column("年度报告", "http://x.gov.cn/col/col123/")
    assert is_report_column("更多", "http://x.gov.cn/zfxxgk/ndbg/")
    assert not is_report_column("清河县2023年政府信息公开工作年度报告", "http://x.gov.cn/ndbg/1.html")
    assert not is_report_column("企业年报", "http://x.gov.cn/qynb/")
    assert not is_report_column("政策解读", "http://x.gov.cn/zcjd/")
    assert not is_report_column("统计年报", "http://x.gov.cn/col/col1104/")
    assert not is_report_column("决算报告", "http://x.gov.cn/ndbg/js/")
    assert is_report_column("政府信息公开工作报告", "http://x.gov.cn/col/col9/")


def test_disclosure_section_scores() -> None:
    assert disclosure_score("政府信息公开", "http://x.gov.cn/zfxxgk/index.html") == 3
    assert disclosure_score("信息公开", "http://x.gov.cn/a/") == 2
    assert disclosure_score("政务公开", "http://x.gov.cn/zwgk/") == 2
    assert disclosure_score("政府信息公开指南", "http://x.gov.cn/zfxxgk/zn/") == 0
    assert disclosure_score("新闻中心", "http://x.gov.cn/xwzx/") == 0
    assert disclosure_score("政府信息公开", "http://xxgk.x.gov.cn/") == 3  # its own host
    assert disclosure_score("政务公开专栏", "http://x.gov.cn/col/col3/") == 1


@pytest.mark.parametrize(("text", "expected"), [
    ("县教育局", True), ("城关镇", True), ("东城街道", True), ("县发展和改革委员会", True),
    ("县卫生健康委", True), ("县政府办公室", True), ("县交通运输局信息公开", True),
    ("部门信息公开", True), ("乡镇（街道）信息公开", True), ("镇街信息公开", True), ("部门政务公开", True),
    ("新闻中心", False), ("政府信息公开年报", False), ("互动交流", False), ("", False),
])
def test_org_sections(text: str, expected: bool) -> None:
    assert is_org_section(text) is expected


def test_year_filter() -> None:
    years = {2021, 2022}
    assert year_wanted(2021, years) and not year_wanted(2020, years)
    assert year_wanted(None, years) and year_wanted(2015, None)


def test_scripted_redirects() -> None:
    assert scripted_redirects('<script>window.location.href = "/index.shtml";</script>') == ["/index.shtml"]
    assert scripted_redirects("<script>location.replace('/col/col1/index.html')</script>") == ["/col/col1/index.html"]
    assert scripted_redirects("<script>top.location='http://www.x.gov.cn/'</script>") == ["http://www.x.gov.cn/"]
    assert scripted_redirects("<script>var a = location.pathname;</script>") == []

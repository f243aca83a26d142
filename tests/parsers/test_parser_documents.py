"""HTML fixtures in the shapes portals publish, parsed end to end by `parse_html`.

Every expected figure below was read off the fixture by hand (tests/fixtures/html/),
never copied from the parser's output. Rows not listed in a `nonzero` mapping print 0
in every column of the fixture.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers import UnreadableDocument, parse_document, parse_html
from parsers.decode import decode_bytes
from tests.support.report_template import SECTION_HEADINGS, heading_starts

FIXTURES = Path(__file__).parents[1] / "fixtures" / "html"

REQUEST_COLS = (
    "natural_person", "commercial", "research", "nonprofit", "legal_services", "other_org", "total",
)
_OUTCOME_ROWS = (
    "granted", "partially_granted",
    "denied.state_secret", "denied.prohibited_by_law", "denied.security_stability",
    "denied.third_party_rights", "denied.internal_affairs", "denied.process_information",
    "denied.enforcement_files", "denied.administrative_query",
    "unavailable.not_held", "unavailable.needs_creation", "unavailable.unclear_after_correction",
    "not_processed.petition_complaint", "not_processed.duplicate", "not_processed.publication",
    "not_processed.excessive", "not_processed.confirmation",
)
REQUEST_ROWS_2021 = (
    "received", "carried_over", *_OUTCOME_ROWS,
    "other.no_correction", "other.unpaid_fee", "other.other", "total_processed", "carried_forward",
)
REQUEST_ROWS_2019 = ("received", "carried_over", *_OUTCOME_ROWS, "other", "total_processed", "carried_forward")
APPEAL_COLS = ("upheld", "corrected", "other", "pending", "total")


def requests_table(rows: tuple[str, ...], nonzero: dict[str, tuple]) -> dict:
    """The requests table as printed: rows in `nonzero` as given, every other row 0."""
    return {
        row: dict(zip(REQUEST_COLS, nonzero.get(row, (0,) * 7), strict=True)) for row in rows
    }


def appeals_table(review: tuple, direct: tuple, after_review: tuple) -> dict:
    return {
        "review": dict(zip(APPEAL_COLS, review, strict=True)),
        "litigation_direct": dict(zip(APPEAL_COLS, direct, strict=True)),
        "litigation_after_review": dict(zip(APPEAL_COLS, after_review, strict=True)),
    }


def parse_fixture(name: str, **kwargs):
    return parse_html((FIXTURES / name).read_bytes(), **kwargs)


# --- Word-exported MsoNormal soup: rowspan/colspan, &nbsp; blanks, fee in 元 ---------------

@pytest.fixture(scope="module")
def word():
    return parse_fixture("word_mso_2021.html")


def test_word_export_metadata_and_sections(word):
    assert word.is_report is True
    assert word.reason is None
    assert word.template == "2021"
    assert word.year == 2021
    assert word.agency == "青石县人民政府办公室"
    assert word.title == "青石县人民政府办公室2021年政府信息公开工作年度报告"
    assert word.published == "2022-01-20"  # <meta name="PubDate">
    assert word.source_format == "html"
    assert heading_starts(word.sections) == SECTION_HEADINGS
    assert "326条" in word.sections["1"]
    assert "丰富解读形式" in word.sections["5"]
    assert word.sections["6"].endswith("本年度未收取信息处理费。")


def test_word_export_active_table_nbsp_blanks_are_null_and_fee_in_yuan_is_converted(word):
    assert word.tables["active"] == {
        "regulations": {"issued": None, "repealed": None, "in_force": None},
        "normative_documents": {"issued": 3, "repealed": 1, "in_force": 12},
        "licensing": {"decisions": 156},
        "penalty": {"decisions": 48},
        "coercion": {"decisions": 5},
        "fees": {"amount_10k_yuan": Decimal("1.25")},  # 12500 元, split over two spans
    }
    fee = next(c for c in word.cells if c.row == "fees")
    assert fee.raw is not None and "12500" in fee.raw
    assert isinstance(fee.value, Decimal)


def test_word_export_requests_every_figure(word):
    expected = requests_table(
        REQUEST_ROWS_2021,
        {
            "received": (5, 2, 0, 0, 1, 0, 8),
            "carried_over": (1, 0, 0, 0, 0, 0, 1),
            "granted": (2, 1, 0, 0, 0, 0, 3),
            "partially_granted": (1, 0, 0, 0, 0, 0, 1),
            "denied.third_party_rights": (1, 0, 0, 0, 0, 0, 1),
            "unavailable.not_held": (1, 1, 0, 0, 1, 0, 3),
            "total_processed": (5, 2, 0, 0, 1, 0, 8),
            "carried_forward": (1, 0, 0, 0, 0, 0, 1),
        },
    )
    assert word.tables["requests"] == expected


def test_word_export_blank_row_is_recovered_only_as_inferred(word):
    # The 2.逾期未缴费 row is all &nbsp;: each column identity has that one blank, so the
    # identity fixes it at 0 -- and says so.
    unpaid = [c for c in word.cells if c.table == "requests" and c.row == "other.unpaid_fee"]
    assert sorted(c.col for c in unpaid) == sorted(REQUEST_COLS)
    assert all(c.inferred and c.value == 0 for c in unpaid)
    printed = [c for c in word.cells if c.table == "requests" and c.row == "received"]
    assert printed and not any(c.inferred for c in printed)


def test_word_export_appeals_blank_row_stays_null(word):
    assert word.tables["appeals"] == appeals_table(
        review=(1, 0, 0, 1, 2),
        direct=(0, 0, 0, 0, 0),
        after_review=(None, None, None, None, None),
    )


def test_word_export_checks_all_hold(word):
    assert {c.check for c in word.checks} >= {
        "requests.row_total", "requests.balance", "requests.outcome_total", "appeals.row_total",
    }
    assert [c for c in word.checks if not c.ok] == []


def test_fragment_of_the_page_reads_the_same_tables(word):
    page = (FIXTURES / "word_mso_2021.html").read_text("utf-8")
    start = page.index('<div class=WordSection1')
    fragment = page[start : page.index('<div class="footer">')]
    report = parse_html(fragment)
    assert report.is_report is True
    assert report.tables == word.tables
    assert report.year == 2021 and report.agency == "青石县人民政府办公室"
    assert report.published is None  # the fragment states no date


# --- GBK bytes declared gb2312, holding GBK-only characters -----------------------------------

GBK_FILE = "gbk_gb2312_2022.html"


def test_gbk_fixture_really_is_gbk_beyond_gb2312():
    body = (FIXTURES / GBK_FILE).read_bytes()
    assert b"charset=gb2312" in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("gb2312")
    assert "堃".encode("gbk") in body and "镕".encode("gbk") in body


@pytest.mark.parametrize(
    "http_encoding",
    [None, "text/html; charset=gb2312", "text/html; charset=GBK", "text/html; charset=utf-8"],
)
def test_gbk_page_decodes_whatever_the_header_says(http_encoding):
    report = parse_fixture(GBK_FILE, http_encoding=http_encoding)
    assert report.agency == "堃山县镕溪镇人民政府"
    assert report.title == "堃山县镕溪镇人民政府2022年政府信息公开工作年度报告"
    assert "王堃同志" in report.sections["1"]
    assert "镕溪镇政务公开专职人员少" in report.sections["5"]
    assert "\ufffd" not in report.text
    encoding_warnings = [w for w in report.warnings if w.startswith("encoding")]
    assert bool(encoding_warnings) == (http_encoding == "text/html; charset=utf-8")


def test_gbk_page_metadata_and_tables():
    report = parse_fixture(GBK_FILE)
    assert (report.is_report, report.template, report.year) == (True, "2021", 2022)
    assert report.published == "2023-01-16"  # the 发布日期 line; no meta date on this page
    assert heading_starts(report.sections) == SECTION_HEADINGS
    assert report.tables["active"] == {
        "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
        "normative_documents": {"issued": 0, "repealed": 0, "in_force": 2},
        "licensing": {"decisions": 12},
        "penalty": {"decisions": 0},
        "coercion": {"decisions": 0},
        "fees": {"amount_10k_yuan": Decimal("0.35")},
    }
    assert report.tables["requests"] == requests_table(
        REQUEST_ROWS_2021,
        {
            "received": (3, 0, 0, 0, 0, 0, 4),  # the page's own total is wrong (3 != 4)
            "granted": (2, 0, 0, 0, 0, 0, 2),
            "unavailable.not_held": (1, 0, 0, 0, 0, 0, 1),
            "total_processed": (3, 0, 0, 0, 0, 0, 3),
        },
    )
    assert report.tables["appeals"] == appeals_table((0,) * 5, (0,) * 5, (0,) * 5)


def test_gbk_page_reports_its_own_inconsistency_without_correcting_it():
    report = parse_fixture(GBK_FILE)
    failed = {(c.check, c.row or c.col) for c in report.checks if not c.ok}
    assert failed == {("requests.row_total", "received"), ("requests.balance", "total")}
    assert report.tables["requests"]["received"]["total"] == 4
    assert not any(c.inferred for c in report.cells)


# --- 2019 template (reports for 2019 and 2020) ------------------------------------------------

def test_2019_template_every_figure():
    report = parse_fixture("template_2019.html")
    assert (report.is_report, report.template, report.year) == (True, "2019", 2020)
    assert report.agency == "白河市生态环境局"
    assert report.published == "2021-01-28"  # <meta name="publishdate">
    assert heading_starts(report.sections) == SECTION_HEADINGS
    assert report.tables["active"] == {
        "regulations": {"made": 0, "published": 0, "total_published": 0},
        "normative_documents": {"made": 2, "published": 2, "total_published": 15},
        "licensing": {"prev_year_items": 23, "change": 2, "decisions": 410},
        "other_services": {"prev_year_items": 6, "change": -1, "decisions": 35},
        "penalty": {"prev_year_items": 120, "change": 0, "decisions": 57},
        "coercion": {"prev_year_items": 8, "change": 0, "decisions": 3},
        "fees": {"prev_year_items": 1, "change": -1},
        "procurement": {"projects": 4, "amount": Decimal("86.5")},
    }
    assert report.tables["requests"] == requests_table(
        REQUEST_ROWS_2019,
        {
            "received": (4, 1, 0, 0, 0, 0, 5),
            "granted": (3, 1, 0, 0, 0, 0, 4),
            "not_processed.duplicate": (1, 0, 0, 0, 0, 0, 1),
            "total_processed": (4, 1, 0, 0, 0, 0, 5),
        },
    )
    assert report.tables["appeals"] == appeals_table((0,) * 5, (0, 1, 0, 0, 1), (0,) * 5)
    assert report.checks and all(c.ok for c in report.checks)


# --- a full portal page: chrome must not leak into the text or the figures --------------------

PORTAL_FILE = "portal_full_2023.html"


def test_portal_page_every_figure_and_metadata():
    report = parse_fixture(PORTAL_FILE)
    assert (report.is_report, report.template, report.year) == (True, "2021", 2023)
    assert report.agency == "柳岸区交通运输局"
    assert report.published == "2024-01-25"  # 发布时间 line, not the footer's current time
    assert heading_starts(report.sections) == SECTION_HEADINGS
    # section 五 has its own "一、2023年存在问题" sub-heading; it stays inside section 五
    assert "一、2023年存在问题" in report.sections["5"]
    assert report.tables["active"] == {
        "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
        "normative_documents": {"issued": 1, "repealed": 0, "in_force": 4},
        "licensing": {"decisions": 1250},
        "penalty": {"decisions": 336},
        "coercion": {"decisions": 12},
        "fees": {"amount_10k_yuan": Decimal("2.35")},
    }
    assert report.tables["requests"] == requests_table(
        REQUEST_ROWS_2021,
        {
            "received": (10, 3, 0, 0, 2, 1, 16),
            "carried_over": (2, 0, 0, 0, 0, 0, 2),
            "granted": (6, 2, 0, 0, 1, 0, 9),
            "partially_granted": (1, 0, 0, 0, 0, 0, 1),
            "denied.process_information": (1, 0, 0, 0, 0, 0, 1),
            "unavailable.not_held": (2, 1, 0, 0, 1, 1, 5),
            "not_processed.petition_complaint": (1, 0, 0, 0, 0, 0, 1),
            "total_processed": (11, 3, 0, 0, 2, 1, 17),
            "carried_forward": (1, 0, 0, 0, 0, 0, 1),
        },
    )
    assert report.tables["appeals"] == appeals_table((2, 1, 0, 0, 3), (1, 0, 0, 1, 2), (0,) * 5)
    assert report.checks and all(c.ok for c in report.checks)


def test_portal_page_text_is_the_report_body_only():
    report = parse_fixture(PORTAL_FILE)
    assert report.text.startswith("柳岸区交通运输局2023年政府信息公开工作年度报告")
    for chrome in ("1234567", "2026", "热点新闻", "冬季安全生产", "3021", "网站标识码", "无障碍"):
        assert chrome not in report.text
    assert "本年度未收取信息处理费。" in report.text
    assert "| 行政许可 | 1250 |" in report.text  # tables are part of the searchable text


def test_portal_page_text_is_stable_against_volatile_chrome():
    page = (FIXTURES / PORTAL_FILE).read_text("utf-8")
    later = (
        page.replace("1234567", "1240016")
        .replace("2026-11-23 10:32:11", "2026-12-01 08:05:42")
        .replace("今天是：2026年11月23日 星期一", "今天是：2026年12月1日 星期二")
        .replace("<em id=\"views\">3021</em>", "<em id=\"views\">3188</em>")
        .replace("柳岸区召开冬季安全生产工作会议", "柳岸区部署岁末年初重点工作")
    )
    assert later != page
    first, second = parse_html(page), parse_html(later)
    assert first.text == second.text
    assert first.tables == second.tables


def test_view_counter_in_the_article_info_line_is_dropped():
    report = parse_fixture(GBK_FILE)
    assert "阅读次数" not in report.text
    changed = (FIXTURES / GBK_FILE).read_bytes().replace(
        "阅读次数：87".encode("gbk"), "阅读次数：1290".encode("gbk")
    )
    assert parse_html(changed).text == report.text


# --- documents that are not reports ------------------------------------------------------------

def test_notice_about_compiling_reports_is_not_a_report():
    report = parse_fixture("notice_compile.html")
    assert report.is_report is False
    assert report.reason is not None and report.reason.startswith("notice")
    assert report.tables == {} and report.cells == [] and report.checks == []
    assert report.sections == {}  # it quotes the six headings, but has no sections
    assert report.agency == "青石县人民政府办公室"  # from ContentSource, not "做好"


def test_legacy_2012_report_is_free_text_only():
    report = parse_fixture("legacy_2012.html")
    assert (report.is_report, report.template, report.year) == (True, "legacy", 2012)
    assert report.agency == "石门县人民政府"
    assert report.published == "2013-03-28"
    # its statistics table (主动公开政府信息数, 收到申请数 ...) never fills 2019/2021 keys
    assert report.tables == {} and report.cells == [] and report.checks == []
    assert heading_starts(report.sections) == {
        "1": "一、概述",
        "2": "二、主动公开政府信息情况",
        "3": "三、依申请公开政府信息情况",
        "4": "五、因政府信息公开申请行政复议、提起行政诉讼的情况",
        "5": "六、政府信息公开工作存在的主要问题及改进措施",
        "6": "七、其他需要报告的事项",
    }
    assert "四、政府信息公开的收费及减免情况" in report.sections["3"]
    assert "| (一)收到申请数 | 件 | 12 |" in report.text  # kept as text for search
    assert "信息公开指南" not in report.text  # layout-table sidebar


@pytest.mark.parametrize(
    ("name", "reason_start"),
    [
        ("not_found_404.html", "error page"),
        ("graphic_digest.html", "graphic digest"),
    ],
)
def test_pages_that_are_not_reports(name, reason_start):
    report = parse_fixture(name)
    assert report.is_report is False
    assert report.reason.startswith(reason_start)
    assert report.tables == {} and report.template is None


@pytest.mark.parametrize("body", [b"", b"   \n", b"<html><body></body></html>", "<p></p>"])
def test_empty_pages_are_not_reports_and_do_not_raise(body):
    report = parse_html(body)
    assert report.is_report is False
    assert report.reason.startswith("empty page")


def test_enterprise_annual_report_and_yearbook_are_not_reports():
    enterprise = parse_html(
        "<html><head><title>某某建材有限公司2021年度企业年度报告公示</title></head><body>"
        "<h1>某某建材有限公司2021年度企业年度报告公示</h1><p>" + "企业基本信息，资产状况。" * 30
        + "</p></body></html>"
    )
    yearbook = parse_html(
        "<html><head><title>白河市年鉴（2021）</title></head><body><h1>白河市年鉴（2021）</h1><p>"
        + "第一篇 综述。" * 40 + "</p></body></html>"
    )
    assert enterprise.is_report is False and "enterprise" in enterprise.reason
    assert yearbook.is_report is False and "yearbook" in yearbook.reason


# --- parse_document routes by sniffed format --------------------------------------------------

def test_parse_document_routes_html_and_text():
    html = parse_document((FIXTURES / GBK_FILE).read_bytes(), filename="report.html")
    assert html.source_format == "html" and html.agency == "堃山县镕溪镇人民政府"
    text_body = "白河市人民政府2021年政府信息公开工作年度报告\n一、总体情况\n全年公开信息。\n".encode("gbk")
    text = parse_document(text_body, filename="report.txt")
    assert text.source_format == "text"
    assert text.agency == "白河市人民政府" and text.year == 2021


def test_parse_document_unreadable_pdf_raises_unreadable_document():
    with pytest.raises(UnreadableDocument):
        parse_document(b"%PDF-1.7\n garbage, no objects, truncated", filename="report.pdf")


# --- decoding ---------------------------------------------------------------------------------

def test_decode_utf8_page_mislabelled_gb2312_stays_utf8():
    body = '<meta charset="gb2312"><p>镕溪镇2021年报告</p>'.encode()
    text, codec, warnings = decode_bytes(body)
    assert (text.endswith("镕溪镇2021年报告</p>"), codec) == (True, "utf-8")
    assert warnings and "gb18030" in warnings[0]


def test_decode_undeclared_gbk_and_bom():
    assert decode_bytes("<p>王堃同志</p>".encode("gbk"))[:2] == ("<p>王堃同志</p>", "gb18030")
    assert decode_bytes("\ufeff<p>报告</p>".encode("utf-8"))[0] == "<p>报告</p>"


def test_sidebar_dates_before_the_article_do_not_become_its_publication_date():
    page = (FIXTURES / PORTAL_FILE).read_text("utf-8")
    page = page.replace(
        '<span>11-20</span></li>',
        "<span>发布时间：2026-11-20</span></li>",
    )
    report = parse_html(page)
    assert report.published == "2024-01-25"


# --- metadata from text ------------------------------------------------------------------------

BODY = (
    "一、总体情况\n全年主动公开政府信息120条，办理政府信息公开申请3件，均按期答复。"
    "持续推进重点领域信息公开，加强政策解读，回应社会关切，政务公开工作取得新进展。\n"
    "二、主动公开政府信息情况\n详见下表。\n三、收到和处理政府信息公开申请情况\n详见下表。\n"
    "四、政府信息公开行政复议、行政诉讼情况\n无。\n五、存在的主要问题及改进情况\n"
    "公开内容不够丰富，下一步将拓展公开渠道，丰富解读形式，提升公开质量。\n"
    "六、其他需要报告的事项\n本年度未收取信息处理费。\n"
)


@pytest.mark.parametrize(
    ("heading", "title", "agency", "year"),
    [
        ("青石县水务局二〇二一年政府信息公开工作年度报告",  # the title keeps its numerals
         "青石县水务局二〇二一年政府信息公开工作年度报告", "青石县水务局", 2021),
        ("2022年度青石县统计局政府信息公开工作年度报告",
         "2022年度青石县统计局政府信息公开工作年度报告", "青石县统计局", 2022),
        ("青石县统计局2022年政府信息公开工作年\n度报告",
         "青石县统计局2022年政府信息公开工作年度报告", "青石县统计局", 2022),
        ("青石县人民政府关于2023年政府信息公开工作年度报告",
         "青石县人民政府关于2023年政府信息公开工作年度报告", "青石县人民政府", 2023),
    ],
)
def test_title_shapes(heading, title, agency, year):
    from parsers import parse_text

    report = parse_text(f"{heading}\n{BODY}")
    assert (report.title, report.agency, report.year) == (title, agency, year)
    assert report.is_report is True
    assert report.template == ("2021" if year >= 2021 else "2019")  # by year: no tables


def test_a_date_before_the_reporting_year_is_not_a_publication_date():
    from parsers import parse_text

    report = parse_text(f"青石县水务局2021年政府信息公开工作年度报告\n(2019年1月12日)\n{BODY}")
    assert report.published is None
    assert any("precedes reporting year 2021" in w for w in report.warnings)


def test_meta_title_without_agency_takes_the_agency_from_the_body_heading():
    page = (
        '<html><head><meta name="ArticleTitle" content="2021年政府信息公开工作年度报告">'
        '<meta name="PubDate" content="2022-01-30"></head><body><div class="content">'
        "<p>青石县水务局</p><p>2021年政府信息公开工作年度报告</p>"
        + "".join(f"<p>{line}</p>" for line in BODY.splitlines())
        + "</div></body></html>"
    )
    report = parse_html(page)
    assert (report.title, report.agency, report.year) == ("2021年政府信息公开工作年度报告", "青石县水务局", 2021)
    assert report.published == "2022-01-30"


def test_report_page_that_only_links_its_attachment_is_not_a_report():
    report = parse_html(
        "<html><head><title>青石县2021年政府信息公开工作年度报告</title></head><body>"
        "<h1>青石县2021年政府信息公开工作年度报告</h1>"
        '<p>附件：<a href="/u/2022/nb.pdf">青石县2021年政府信息公开工作年度报告.pdf</a></p>'
        "</body></html>"
    )
    assert report.is_report is False
    assert "attachment" in report.reason


# --- never an exception -------------------------------------------------------------------------

@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=2000),
        st.text(max_size=2000).map(lambda t: f"<html><body><p>{t}</p></body></html>"),
        st.lists(st.sampled_from([
            "<table>", "<tr>", "<td rowspan=3>", "<td colspan=9999>", "</td>", "</tr>", "</table>",
            "一、总体情况", "二、主动公开政府信息情况", "2021年", "政府信息公开工作年度报告", "&nbsp;",
            "<p>", "</p>", "<meta charset=gbk>", "\n", "行政许可", "5", "/", "—",
        ]), max_size=80).map("".join),
    )
)
def test_any_input_gives_a_report_never_an_exception(body):
    report = parse_html(body)
    assert isinstance(report.is_report, bool)
    assert report.is_report or report.reason


# --- parse_extracted: what the format readers hand over ------------------------------------------

def test_parse_extracted_uses_grids_and_keeps_format_metadata_last():
    import lxml.html

    from parsers import parse_extracted
    from parsers.html_grid import grids_from_html
    from parsers.model import Extracted

    page = lxml.html.document_fromstring((FIXTURES / PORTAL_FILE).read_bytes())
    doc = Extracted(
        text="柳岸区交通运输局2023年政府信息公开工作年度报告\n" + BODY,
        grids=grids_from_html(page),
        source_format="docx",
        title="Microsoft Word - 新建文档.docx",  # what Word leaves in document properties
        published="2024-01-26",
        ocr=True,
    )
    report = parse_extracted(doc)
    assert report.source_format == "docx"
    assert report.title == "柳岸区交通运输局2023年政府信息公开工作年度报告"  # the body's heading wins
    assert report.published == "2024-01-26"  # nothing stated in the text: the format's own date
    assert report.tables["requests"]["received"]["total"] == 16
    assert report.ocr is True and all(cell.ocr for cell in report.cells)


def test_parse_extracted_without_grids_lays_tables_out_from_text():
    from parsers import parse_extracted
    from parsers.model import Extracted

    text = (
        "青石县水务局2021年政府信息公开工作年度报告\n" + BODY.split("三、")[0]
        + "第二十条第(一)项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n"
        "规章\t0\t0\t0\n行政规范性文件\t2\t1\t7\n"
        "三、" + BODY.split("三、")[1]
    )
    report = parse_extracted(Extracted(text=text, source_format="pdf"))
    assert report.template == "2021"
    assert report.tables["active"]["normative_documents"] == {"issued": 2, "repealed": 1, "in_force": 7}


@pytest.mark.parametrize(
    ("title", "agency"),
    [
        ("白河市人民政府办公室关于印发《白河市2021年政府信息公开工作年度报告》的通知", "白河市"),
        ("关于做好2021年度政府信息公开工作年度报告编制发布工作的通知", None),
        ("一图读懂白河市2021年政府信息公开工作年度报告", "白河市"),
        ("卫东区人民政府办公室 2024 年政府信息公开工作年 度报告", "卫东区人民政府办公室"),
    ],
)
def test_agency_from_title(title, agency):
    from parsers.metadata import agency_from_title

    assert agency_from_title(title) == agency


def test_section_headings_marked_up_as_html_headings_are_kept():
    """Portals that put 一、…六、 in <h2> (trafilatura drops those) still get six sections."""
    headings = list(SECTION_HEADINGS.values())
    body = "".join(
        f"<h2>{heading}</h2><p>第{n}部分的正文，说明本机关{n}月的政务公开工作情况和具体做法。</p>"
        for n, heading in enumerate(headings, start=1)
    )
    page = (
        "<html><head><title>某县财政局2023年政府信息公开工作年度报告</title></head><body>"
        "<div class='nav'>首页 | 政务公开</div><div class='article'>"
        f"<h1>某县财政局2023年政府信息公开工作年度报告</h1>{body}</div></body></html>"
    )
    report = parse_html(page.encode("utf-8"))
    assert list(report.sections) == ["1", "2", "3", "4", "5", "6"]
    for key, heading in zip(report.sections, headings, strict=True):
        assert report.sections[key].startswith(heading)
    assert "五、存在的主要问题及改进情况" in report.text
    assert (report.title, report.agency, report.year) == (
        "某县财政局2023年政府信息公开工作年度报告", "某县财政局", 2023)

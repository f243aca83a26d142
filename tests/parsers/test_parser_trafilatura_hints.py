"""The title hint equals what trafilatura's whole metadata pass gives.

parse_html runs trafilatura without its metadata pass (author, categories, tags, licence:
a third of its time on a portal page) and asks it for the one field the parser uses, the
title (see parsers/report.py; its date is not used, the page's own meta tags and date
line are). If a trafilatura release changes how it finds a title, these comparisons fail
instead of the parser drifting silently.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import trafilatura
from lxml import etree

from parsers import parse_html
from parsers.decode import decode_bytes
from parsers.report import _NEVER_TEXT, _parse_tree, _trafilatura_title

FIXTURES = Path(__file__).parents[1] / "fixtures"
PAGES = sorted((FIXTURES / "html").glob("*.html")) + [FIXTURES / "archive" / "report_page.html"]
URLS = [None, "http://www.example.gov.cn/art/2022/1/18/art_12_345.html"]
META = re.compile(rb"<meta[^>]*>", re.I)


def variants(body: bytes) -> dict[str, bytes]:
    """The page as written, and without its CMS meta tags so the fallbacks decide:
    headings alone, Open Graph tags, a <time> element."""
    bare = META.sub(b"", body)
    return {
        "as written": body,
        "no meta tags": bare,
        "open graph": bare.replace(
            b"<head>",
            b'<head><meta property="og:title" content="OG: 2021 report">'
            b'<meta property="og:url" content="http://x.gov.cn/art/2022/1/15/art_1_2.html">',
            1,
        ),
        "time element": bare.replace(
            b"<body>", b'<body><time datetime="2022-01-20">2022-01-20</time>', 1
        ),
    }


def tree(body: bytes):
    html, _codec, _warnings = decode_bytes(body)
    root = _parse_tree(html)
    etree.strip_elements(root, *_NEVER_TEXT, with_tail=False)
    return root


@pytest.mark.parametrize("page", PAGES, ids=lambda path: path.name)
def test_hints_equal_trafilaturas_metadata_pass(page):
    compared = 0
    for name, body in variants(page.read_bytes()).items():
        root = tree(body)
        for url in URLS:
            full = trafilatura.bare_extraction(
                root, url=url, fast=True, with_metadata=True, include_tables=True,
                include_comments=False,
            )
            if full is None:
                continue  # no main text: parse_html then uses no hints at all
            assert _trafilatura_title(root) == full.title, name
            compared += 1
    assert compared or page.name == "not_found_404.html"


def test_the_variants_exercise_every_source():
    """The fallbacks above are really reached: Open Graph, headings."""
    body = (FIXTURES / "archive" / "report_page.html").read_bytes()
    pages = variants(body)
    assert _trafilatura_title(tree(pages["open graph"])) == "OG: 2021 report"
    title = _trafilatura_title(tree(pages["no meta tags"]))
    assert title == "深州市人民政府办公室2021年政府信息公开工作年度报告"  # the page's one <h1>


def test_no_date_from_urls_or_time_elements_of_the_page_chrome():
    """A date only from the page's meta tags and date line: a <time> element or a date in
    the URL (which trafilatura's htmldate would take) is not the report's own statement."""
    pages = variants((FIXTURES / "archive" / "report_page.html").read_bytes())
    own_date_line = "2022-01-12"  # the page's "发布日期" line
    assert parse_html(pages["time element"]).published == own_date_line  # not 2022-01-20
    assert parse_html(pages["no meta tags"], url=URLS[1]).published == own_date_line  # not 01-18

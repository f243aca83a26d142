"""Canonical URLs and per-portal budgets, decision by decision."""

from __future__ import annotations

import time

from scrapy import Request

from crawler.budgets import Limits, PortalBudget, url_pattern
from crawler.canonical import CanonicalRequestFingerprinter, canonical_url

LIMITS = Limits(requests=5, list_pages=3, depth=4, urls_per_pattern=2, seconds=3600)


def test_session_ids_and_fragments_are_dropped_and_the_query_sorted():
    assert canonical_url("HTTP://WWW.Qinghe.gov.cn/a/b.html;jsessionid=ABC123?z=1&a=2#top") == \
        "http://www.qinghe.gov.cn/a/b.html?a=2&z=1"
    assert canonical_url("http://h/x.php?PHPSESSID=1&id=7&SID=2&ASPSESSIONIDQQ=3") == "http://h/x.php?id=7"
    assert canonical_url("http://h/x.jsp;JSESSIONID=9") == "http://h/x.jsp"
    # values of one name keep their order; other parameters stay as written
    assert canonical_url("http://h/l?b=2&a=1&b=1&c=%E5%B9%B4") == "http://h/l?a=1&b=2&b=1&c=%E5%B9%B4"


def test_session_spellings_share_one_fingerprint():
    fingerprint = CanonicalRequestFingerprinter().fingerprint
    assert fingerprint(Request("http://h/r.html;jsessionid=1?sid=1")) == fingerprint(Request("http://h/r.html"))
    assert fingerprint(Request("http://h/r.html?id=1")) != fingerprint(Request("http://h/r.html?id=2"))


def test_url_patterns_fold_numbers_repeats_and_query_values():
    assert url_pattern("http://h/list.html?page=7") == url_pattern("http://h/list.html?page=12345")
    assert url_pattern("http://h/a/a/a/a/") == url_pattern("http://h/a/a/")
    assert url_pattern("http://h/art/2024/1/20/art_1_2.html") == url_pattern("http://h/art/2023/12/1/art_9_10.html")
    assert url_pattern("http://h/list.html?page=1") != url_pattern("http://h/list.html?cat=1")


def test_each_budget_stops_requests_and_says_which():
    budget = PortalBudget(LIMITS)
    assert budget.admit("http://h/p1/x.html", list_page=True, depth=1) is None
    assert budget.admit("http://h/p2/x.html", list_page=True, depth=1) is None
    assert budget.admit("http://h/p3/x.html", list_page=True, depth=1) == "urls_per_pattern"
    assert budget.admit("http://h/p1/x.html", list_page=True, depth=1) is None  # seen: free
    assert budget.admit("http://h/list.html", list_page=True, depth=1) is None
    assert budget.admit("http://h/other.html", list_page=True, depth=1) == "list_pages"
    assert budget.admit("http://h/deep.html", list_page=False, depth=5) == "depth"
    assert budget.admit("http://h/r1.html", list_page=False, depth=2) is None
    assert budget.admit("http://h/r2.html", list_page=False, depth=2) is None
    assert budget.admit("http://h/r3.html", list_page=False, depth=2) == "requests"


def test_wall_time_budget():
    budget = PortalBudget(Limits(100, 100, 100, 100, seconds=60))
    assert budget.admit("http://h/a.html", list_page=True, depth=0) is None
    budget.started = time.monotonic() - 61
    assert budget.admit("http://h/b.html", list_page=True, depth=0) == "seconds"

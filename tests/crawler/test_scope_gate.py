"""The scope gate's rule, request by request (no network: addresses are literals)."""

from __future__ import annotations

import asyncio

import pytest
from scrapy import Request
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from crawler import settings as project_settings
from crawler.adapters.base import CONTEXT_META_KEY
from crawler.links import normalized_href
from crawler.registry import Portal
from crawler.scope import OutOfScope, PortalScopes, ScopeGateMiddleware
from crawler.spiders.county_portals import CountyPortalsSpider

PORTAL = Portal("qinghe", "清河县人民政府", "130534", "county", "http://www.qinghe.gov.cn/")


PROJECT_SETTINGS = {name: getattr(project_settings, name) for name in dir(project_settings) if name.isupper()}
# What the fake resolver answers; a name it does not know fails as in DNS.
ADDRESSES = {"www.qinghe.gov.cn": "203.0.113.10", "xxgk.qinghe.gov.cn": "192.0.2.20",
             "intranet.qinghe.gov.cn": "10.1.2.3"}


async def fake_resolve(host: str) -> str:
    return ADDRESSES[host]


def gate(**settings) -> ScopeGateMiddleware:
    crawler = get_crawler(CountyPortalsSpider, settings_dict={**PROJECT_SETTINGS, **settings})
    crawler.spider = type("Spider", (), {"request_scope": PortalScopes([PORTAL])})()
    crawler.stats.open_spider()
    middleware = ScopeGateMiddleware.from_crawler(crawler)
    middleware.resolve = fake_resolve
    return middleware


def refusal(middleware: ScopeGateMiddleware, url: str, portal: str | None = "qinghe") -> str | None:
    meta = {CONTEXT_META_KEY: {"portal": portal}} if portal else {}
    try:
        asyncio.run(middleware.process_request(Request(url, meta=meta)))
    except OutOfScope as exc:
        return exc.reason
    return None


@pytest.mark.parametrize(("url", "reason"), [
    ("file:///etc/passwd", "scheme:file"),
    ("data:text/plain,secret", "scheme:data"),
    ("ftp://www.qinghe.gov.cn/a.pdf", "scheme:ftp"),
    ("s3://bucket/a.pdf", "scheme:s3"),
    ("http://www.other.gov.cn/a.pdf", "off_portal_host"),
    ("http://169.254.169.254/latest/meta-data/", "off_portal_host"),
    ("http://qinghe.gov.cn.evil.com/", "off_portal_host"),
])
def test_schemes_and_hosts_outside_the_portal_are_refused(url, reason):
    assert refusal(gate(), url) == reason


def test_the_portal_and_its_subdomains_pass_unless_they_resolve_into_a_denied_range():
    # 203.0.113.0/24 and 192.0.2.0/24 are documentation ranges, denied as reserved by
    # default: allowed here to stand for public addresses.
    middleware = gate(SCOPE_ALLOWED_NETWORKS=["203.0.113.0/24", "192.0.2.0/24"])
    assert refusal(middleware, "http://www.qinghe.gov.cn/xxgk/") is None
    assert refusal(middleware, "https://xxgk.qinghe.gov.cn/ndbg/1.html") is None
    assert refusal(middleware, "http://intranet.qinghe.gov.cn/") == "address:private"
    assert refusal(middleware, "http://unknown.qinghe.gov.cn/") is None  # its download fails


def test_robots_requests_must_belong_to_some_portal():
    middleware = gate()
    assert refusal(middleware, "http://www.other.gov.cn/robots.txt", portal=None) == "off_portal_host"


@pytest.mark.parametrize(("address", "reason"), [
    ("127.0.0.1", "address:loopback"), ("10.0.0.1", "address:private"),
    ("192.168.1.1", "address:private"), ("172.16.5.4", "address:private"),
    ("169.254.169.254", "address:link_local"), ("100.64.0.1", "address:shared"),
    ("224.0.0.1", "address:multicast"), ("0.0.0.0", "address:reserved"),
    ("::1", "address:loopback"), ("::ffff:10.0.0.1", "address:private"), ("fe80::1", "address:link_local"),
])
def test_denied_ranges_by_name(address, reason):
    scopes_free = gate()
    scopes_free.crawler.spider = None  # no portal scope: only the address rule applies
    host = f"[{address}]" if ":" in address else address
    assert refusal(scopes_free, f"http://{host}/", portal=None) == reason


def test_allowed_ranges_pass_and_extra_denied_ranges_win():
    middleware = gate(SCOPE_ALLOWED_NETWORKS=["127.0.0.0/8"],
                      SCOPE_EXTRA_DENIED_NETWORKS={"private": ["127.0.9.0/24"]})
    middleware.crawler.spider = None
    assert refusal(middleware, "http://127.0.0.11:8080/", portal=None) is None
    assert refusal(middleware, "http://127.0.9.1:8080/", portal=None) == "address:private"
    assert middleware.crawler.stats.get_value("scope/dropped/address:private") == 1


def test_a_permanent_homepage_redirect_brings_the_new_host_in():
    middleware = gate()
    scopes = middleware.crawler.spider.request_scope
    temporary = Response(PORTAL.url, status=302, headers={"Location": "http://www.elsewhere.gov.cn/"})
    request = Request(PORTAL.url, meta={CONTEXT_META_KEY: {"portal": "qinghe"}})
    middleware.process_response(request, temporary)
    assert not scopes.allows("qinghe", "http://www.elsewhere.gov.cn/")
    deeper = Request(PORTAL.url + "a.html", meta=request.meta)
    middleware.process_response(deeper, Response(deeper.url, status=301,
                                                 headers={"Location": "http://www.elsewhere.gov.cn/"}))
    assert not scopes.allows("qinghe", "http://www.elsewhere.gov.cn/")  # only the registry homepage
    moved = Response(PORTAL.url, status=301, headers={"Location": "http://www.qhx.gov.cn/"})
    middleware.process_response(request, moved)
    assert scopes.allows("qinghe", "http://xxgk.qhx.gov.cn/ndbg/")


def test_backslashes_in_hrefs_are_slashes():
    assert normalized_href(r" http:\\other.gov.cn\a.pdf ") == "http://other.gov.cn/a.pdf"

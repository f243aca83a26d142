"""Fixture portals of each CMS family and a way to feed their pages to the adapters.

Responses are built the way Scrapy builds them (class chosen by `responsetypes`, the
request attached), from what the fixture `Site` answers to that very request, so the
adapters see exactly what a crawl would show them.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

import scrapy
from parsel import Selector
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from scrapy.utils.request import fingerprint

from crawler.adapters.base import ListAdapter
from crawler.adapters.hanweb import HanwebAdapter
from crawler.adapters.jsonapi import JsonApiAdapter
from crawler.adapters.querypage import QueryPageAdapter
from crawler.adapters.trs import TrsAdapter
from demo.content import PortalContent, ReportDoc
from demo.families import build_site
from demo.families.render import newest_first
from demo.scenarios import standard_portal
from demo.site import Site, SiteRequest

# The adapter that must read each fixture family's lists (classic's are the generic kind).
FAMILY_ADAPTERS: dict[str, type[ListAdapter]] = {
    "trs": TrsAdapter, "hanweb": HanwebAdapter, "jsonapi": JsonApiAdapter,
    "querypage": QueryPageAdapter,
}
BASE_URL = "http://127.0.0.11:8080"
# 喆 is in GBK but not in GB2312, which the GBK portals declare.
PORTAL_NAMES = {"classic": "经典示范县人民政府", "trs": "喆城区人民政府", "hanweb": "大汉示范县人民政府",
                "jsonapi": "接口示范县人民政府", "querypage": "翻页示范县人民政府"}
ENCODINGS = {"trs": "gbk", "querypage": "gbk"}


@dataclass
class Portal:
    family: str
    content: PortalContent
    site: Site
    base_url: str

    def url(self, path: str) -> str:
        return self.base_url + path

    def documents(self, column: int) -> list[ReportDoc]:
        """A column's documents in list order (newest first), reports and look-alikes."""
        return newest_first(self.content.columns[column])

    def document_urls(self, column: int) -> list[str]:
        return [self.url(self.site.doc_paths[d.slug]) for d in self.documents(column)]


def make_portal(family: str, base_url: str = BASE_URL, portal_id: str | None = None) -> Portal:
    """The scenarios' standard portal: 11 reports + 4 look-alikes, a department with 2."""
    scenario = standard_portal(portal_id or f"{family}-t", PORTAL_NAMES[family], "130534", family,
                               years=range(2014, 2025), encoding=ENCODINGS.get(family, "utf-8"))
    return Portal(family, scenario.content, build_site(family, scenario.content, base_url), base_url)


def fetch(site: Site, request: scrapy.Request | str) -> Response:
    """What the site answers to the request, as the Scrapy response a crawl would get."""
    if isinstance(request, str):
        request = scrapy.Request(request)
    parts = urlsplit(request.url)
    answer = site.respond(SiteRequest(
        method=request.method,
        path=unquote(parts.path) or "/",
        query=dict(parse_qsl(parts.query, keep_blank_values=True)),
        form=dict(parse_qsl(request.body.decode("ascii"))) if request.body else {},
        headers={k.decode().lower(): b", ".join(v).decode() for k, v in request.headers.items()},
    ))
    assert answer.status == 200, f"{request.url} answered {answer.status}"
    headers = Headers(answer.headers)
    cls = responsetypes.from_args(headers=headers, url=request.url, body=answer.body)
    return cls(request.url, status=answer.status, headers=headers, body=answer.body, request=request)


def link(response: Response, text: str) -> str:
    """The absolute URL of the first link whose text is exactly ``text``."""
    hrefs = Selector(text=response.text).xpath("//a[normalize-space()=$t]/@href", t=text).getall()
    assert hrefs, f"no link {text!r} on {response.url}"
    return response.urljoin(hrefs[0])


def column_url(portal: Portal, column: int) -> str:
    """Navigate as a visitor does: homepage -> 政府信息公开 -> (the unit) -> 政府信息公开年报."""
    home = fetch(portal.site, portal.url("/"))
    section = fetch(portal.site, link(home, "政府信息公开"))
    if column == 0:
        return link(section, "政府信息公开年报")
    unit = fetch(portal.site, link(section, portal.content.columns[column].name))
    return link(unit, "政府信息公开年报")


def walk(site: Site, adapter: ListAdapter, start: str) -> list[tuple[Response, list[str]]]:
    """Every list page the adapter reaches from ``start`` (each once, as Scrapy's dupefilter
    would have it), with the URLs of the entries it reads there."""
    queue = [scrapy.Request(start)]
    seen: set[bytes] = set()
    pages = []
    while queue:
        request = queue.pop(0)
        key = fingerprint(request)
        if key in seen:
            continue
        seen.add(key)
        response = fetch(site, request)
        pages.append((response, [e.url for e in adapter.entries(response)]))
        queue.extend(adapter.next_requests(response))
        assert len(pages) < 100, "the adapter keeps finding list pages"
    return pages

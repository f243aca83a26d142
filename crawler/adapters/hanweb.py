"""Hanweb JCMS (大汉) lists: records in a ``<script type="text/xml"><datastore>`` block.

The column page embeds the first records as CDATA ``<record>`` elements and a jQuery
pager (``jpage``) fetches the rest from ``/module/web/jpage/dataproxy.jsp`` with
``startrecord``/``endrecord``/``perpage`` in the query and the column's identity (webid,
columnid, unitid, ...) as form fields; the proxy answers with the same ``<datastore>`` XML
plus ``<totalrecord>``. None of it is a link, so a link-following crawler sees one page.
"""

from __future__ import annotations

import re
from typing import ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit

import scrapy
from parsel import Selector
from scrapy.http import Response, TextResponse

from crawler.adapters.base import (
    MAX_PAGES,
    ListAdapter,
    ListEntry,
    anchor_text,
    first_per_url,
    iso_date_in,
)

PROXY_PATH = "/module/web/jpage/dataproxy.jsp"  # Jiangsu, Shandong, Beijing; Zhejiang: /module/jpage/
PROXY_URL = re.compile(r"""proxyUrl\s*:\s*['"]([^'"]+dataproxy\.jsp)['"]""")
RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>", re.S)
TOTAL_TAG = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>")
# The jpage call's options: perPage:15, totalRecord:62, groupSize:3, ajaxParam:{...}.
OPTION = r"\b{name}\s*:\s*['\"]?(\d+)"
AJAX_PARAM = re.compile(r"ajaxParam\s*:\s*\{([^}]*)\}", re.S)
JS_PAIR = re.compile(r"""(\w+)\s*:\s*(?:'([^']*)'|"([^"]*)"|([^,\s]+))""")
# What every Hanweb dataproxy request carries; pages name the column-specific rest.
DEFAULT_FORM = {"col": "1", "appid": "1", "path": "/", "sourceContentType": "1", "permissiontype": "0"}
DEFAULT_PER_PAGE = 15
DEFAULT_GROUP = 3


def option(text: str, name: str) -> int | None:
    """A numeric option of the page's jpage call (perPage, groupSize, totalRecord)."""
    match = re.search(OPTION.format(name=name), text)
    return int(match.group(1)) if match else None


def proxy_form(response: TextResponse) -> dict[str, str]:
    """The form fields the page's pager posts: from jpage's ajaxParam and the nextgroup link."""
    form = dict(DEFAULT_FORM)
    nextgroup = NEXTGROUP.search(response.text)
    if nextgroup:
        href = Selector(text=nextgroup.group(1)).css("a::attr(href)").get() or ""
        form.update((k, v) for k, v in parse_qsl(urlsplit(href).query) if k != "page")
    ajax = AJAX_PARAM.search(response.text)
    if ajax:
        form.update((key, a or b or c) for key, a, b, c in JS_PAIR.findall(ajax.group(1)))
    return form


def proxy_path(response: TextResponse) -> str:
    """Where the page's jpage posts: its ``proxyUrl``, else its nextgroup link's path."""
    named = PROXY_URL.search(response.text)
    if named:
        return urlsplit(named.group(1)).path
    nextgroup = NEXTGROUP.search(response.text)
    href = Selector(text=nextgroup.group(1)).css("a::attr(href)").get() if nextgroup else None
    path = urlsplit(href or "").path
    return path if path.endswith("/dataproxy.jsp") else PROXY_PATH


def requested_range(response: Response) -> tuple[int, int, int] | None:
    """(startrecord, endrecord, perpage) when the response answers a dataproxy request."""
    if not urlsplit(response.url).path.endswith("/jpage/dataproxy.jsp"):
        return None
    query = dict(parse_qsl(urlsplit(response.url).query))
    try:
        return int(query["startrecord"]), int(query["endrecord"]), int(query["perpage"])
    except (KeyError, ValueError):
        return None


class HanwebAdapter(ListAdapter):
    name: ClassVar[str] = "hanweb"

    @classmethod
    def detect(cls, response: TextResponse) -> bool:
        return "<datastore>" in response.text and RECORD.search(response.text) is not None

    def entries(self, response: Response) -> list[ListEntry]:
        if not isinstance(response, TextResponse):
            return []
        entries = []
        for record in RECORD.findall(response.text):
            row = Selector(text=record)
            anchor = row.css("a[href]")
            if anchor:
                entries.append(ListEntry(
                    url=response.urljoin(anchor[0].attrib["href"].strip()),
                    title=anchor_text(anchor[0]),
                    date=iso_date_in(" ".join(row.css("::text").getall())),
                ))
        return first_per_url(entries)

    def next_requests(self, response: Response) -> list[scrapy.Request]:
        if not isinstance(response, TextResponse):
            return []
        text = response.text
        answered = requested_range(response)
        if answered:  # a proxy answer: continue after its range, with the same form
            start, end, per_page = answered
            first, group = end + 1, end - start + 1
            form = self.form_of(response)
            path = urlsplit(response.url).path
        else:  # the column page: continue after the embedded records
            first = len(RECORD.findall(text)) + 1
            per_page = option(text, "perPage") or DEFAULT_PER_PAGE
            group = per_page * (option(text, "groupSize") or DEFAULT_GROUP)
            form = proxy_form(response)
            path = proxy_path(response)
        total_match = TOTAL_TAG.search(text)
        total = int(total_match.group(1)) if total_match else option(text, "totalRecord")
        if total is None:  # unknown: ask for the next group, whose answer states the total
            total = first
        total = min(total, first + MAX_PAGES * per_page)
        return [
            self.proxy_request(response, path, start, start + group - 1, per_page, form)
            for start in range(first, total + 1, group)
        ]

    @staticmethod
    def form_of(response: TextResponse) -> dict[str, str]:
        """The form the answered proxy request posted (the response's own request)."""
        request = response.request
        if request is not None and request.body:
            return dict(parse_qsl(request.body.decode("ascii", "replace")))
        return proxy_form(response)

    def proxy_request(
        self, response: Response, path: str, start: int, end: int, per_page: int,
        form: dict[str, str],
    ) -> scrapy.Request:
        query = urlencode({"startrecord": start, "endrecord": end, "perpage": per_page})
        request = scrapy.FormRequest(response.urljoin(f"{path}?{query}"), formdata=form)
        return self.follow_list(response, request)

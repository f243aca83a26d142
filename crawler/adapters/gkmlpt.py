"""Guangdong's 政府信息公开目录管理平台 (``/gkmlpt/``): one platform for every site of the province.

A site's catalogue page ``/gkmlpt/index`` is an application shell: its script carries
``window._CONFIG = {SID: '<site id>', TREE: [{id, name, post_count, children, jump_url}, ...],
...}`` and the browser lists a category (``/gkmlpt/index#<category id>``, the id only in the
URL's fragment) from ``GET /gkmlpt/api/all/<category id>?page=N&sid=<site id>``, which
answers ``{"total": N, "classify": {"post_count": N, ...}, "articles": [{"id", "title",
"url", "post_url", "created_at", ...}]}``. A link to the catalogue without a fragment lists
the tree's annual-report categories.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

import scrapy
from scrapy.http import Response, TextResponse

from crawler.adapters.base import MAX_PAGES, ListAdapter, ListEntry, first_per_url, with_page
from crawler.adapters.jsonapi import first_of, iso_date

SID = re.compile(r"""\bSID\s*:\s*['"](\d+)['"]""")
CONFIG = re.compile(r"window\._CONFIG\s*=\s*\{")
TREE = re.compile(r"\bTREE\s*:\s*\[")
API = re.compile(r"/gkmlpt/api/all/(\d+)$")
REPORT_CATEGORY = re.compile(r"年报|年度报告")
JSON_ACCEPT = {"Accept": "application/json, text/plain, */*", "X-Requested-With": "XMLHttpRequest"}


def balanced(text: str, start: int, opening: str, closing: str) -> str | None:
    """The bracketed text opening at ``start`` (brackets inside strings are rare here)."""
    depth = 0
    for index in range(start, len(text)):
        depth += {opening: 1, closing: -1}.get(text[index], 0)
        if depth == 0:
            return text[start : index + 1]
    return None


def tree(text: str) -> list[dict[str, Any]]:
    """The catalogue's category tree from ``window._CONFIG.TREE`` (empty when unreadable)."""
    config = CONFIG.search(text)
    found = TREE.search(text, config.end()) if config else None
    raw = balanced(text, found.end() - 1, "[", "]") if found else None
    try:
        nodes = json.loads(raw) if raw else []
    except ValueError:
        return []
    return [node for node in nodes if isinstance(node, dict)]


def walk(nodes: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for node in nodes:
        yield node
        yield from walk([n for n in node.get("children") or [] if isinstance(n, dict)])


def root(response: Response) -> str:
    """The site's platform root: ``/gkmlpt/`` may sit under a department's folder."""
    path = urlsplit(response.url).path
    return response.urljoin(path[: path.index("/gkmlpt/") + len("/gkmlpt/")])


def decoded(response: Response) -> dict[str, Any] | None:
    if not isinstance(response, TextResponse) or not API.search(urlsplit(response.url).path):
        return None
    try:
        answer = json.loads(response.text)
    except ValueError:
        return None
    return answer if isinstance(answer, dict) else None


def total_of(answer: dict[str, Any]) -> int | None:
    classify = answer.get("classify") if isinstance(answer.get("classify"), dict) else {}
    for value in (answer.get("total"), classify.get("post_count")):
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            return int(value)
    return None


class GkmlptAdapter(ListAdapter):
    name: ClassVar[str] = "gkmlpt"

    @classmethod
    def detect(cls, response: TextResponse) -> bool:
        if "/gkmlpt/" not in urlsplit(response.url).path:
            return False
        return decoded(response) is not None or (SID.search(response.text) is not None
                                                 and bool(tree(response.text)))

    def categories(self, response: TextResponse) -> list[dict[str, Any]]:
        """The category the URL's fragment names, else the tree's annual-report ones."""
        nodes = list(walk(tree(response.text)))
        fragment = urlsplit(response.url).fragment
        if fragment.isdigit():
            return [n for n in nodes if str(n.get("id")) == fragment] or [{"id": int(fragment)}]
        return [n for n in nodes if REPORT_CATEGORY.search(str(n.get("name") or ""))
                and not n.get("jump_url") and not n.get("children")]

    def entries(self, response: Response) -> list[ListEntry]:
        answer = decoded(response)
        if answer is None:
            return []  # the shell lists nothing itself
        articles = [a for a in answer.get("articles") or [] if isinstance(a, dict)]
        return first_per_url(
            ListEntry(url=response.urljoin(str(url).strip()), title=str(title).strip(),
                      date=iso_date(first_of(article, ("created_at", "display_publish_time"))))
            for article in articles
            if (url := first_of(article, ("url", "post_url"))) and (title := first_of(article, ("title",)))
        )

    def declared_total(self, response: Response) -> int | None:
        answer = decoded(response)
        if answer is not None:
            return total_of(answer)
        if not isinstance(response, TextResponse):
            return None
        counts = [n.get("post_count") for n in self.categories(response)]
        return sum(c for c in counts if isinstance(c, int)) if counts and all(
            isinstance(c, int) for c in counts) else None

    def next_requests(self, response: Response) -> list[scrapy.Request]:
        if not isinstance(response, TextResponse):
            return []
        answer = decoded(response)
        if answer is not None:
            return self.further_pages(response, answer)
        sid = SID.search(response.text)
        if sid is None:
            return []
        base = root(response)
        return [self.follow_list(response, f"{base}api/all/{node['id']}?page=1&sid={sid.group(1)}",
                                 headers=JSON_ACCEPT)
                for node in self.categories(response) if str(node.get("id", "")).isdigit()]

    def further_pages(self, response: TextResponse, answer: dict[str, Any]) -> list[scrapy.Request]:
        query = dict(parse_qsl(urlsplit(response.url).query))
        here = int(query["page"]) if query.get("page", "").isdigit() else 1
        size = len(answer.get("articles") or [])
        total = total_of(answer)
        if not size or total is None or here != 1:
            return []  # page 1 asks for all the others at once
        last = min(math.ceil(total / size), MAX_PAGES)
        return [self.follow_list(response, with_page(response.url, "page", number), headers=JSON_ACCEPT)
                for number in range(2, last + 1)]

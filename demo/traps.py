"""Portals whose 年报 columns never end: the per-portal budgets' fixture.

- ``paging``: every column page links a "further" 年报 column, ``?page=N+1``, forever;
- ``paths``: every column page links a 年报 column one folder deeper (``/ndbg/a/a/a/...``);
- ``session``: one report, linked with a fresh ``;jsessionid=`` and ``?sid=`` at every visit
  from a column that links itself the same way.

Each portal also lists one real report, which the crawl must archive once.
"""

from __future__ import annotations

import csv
import itertools
from html import escape
from pathlib import Path

from demo.reportgen import report_text, to_html
from demo.site import Page, Site, SiteRequest

PAGING, PATHS, SESSION = "paging", "paths", "session"
PORTALS = [PAGING, PATHS, SESSION]
NAMES = {PAGING: "翻页县人民政府", PATHS: "套娃县人民政府", SESSION: "会话县人民政府"}
COLUMN = "/ndbg/index.html"
REPORT = "/ndbg/2023.html"


def html(title: str, body: str) -> bytes:
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"</head><body>{body}</body></html>").encode()


def column_page(report_href: str, further: str) -> Page:
    return Page(html("政府信息公开年报", (
        f'<ul><li><a href="{escape(report_href)}">清河县2023年政府信息公开工作年度报告</a>'
        f"<span>2024-01-20</span></li>"
        f'<li><a href="{escape(further)}">政府信息公开年报</a><span>2024-01-21</span></li></ul>')),
        conditional=False)


class TrapSite(Site):
    """A site whose column pages are made up on request, each linking one more."""

    def __init__(self, trap: str) -> None:
        super().__init__()
        self.trap = trap
        self.sessions = itertools.count(1)
        text = report_text(NAMES[trap], 2023, f"{trap}-2023")
        self.add(REPORT, Page(html(text.title, f'<div class="article">{to_html(text)}</div>')))
        self.add("/", Page(html(NAMES[trap], f'<a href="{COLUMN}">政府信息公开年报</a>')))

    def _page_for(self, request: SiteRequest) -> Page | None:
        if self.trap == PAGING and request.path == COLUMN:
            page = int(request.query.get("page", "1"))
            return column_page(REPORT, f"{COLUMN}?page={page + 1}")
        if self.trap == PATHS and request.path.startswith("/ndbg/") and request.path.endswith("/"):
            return column_page(REPORT, "a/")
        if self.trap == SESSION and request.path.split(";")[0] == COLUMN:
            session = f"{next(self.sessions):08x}"
            return column_page(f"{REPORT};jsessionid={session}?sid={session}",
                               f"{COLUMN};jsessionid={session}")
        if self.trap == SESSION and request.path.split(";")[0] == REPORT:
            return self.pages[REPORT]
        return super()._page_for(request)


def entry(trap: str) -> str:
    return "/ndbg/" if trap == PATHS else COLUMN


def build() -> dict[str, Site]:
    return {trap: TrapSite(trap) for trap in PORTALS}


def write_registry(path: Path, base_urls: dict[str, str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "name", "region_code", "level", "url", "report_column_url"])
        for trap in PORTALS:
            writer.writerow([trap, NAMES[trap], "130534", "county", base_urls[trap] + "/",
                             base_urls[trap] + entry(trap)])
    return path

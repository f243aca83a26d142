"""One fixture portal's pages, with the faults real portals show, and a request log.

Families render `PortalContent` into a `Site`; `PortalServer` serves it. Fault injection
(500s, slowness, redirects, soft 404s) and the request log live here, once, so every CMS
family gets them and tests can assert on what the crawler actually requested.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

SOFT_404_BODY = (
    "<html><head><title>页面不存在</title></head><body><div class='error'>"
    "<h1>对不起，您访问的页面不存在或已被删除！</h1><p>404 Not Found</p>"
    "<a href='/'>返回首页</a></div></body></html>"
).encode()
NOT_FOUND_BODY = b"<html><head><title>404 Not Found</title></head><body><h1>404</h1></body></html>"
DEFAULT_MODIFIED = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)


@dataclass
class Page:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    conditional: bool = True  # serve ETag / Last-Modified and answer 304 when they match
    last_modified: datetime | None = None  # None: the site's `modified`


@dataclass
class SiteRequest:
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    headers: dict[str, str]  # lower-case names


Handler = Callable[[SiteRequest], Page]


@dataclass
class SiteResponse:
    """What the server writes back (status, headers, body)."""

    status: int
    headers: dict[str, str]
    body: bytes


class Site:
    """The pages of one portal, keyed by path (``/a/b.html``) or path plus query."""

    def __init__(self, *, modified: datetime = DEFAULT_MODIFIED) -> None:
        self.modified = modified
        self.pages: dict[str, Page] = {}
        self.handlers: dict[str, Handler] = {}
        self.robots_txt: str = "User-agent: *\nDisallow:\n"
        self.log: list[SiteRequest] = []
        # Where the family put each document: ReportDoc.slug -> page path, and
        # "slug:filename" -> attachment path. Scenarios inject faults and tests find the
        # expected URLs through it, whatever the family's URL scheme.
        self.doc_paths: dict[str, str] = {}
        self._failures: dict[str, tuple[int, int]] = {}  # path -> (remaining, status)
        self._delays: dict[str, float] = {}
        self._redirects: dict[str, tuple[str, int]] = {}
        self._soft_404: set[str] = set()
        self._lock = threading.Lock()

    # -- content -------------------------------------------------------------------
    def add(self, path: str, page: Page) -> None:
        self.pages[path] = page

    def add_handler(self, path: str, handler: Handler) -> None:
        self.handlers[path] = handler

    def disallow(self, *paths: str) -> None:
        """Write a robots.txt that forbids these path prefixes to every agent."""
        lines = ["User-agent: *", *(f"Disallow: {p}" for p in paths)]
        self.robots_txt = "\n".join(lines) + "\n"

    # -- faults --------------------------------------------------------------------
    def fail_times(self, path: str, n: int, status: int = 500) -> None:
        self._failures[path] = (n, status)

    def slow(self, path: str, seconds: float) -> None:
        self._delays[path] = seconds

    def redirect(self, path: str, target: str, status: int = 301) -> None:
        self._redirects[path] = (target, status)

    def soft_404(self, path: str) -> None:
        self._soft_404.add(path)

    # -- serving -------------------------------------------------------------------
    def requested(self, path_prefix: str) -> list[SiteRequest]:
        """Logged requests whose path starts with the prefix (for assertions)."""
        with self._lock:
            return [r for r in self.log if r.path.startswith(path_prefix)]

    def respond(self, request: SiteRequest) -> SiteResponse:
        with self._lock:
            self.log.append(request)
            failure = self._failures.get(request.path)
            if failure and failure[0] > 0:
                self._failures[request.path] = (failure[0] - 1, failure[1])
                return SiteResponse(failure[1], {"Content-Type": "text/html"}, b"<h1>Server Error</h1>")
        delay = self._delays.get(request.path)
        if delay:
            time.sleep(delay)
        if request.path == "/robots.txt":
            return SiteResponse(200, {"Content-Type": "text/plain"}, self.robots_txt.encode())
        if request.path in self._redirects:
            target, status = self._redirects[request.path]
            return SiteResponse(status, {"Location": target}, b"")
        if request.path in self._soft_404:
            return SiteResponse(200, {"Content-Type": "text/html; charset=utf-8"}, SOFT_404_BODY)
        page = self._page_for(request)
        if page is None:
            return SiteResponse(404, {"Content-Type": "text/html"}, NOT_FOUND_BODY)
        return self._conditional(request, page)

    def _page_for(self, request: SiteRequest) -> Page | None:
        handler = self.handlers.get(request.path)
        if handler is not None:
            return handler(request)
        if request.query:
            query = "&".join(f"{k}={v}" for k, v in request.query.items())
            page = self.pages.get(f"{request.path}?{query}")
            if page is not None:
                return page
        return self.pages.get(request.path)

    def _conditional(self, request: SiteRequest, page: Page) -> SiteResponse:
        headers = {"Content-Type": page.content_type, **page.headers}
        if not page.conditional or page.status != 200:
            return SiteResponse(page.status, headers, page.body)
        etag = '"' + hashlib.sha1(page.body).hexdigest()[:16] + '"'
        modified = page.last_modified or self.modified
        headers["ETag"] = etag
        headers["Last-Modified"] = format_datetime(modified, usegmt=True)
        if_none_match = request.headers.get("if-none-match")
        if_modified_since = request.headers.get("if-modified-since")
        if if_none_match is not None:
            fresh = etag in [t.strip() for t in if_none_match.split(",")] or if_none_match == "*"
        elif if_modified_since is not None:
            try:
                fresh = modified <= parsedate_to_datetime(if_modified_since)
            except (TypeError, ValueError):
                fresh = False
        else:
            fresh = False
        if fresh:
            return SiteResponse(304, {k: v for k, v in headers.items() if k != "Content-Type"}, b"")
        return SiteResponse(200, headers, page.body)

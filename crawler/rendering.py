"""The rendering fallback: list pages whose rows and pager only a browser builds.

Used only for a column that listed fewer documents than it declared (`crawler.coverage`)
once static reading is done, so a crawl stays cheap: the list page is loaded in Debian's
Chromium (driven by Playwright, pointed at the system browser: nothing is downloaded), the
links it builds are read by the same adapters as static pages, and its pager's next
button is clicked page after page.

The browser never touches the network itself. The page's own HTML is the response Scrapy
already downloaded, and every request its scripts make is routed through Scrapy's
downloader (`ExecutionEngine.download_async`): the same robots.txt rules, per-host slots,
delays, retries and User-Agent as any other request, and only to the portal's own scope.
Images, fonts, style sheets and media are never fetched. One page renders at a time.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from typing import Any

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response

from crawler.adapters.base import CONTEXT_META_KEY

logger = logging.getLogger(__name__)

# Chromium as root on a server: no sandbox, no GPU, nothing phoning home, a fresh profile.
BROWSER_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SKIPPED_RESOURCES = frozenset({"image", "font", "stylesheet", "media"})
NEXT_BUTTON = re.compile(r"^\s*(?:下一页|下页|后一页|>|>>|›|»)\s*$")
FORWARDED_HEADERS = ("content-type", "x-requested-with", "accept", "referer")
# The next button of the last page, where pagers grey it out rather than hide it.
LOOKS_DISABLED = """e => e.disabled === true || e.getAttribute('aria-disabled') === 'true'
    || /disabled/i.test(e.className + ' ' + (e.parentElement ? e.parentElement.className : ''))"""
# A click that starts no request and changes nothing within this time changed nothing
# (a greyed-out 下一页 on the last page).
CLICK_QUIET_SECONDS = 5.0
# Headers of a downloaded body that the browser may see (the rest are the transport's).
KEPT_RESPONSE_HEADERS = ("content-type", "content-disposition", "location")

Allowed = Callable[[str], bool]


class ListRenderer:
    """Renders list pages in one headless Chromium for the whole crawl, one page at a time."""

    def __init__(self, crawler: Crawler, *, executable: str, max_pages: int, timeout: float) -> None:
        self.crawler = crawler
        self.executable = executable
        self.max_pages = max_pages
        self.timeout_ms = timeout * 1000
        self._lock = asyncio.Lock()
        self._playwright: Any = None
        self._context: Any = None
        self._profile: str | None = None
        self.unavailable: str | None = None  # why the browser cannot run (logged once)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ListRenderer:
        """Refuses a RENDER_BROWSER that is not an executable file: a mistyped path must not
        turn into a crawl that silently never renders."""
        settings = crawler.settings
        executable = settings.get("RENDER_BROWSER") or ""
        if not (os.path.isfile(executable) and os.access(executable, os.X_OK)):
            raise ValueError(f"RENDER_BROWSER {executable!r} is not an executable file: install "
                             "Debian's chromium, point RENDER_BROWSER at a Chromium, or set "
                             "RENDER_FALLBACK=False")
        return cls(crawler, executable=executable,
                   max_pages=settings.getint("RENDER_MAX_PAGES"),
                   timeout=settings.getfloat("RENDER_TIMEOUT"))

    async def _browser(self) -> Any:
        if self._context is None:
            from playwright.async_api import async_playwright

            self._profile = tempfile.mkdtemp(prefix="zfxxgk-chromium-")
            self._playwright = await async_playwright().start()
            self._context = await self._playwright.chromium.launch_persistent_context(
                self._profile, executable_path=self.executable, headless=True,
                args=BROWSER_FLAGS, service_workers="block",
                user_agent=self.crawler.settings.get("USER_AGENT"))
        return self._context

    async def snapshots(self, response: Response, allowed: Allowed) -> list[str]:
        """The page's DOM after its scripts ran, then after each click on its next button.

        Empty when the browser cannot run (logged once, counted in the stats).
        """
        if self.unavailable:
            return []
        async with self._lock:
            try:
                context = await self._browser()
            except Exception as exc:  # no browser on this machine, or it will not start
                self.unavailable = repr(exc)
                logger.error("rendering fallback unavailable: %s", self.unavailable)
                self.crawler.stats.inc_value("zfxxgk/render_unavailable")
                return []
            self.crawler.stats.inc_value("zfxxgk/renders")
            page = await context.new_page()
            pending = Pending()
            shots: list[str] = []
            try:
                await page.route("**/*", lambda route: self._serve(route, response, allowed, pending))
                await page.goto(response.url, wait_until="networkidle", timeout=self.timeout_ms)
                await pending.drained(self.timeout_ms)
                await self._page_through(page, pending, shots)
            except Exception as exc:  # a page that breaks the browser: keep what it showed
                logger.warning("rendering %s failed after %d pages: %r", response.url, len(shots), exc)
                self.crawler.stats.inc_value("zfxxgk/render_failures")
            finally:
                await page.close()
            return shots

    async def _page_through(self, page: Any, pending: Pending, shots: list[str]) -> None:
        """Append the DOM as loaded, then after each click that changed it."""
        shots.append(await page.content())
        while len(shots) < self.max_pages:
            button = page.get_by_text(NEXT_BUTTON).locator("visible=true")
            if await button.count() == 0 or await button.first.evaluate(LOOKS_DISABLED):
                break
            before = await page.evaluate("() => document.body.innerHTML")
            started = pending.started
            await button.first.click(timeout=self.timeout_ms)
            if not await self._changed(page, pending, before, started):
                break  # the click changed nothing: the last page, or its request failed
            shot = await page.content()
            if shot == shots[-1]:
                break
            shots.append(shot)

    async def _changed(self, page: Any, pending: Pending, before: str, started: int) -> bool:
        """Whether the click changed the list: the DOM changed, or the requests it made were
        all answered (and the page's handlers ran) without changing it."""
        changed = asyncio.ensure_future(page.wait_for_function(
            "b => document.body.innerHTML !== b", arg=before, timeout=self.timeout_ms))
        settled = asyncio.ensure_future(self._settled(page, pending, started))
        done, _ = await asyncio.wait({changed, settled}, timeout=self.timeout_ms / 1000,
                                     return_when=asyncio.FIRST_COMPLETED)
        for task in (changed, settled):
            task.cancel()
        await asyncio.gather(changed, settled, return_exceptions=True)
        if not done:
            return False
        await pending.drained(self.timeout_ms)
        try:
            return await page.evaluate("b => document.body.innerHTML !== b", before)
        except Exception:  # the click navigated: wait for the new page
            await page.wait_for_load_state("networkidle", timeout=self.timeout_ms)
            return True

    @staticmethod
    async def _settled(page: Any, pending: Pending, started: int) -> None:
        """Until the click's requests are answered and two frames later (handlers ran), or
        until it has been quiet for CLICK_QUIET_SECONDS without starting any."""
        try:
            await asyncio.wait_for(pending.begun(started), CLICK_QUIET_SECONDS)
        except TimeoutError:
            return
        await pending.drained(float("inf"))
        await page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")

    async def _serve(self, route: Any, response: Response, allowed: Allowed, pending: Pending) -> None:
        """Answer one browser request: the downloaded page itself, or Scrapy's download."""
        request = route.request
        if request.resource_type == "document" and request.url.split("#")[0] == response.url.split("#")[0]:
            await route.fulfill(status=response.status, body=response.body,
                                headers=kept_headers(response))
            return
        with pending:  # every request the page starts counts, answered or refused
            if request.resource_type in SKIPPED_RESOURCES or not allowed(request.url):
                await route.abort()
                return
            headers = {k: v for k, v in request.headers.items() if k.lower() in FORWARDED_HEADERS}
            try:
                answer = await self.crawler.engine.download_async(scrapy.Request(
                    request.url, method=request.method, headers=headers,
                    body=request.post_data_buffer or b"", dont_filter=True,
                    # the portal's context: the scope gate checks the request against it
                    meta={"handle_httpstatus_all": True,
                          CONTEXT_META_KEY: response.meta.get(CONTEXT_META_KEY)}))
            except IgnoreRequest:  # robots.txt forbids it
                await route.abort("blockedbyclient")
                return
            except Exception as exc:
                logger.info("rendering: %s failed: %r", request.url, exc)
                await route.abort()
                return
            await route.fulfill(status=answer.status, body=answer.body, headers=kept_headers(answer))

    async def close(self) -> None:
        if self._context is not None:
            await self._context.close()
            await self._playwright.stop()
            self._context = self._playwright = None
        if self._profile:
            shutil.rmtree(self._profile, ignore_errors=True)
            self._profile = None


def rendered_response(response: Response, html: str) -> HtmlResponse:
    """A rendered DOM as the response adapters read, with the original request's meta."""
    return HtmlResponse(response.url, body=html.encode("utf-8"), encoding="utf-8",
                        request=response.request)


def kept_headers(response: Response) -> dict[str, str]:
    found = {}
    for name in KEPT_RESPONSE_HEADERS:
        value = response.headers.get(name)
        if value:
            found[name] = value.decode("latin-1")
    return found


class Pending:
    """Browser requests waiting on Scrapy's downloader; `drained` waits until none is left."""

    def __init__(self) -> None:
        self.count = 0
        self.started = 0  # requests ever begun
        self.idle = asyncio.Event()
        self.idle.set()
        self.began = asyncio.Condition()

    def __enter__(self) -> Pending:
        self.count += 1
        self.started += 1
        self.idle.clear()
        asyncio.ensure_future(self._announce())
        return self

    async def _announce(self) -> None:
        async with self.began:
            self.began.notify_all()

    async def begun(self, after: int) -> None:
        """Until a request begins after the first ``after`` ones."""
        async with self.began:
            await self.began.wait_for(lambda: self.started > after)

    def __exit__(self, *exc: object) -> None:
        self.count -= 1
        if self.count == 0:
            self.idle.set()

    async def drained(self, timeout_ms: float) -> None:
        await asyncio.wait_for(self.idle.wait(), None if timeout_ms == float("inf") else timeout_ms / 1000)

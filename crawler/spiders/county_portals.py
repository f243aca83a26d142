"""`scrapy crawl county_portals`: every annual report of every portal in the registry.

Walk: homepage (or a known entry) -> 政府信息公开 section (often on its own xxgk. host) ->
its branches (法定主动公开内容, 部门信息公开, 乡镇（街道）信息公开) -> 年报 columns of the portal
and of its departments, townships and street offices, and their year columns -> list pages,
paged by the CMS adapter that recognizes them -> report detail pages -> attachments.
Sections, lists and report pages stay within the portal's scope (`portal_scope`: its own
domain and the registry's entry folders), because county sites link their neighbours, their
province and the national platform everywhere. Every report page and attachment fetch
becomes a `FetchRecord` for the archive, whatever its outcome; look-alikes and failures of
section/list pages become `CrawlEvent`s for the per-portal summary.

Arguments: ``-a portals=FILE`` (registry CSV; default the bundled one), ``-a only=ID,...``,
``-a years=2021-2024``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from enum import Enum, auto
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from archive.records import GONE_STATUSES, utc_now
from crawler.adapters import adapter_named, pick_adapter
from crawler.adapters.base import ADAPTER_META_KEY, CONTEXT_META_KEY, anchor_text
from crawler.archive_client import ArchiveClient
from crawler.attachments import attachment_filename, attachment_links, is_attachment_url
from crawler.canonical import canonical_url
from crawler.coverage import COLUMN_KEY, RENDER_META, ColumnLedger, column_of
from crawler.dead_hosts import HostSetAside
from crawler.discovery import (
    REJECTED_KINDS,
    LinkKind,
    Scope,
    TitleClass,
    classify_title,
    column_year,
    disclosure_score,
    in_scope,
    is_org_section,
    is_report_column,
    is_subsection,
    portal_scope,
    scripted_redirects,
    widened,
    year_wanted,
)
from crawler.items import CrawlEvent, FetchRecord, PortalRows
from crawler.links import page_links
from crawler.middlewares import CONDITIONAL_META, SOFT_404_META
from crawler.registry import Portal, load_registry, parse_only, parse_years, select_portals
from crawler.rendering import ListRenderer, rendered_response
from crawler.scope import OutOfScope, PortalScopes
from crawler.soft404 import BOT_WALL_STATUSES

# portal section -> department list -> department -> its 法定主动公开内容 -> (a 政务公开 hop)
MAX_SECTION_DEPTH = 4
MAX_SECTIONS_PER_PORTAL = 300  # a runaway site map must not turn into a whole-site crawl
MAX_HOME_HOPS = 2  # script redirects and frames in front of the real homepage
STUB_MAX_LINKS = 5  # a page with fewer links is a stub in front of the homepage, not one


def in_report_tree(link: Any) -> bool:
    """A "2023年" link nested under a 年报 node of a left-nav tree (not a news archive's)."""
    for node in reversed(link.xpath("ancestor::li[.//ul or .//ol]")):  # nearest first
        head = node.xpath("./a | ./span | ./div | ./h3 | ./h4")
        if head and is_report_column(anchor_text(head[0]), ""):
            return True
    return False


def header_dict(response: Response) -> dict[str, str]:
    """Lower-case header names; values as latin-1 text so raw bytes (GBK names) survive."""
    return {
        name.decode("latin-1").lower(): b", ".join(values).decode("latin-1")
        for name, values in response.headers.items()
    }


class Page(Enum):
    """Where a link was found, which decides what it may lead to."""

    HOME = auto()  # a homepage: columns and reports only (its way in is scored apart)
    SECTION = auto()  # a disclosure section: also departments' sections and sub-sections
    LIST = auto()  # a list page, read through its CMS adapter


class Route(Enum):
    """What the spider does with a link (see `LINK_RULES`)."""

    REPORT = auto()  # a report page or file: fetched and archived
    REJECTED = auto()  # a look-alike: noted in the summary, not fetched
    YEAR_COLUMN = auto()  # a column named after a year ("2023年"): its list, with that year
    COLUMN = auto()  # a 年报 column: its list
    ORG_SECTION = auto()  # a department's, township's or sub-section's disclosure pages


@dataclass(frozen=True)
class Link:
    """One link to route: where it points, what it says, and where it was found."""

    url: str
    text: str
    title: TitleClass
    page: Page
    depth: int  # section depth of the page it was found on
    element: Any = None  # the <a> selector (None for a list adapter's entries)

    @property
    def year(self) -> int | None:
        return column_year(self.text)


def _in_year_tree(link: Link) -> bool:
    """A year column: listed as such on a list page, or under a 年报 node of a nav tree."""
    return link.year is not None and (link.page is Page.LIST or in_report_tree(link.element))


def _org_section(link: Link) -> bool:
    if link.page is Page.HOME:
        return False
    return is_org_section(link.text) or (link.page is Page.SECTION and is_subsection(link.text, link.url))


def _disclosure_hop(link: Link) -> bool:
    """政务公开 -> 政府信息公开: a portal's section may sit one page further in."""
    return (link.page is Page.SECTION and link.depth == 0 and "信息公开" in link.text
            and disclosure_score(link.text, link.url) >= 2)


# The link routing of the whole spider, in one table: the first rule that matches wins
# (like SitemapSpider.sitemap_rules); a link no rule matches is not followed.
LINK_RULES: tuple[tuple[Callable[[Link], bool], Route], ...] = (
    (lambda link: link.title.kind is LinkKind.REPORT, Route.REPORT),
    (lambda link: link.title.kind in REJECTED_KINDS, Route.REJECTED),
    (lambda link: link.page is Page.LIST and link.year is not None, Route.YEAR_COLUMN),
    (lambda link: is_report_column(link.text, link.url), Route.COLUMN),
    (_in_year_tree, Route.YEAR_COLUMN),
    (_org_section, Route.ORG_SECTION),
    (_disclosure_hop, Route.ORG_SECTION),
)


def route(link: Link) -> Route | None:
    return next((target for matches, target in LINK_RULES if matches(link)), None)


def ignored(portal_id: str, url: str, failure: Failure) -> CrawlEvent:
    """A request a middleware dropped: out of scope or robots.txt (not errors of the
    portal), or else."""
    if failure.check(OutOfScope):
        return CrawlEvent(portal_id, "dropped", url, failure.value.reason)
    reason = str(failure.value)
    return CrawlEvent(portal_id, "robots" if "robots" in reason.lower() else "error", url, reason)


class CountyPortalsSpider(scrapy.Spider):
    name = "county_portals"
    # Handed over by the archive pipeline when it is built; None in a crawl without it.
    archive: ArchiveClient | None = None

    def __init__(self, portals: str | None = None, only: str | None = None,
                 years: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.portals: list[Portal] = select_portals(load_registry(portals), parse_only(only))
        self.years = parse_years(years)
        self.requested: dict[str, set[str]] = {p.id: set() for p in self.portals}
        self.sections: dict[str, set[str]] = {p.id: set() for p in self.portals}
        self.scopes: dict[str, Scope] = {
            p.id: portal_scope(p.url, (p.disclosure_url, p.report_column_url)) for p in self.portals
        }
        self.request_scope = PortalScopes(self.portals)  # what the scope gate lets through
        self.rejected_links: set[tuple[str, str]] = set()
        self.pinned = {p.id: p.cms for p in self.portals if p.cms}  # registry's cms column
        self.columns = ColumnLedger()  # declared vs listed per column
        self.renderer: ListRenderer | None = None  # the rendering fallback, set by from_crawler
        # Archived documents no page linked: asked for once, at idle.
        self.recheck: asyncio.Future[int] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> CountyPortalsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        spider.renderer = ListRenderer.from_crawler(crawler) if crawler.settings.getbool("RENDER_FALLBACK") else None
        if spider.renderer is not None:
            crawler.signals.connect(spider.renderer.close, signal=signals.spider_closed)
        return spider

    # -- entry points ------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        if self.settings.get("REDIS_URL"):
            return  # a distributed worker: the scheduler starts each portal it leases
        yield PortalRows([portal.as_row() for portal in self.portals])
        for portal in self.portals:
            for request in self.entry_requests(portal):
                yield request

    def entry_requests(self, portal: Portal) -> Iterator[scrapy.Request]:
        context = {"portal": portal.id, "depth": 0}
        entries = [(portal.report_column_url, self.parse_list),
                   (portal.disclosure_url, self.parse_section), (portal.url, self.parse_home)]
        for url, callback in entries:
            yield from self.page_request(url, callback, context) if url else ()

    def use_run(self, portals: list[Portal], years: set[int] | None) -> None:
        """A distributed worker crawls the portals and years its run was seeded with."""
        self.portals, self.years = portals, years
        self.requested = {p.id: set() for p in portals}
        self.sections = {p.id: set() for p in portals}
        self.scopes = {p.id: portal_scope(p.url, (p.disclosure_url, p.report_column_url))
                       for p in portals}

    def page_request(self, url: str, callback: Any, context: dict[str, Any],
                     **meta: Any) -> Iterator[scrapy.Request]:
        """Sections and list pages: always fetched in full (new reports appear there).

        Nothing off the portal's domains: its neighbours' and the national platform's
        sections would otherwise be crawled as its own.
        """
        if self.on_portal(context["portal"], url):
            yield scrapy.Request(url, callback=callback, errback=self.page_failed,
                                 meta={CONTEXT_META_KEY: context, **meta})

    def on_portal(self, portal_id: str, url: str, *, leaf: bool = False) -> bool:
        if in_scope(url, self.scopes[portal_id], leaf=leaf):
            return True
        self.crawler.stats.inc_value("zfxxgk/offsite_links_skipped")
        return False

    def document_request(self, url: str, portal_id: str, *, kind: str, referrer: str | None,
                         anchor: str | None, parent: str | None = None) -> scrapy.Request:
        """Report pages and attachments: conditional, recorded whatever the answer."""
        self.requested.setdefault(portal_id, set()).add(canonical_url(url))
        return scrapy.Request(url, callback=self.parse_document, errback=self.document_failed, meta={
            CONTEXT_META_KEY: {"portal": portal_id},
            CONDITIONAL_META: True,
            # 304 and 404/410 are answers the archive needs, not errors to drop.
            "handle_httpstatus_list": sorted({304, *GONE_STATUSES}),
            "kind": kind,
            "referrer": referrer,
            "anchor": anchor,
            "parent": canonical_url(parent) if parent else None,  # the page's archive key
        })

    # -- discovery ---------------------------------------------------------------------
    def parse_home(self, response: Response) -> Iterator[Any]:
        """Find the way into the disclosure section; the homepage may also link 年报 directly.

        The way in may be a dropdown item, an image link or an image-map area (their alt
        text says 信息公开). Only the likeliest ways in are followed: homepages carry stale
        menu entries, and a 政务公开 page that leads on to 政府信息公开 is followed from there.
        """
        if not isinstance(response, TextResponse):
            return
        context = response.meta[CONTEXT_META_KEY]
        # The homepage redirected (or a stub sent us on): the portal moved, follow it there.
        self.scopes[context["portal"]] = widened(self.scopes[context["portal"]], response.url)
        scored = []
        for link in page_links(response, "a[href], area[href]"):
            score = disclosure_score(link.text, link.url)
            if score and in_scope(link.url, self.scopes[context["portal"]]):
                scored.append((score, link.url))
        best = max((score for score, _ in scored), default=0)
        for url in dict.fromkeys(url for score, url in scored if score == best):
            yield from self.page_request(url, self.parse_section, {**context, "depth": 0})
        stub = len(response.css("a[href]")) < STUB_MAX_LINKS
        if not scored and stub and context.get("hops", 0) < MAX_HOME_HOPS:
            yield from self.homepage_behind(response, {**context, "hops": context.get("hops", 0) + 1})
        yield from self.links_to_columns(response, context, follow_orgs=False)

    def homepage_behind(self, response: TextResponse, context: dict[str, Any]) -> Iterator[scrapy.Request]:
        """The real homepage behind a stub: a script redirect or a frameset.

        Only stubs (next to no links) are read this way: a real homepage's scripts and
        iframes point at search pages, widgets and other sites.
        """
        frames = response.css("frame::attr(src), iframe::attr(src)").getall()
        for target in dict.fromkeys([*scripted_redirects(response.text), *frames]):
            url = response.urljoin(target.strip())
            if url.startswith("http") and url != response.url:
                portal_id = context["portal"]
                self.scopes[portal_id] = widened(self.scopes[portal_id], url)
                yield from self.page_request(url, self.parse_home, context)

    def parse_section(self, response: Response) -> Iterator[Any]:
        """A disclosure section (the portal's or a department's): columns and sub-sections.

        A section page a list platform claims is its list too (Guangdong's /gkmlpt/index is
        the catalogue and, fragment aside, the 年报 category a later link names).
        """
        if isinstance(response, TextResponse):
            yield from self.links_to_columns(response, response.meta[CONTEXT_META_KEY], follow_orgs=True)
            if pick_adapter(response, self.pinned.get(response.meta[CONTEXT_META_KEY]["portal"])).name != "numbered":
                yield from self.parse_list(response)

    def links_to_columns(self, response: TextResponse, context: dict[str, Any], *,
                         follow_orgs: bool) -> Iterator[Any]:
        page = Page.SECTION if follow_orgs else Page.HOME
        for found in page_links(response):
            link = Link(found.url, found.text, classify_title(found.text), page,
                        context.get("depth", 0), found.element)
            yield from self.follow(response, link, context)

    def follow(self, response: Response, link: Link, context: dict[str, Any]) -> Iterator[Any]:
        """Do what `LINK_RULES` says for one link."""
        portal_id = context["portal"]
        target = route(link)
        if target is Route.REPORT:
            yield from self.report_link(response, portal_id, link.url, link.text, link.title.year)
        elif target is Route.REJECTED:
            yield from self.rejected(portal_id, link.url, link.title.reason, link.text)
        elif target is Route.YEAR_COLUMN:
            yield from self.page_request(link.url, self.parse_list, {**context, "column_year": link.year})
        elif target is Route.COLUMN:
            yield from self.page_request(link.url, self.parse_list, {**context, "column_year": None})
        elif target is Route.ORG_SECTION:
            yield from self.org_section(link.url, context)

    def org_section(self, url: str, context: dict[str, Any]) -> Iterator[scrapy.Request]:
        """A department's or township's disclosure pages, within the depth and count limits.

        Counted once per URL: every department page's menu lists all its siblings, and
        counting each mention would use up the limit before the last departments.
        """
        portal_id, depth = context["portal"], context.get("depth", 0)
        seen = self.sections[portal_id]
        if url in seen or depth >= MAX_SECTION_DEPTH or len(seen) >= MAX_SECTIONS_PER_PORTAL:
            return
        if self.on_portal(portal_id, url):
            seen.add(url)
            yield from self.page_request(url, self.parse_section,
                                         {**context, "depth": depth + 1, "column_year": None})

    def parse_list(self, response: Response) -> Iterator[Any]:
        """A list page: its detail links through the CMS adapter, and the further pages."""
        context = response.meta[CONTEXT_META_KEY]
        portal_id, depth = context["portal"], context.get("depth", 0)
        name = response.meta.get(ADAPTER_META_KEY)
        adapter = adapter_named(name) if name else pick_adapter(response, self.pinned.get(portal_id))
        column = column_of(response)
        response.meta[CONTEXT_META_KEY] = {**context, COLUMN_KEY: column}  # for further pages
        entries = adapter.entries(response)
        yield self.columns.note(portal_id, column, adapter.declared_total(response), entries,
                                context=context, rendered=bool(response.meta.get(RENDER_META)))
        for entry in entries:
            title = classify_title(entry.title, column_year=context.get("column_year"))
            yield from self.follow(response, Link(entry.url, entry.title, title, Page.LIST, depth), context)
        for request in adapter.next_requests(response):
            meta = {**request.meta, CONTEXT_META_KEY: request.meta.get(CONTEXT_META_KEY) or context}
            if self.on_portal(portal_id, request.url):
                yield request.replace(callback=self.parse_list, errback=self.page_failed, meta=meta)

    def rejected(self, portal_id: str, url: str, reason: str, title: str) -> Iterator[CrawlEvent]:
        """A look-alike, noted once per run however many pages link it (sidebars do)."""
        if (portal_id, url) not in self.rejected_links:
            self.rejected_links.add((portal_id, url))
            yield CrawlEvent(portal_id, "rejected", url, reason, title)

    def report_link(self, response: Response, portal_id: str, url: str, title: str,
                    year: int | None) -> Iterator[Any]:
        if not year_wanted(year, self.years):
            return
        if canonical_url(url) in self.requested.get(portal_id, ()):
            return
        kind = "attachment" if is_attachment_url(url, title) else "report_page"
        # A report page elsewhere is another body's (the State Council's in a sidebar);
        # a file may sit on a file server.
        if kind == "report_page" and not self.on_portal(portal_id, url, leaf=True):
            return
        yield CrawlEvent(portal_id, "listed", url, title=title)
        yield self.document_request(url, portal_id, kind=kind, referrer=response.url,
                                    anchor=title, parent=response.url if kind == "attachment" else None)

    # -- documents -----------------------------------------------------------------------
    def parse_document(self, response: Response) -> Iterator[Any]:
        meta = response.meta
        portal_id = meta[CONTEXT_META_KEY]["portal"]
        url = canonical_url(response.url)  # what the archive keys the document on
        self.requested.setdefault(portal_id, set()).add(url)
        soft_404 = meta.get(SOFT_404_META)
        kind = meta.get("kind", "report_page")
        disposition = response.headers.get(b"Content-Disposition")
        named = kind == "attachment" or disposition  # pages: only a server-given name counts
        filename = attachment_filename(response.url, disposition) if named else None
        yield FetchRecord(
            url=url,
            fetched_at=utc_now(),
            status=response.status,
            body=response.body,
            headers=header_dict(response),
            error=soft_404 or (f"HTTP {response.status}" if response.status in GONE_STATUSES else None),
            soft_404=bool(soft_404),
            kind=kind,
            portal_id=portal_id,
            referrer=meta.get("referrer"),
            anchor_text=meta.get("anchor"),
            parent_url=meta.get("parent"),
            redirected_from=[canonical_url(u) for u in meta.get("redirect_urls", [])],
            filename=filename,
        )
        if kind == "report_page" and response.status == 200 and not soft_404 and isinstance(response, TextResponse):
            for link in attachment_links(response):
                if canonical_url(link.url) not in self.requested.get(portal_id, ()):
                    yield self.document_request(link.url, portal_id, kind="attachment",
                                                referrer=response.url, anchor=link.text or None,
                                                parent=response.url)

    def document_failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        meta = request.meta
        portal_id = meta[CONTEXT_META_KEY]["portal"]
        if failure.check(HostSetAside):
            return  # tried again later in the run (crawler.dead_hosts)
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            yield ignored(portal_id, request.url, failure)
            return
        status, body, headers, error = None, b"", {}, repr(failure.value)
        if failure.check(HttpError):
            response = failure.value.response
            status, body, headers = response.status, response.body, header_dict(response)
            error = f"HTTP {status}" + (" (bot wall)" if status in BOT_WALL_STATUSES else "")
        self.logger.warning("failed %s: %s", request.url, error)
        yield FetchRecord(
            url=canonical_url(request.url), fetched_at=utc_now(), status=status, body=body, headers=headers,
            error=error, kind=meta.get("kind", "report_page"), portal_id=portal_id,
            referrer=meta.get("referrer"), anchor_text=meta.get("anchor"),
            parent_url=meta.get("parent"),
            redirected_from=[canonical_url(u) for u in meta.get("redirect_urls", [])],
        )

    def page_failed(self, failure: Failure) -> Iterator[Any]:
        """A section or list page failed: count it for the portal, crawl on."""
        request = failure.request  # type: ignore[attr-defined]
        portal_id = request.meta[CONTEXT_META_KEY]["portal"]
        if failure.check(HostSetAside):
            return  # tried again later in the run (crawler.dead_hosts)
        if failure.check(HttpError):
            status = failure.value.response.status
            detail = f"HTTP {status}" + (" (bot wall)" if status in BOT_WALL_STATUSES else "")
        elif failure.check(IgnoreRequest):
            yield ignored(portal_id, request.url, failure)
            return
        else:
            detail = repr(failure.value)
        self.logger.warning("failed %s: %s", request.url, detail)
        yield CrawlEvent(portal_id, "error", request.url, detail)

    # -- the rendering fallback ---------------------------------------------------------
    def render_short_columns(self) -> int:
        """Once static reading is done, give each column that listed fewer documents than
        it declared one render in the browser (`crawler.rendering`); returns how many."""
        if self.renderer is None:
            return 0
        short = self.columns.to_render()
        for count in short:
            self.crawler.engine.crawl(scrapy.Request(
                count.url, callback=self.parse_rendered, errback=self.page_failed, dont_filter=True,
                meta={CONTEXT_META_KEY: {**count.context, COLUMN_KEY: count.url}, RENDER_META: True}))
        if short:
            self.logger.info("rendering %d columns that listed fewer documents than declared", len(short))
        return len(short)

    async def parse_rendered(self, response: Response) -> AsyncIterator[Any]:
        """A short column's first page, rendered: each state of its DOM read as a list page."""
        scope = self.scopes[response.meta[CONTEXT_META_KEY]["portal"]]

        def allowed(url: str) -> bool:  # the page's scripts may fetch only from the portal
            return in_scope(url, scope, leaf=True)

        assert self.renderer is not None  # only scheduled with a renderer
        for html in await self.renderer.snapshots(response, allowed):
            for item in self.parse_list(rendered_response(response, html)):
                yield item

    # -- documents no list showed this run ---------------------------------------------
    def on_idle(self) -> None:
        """Once discovery is done, recheck archived documents that no page linked this run.

        A report removed from its list still has to be asked for, so that its 404 marks it
        gone; attachments of pages that answered 304 are rechecked the same way. Skipped
        with ``-a years=`` (the archive's URLs carry no year to filter on). The archive is
        asked on the reactor's loop; the spider stays open until it has answered.
        """
        if self.render_short_columns():
            raise DontCloseSpider
        if self.years is not None or self.archive is None or self.settings.get("REDIS_URL"):
            return  # (a distributed worker's scheduler rechecks each portal as it ends)
        if self.recheck is None:
            self.recheck = asyncio.ensure_future(self.schedule_rechecks(self.archive))
        if not self.recheck.done():  # once it is, its requests keep the crawl going
            raise DontCloseSpider

    async def schedule_rechecks(self, archive: ArchiveClient) -> int:
        scheduled = 0
        for portal in self.portals:
            for request in self.recheck_requests(portal.id, await archive.known_urls(portal.id)):
                self.crawler.engine.crawl(request)
                scheduled += 1
        if scheduled:
            self.logger.info("rechecking %d archived documents no page linked this run", scheduled)
        return scheduled

    def recheck_requests(self, portal_id: str, known: set[str]) -> Iterator[scrapy.Request]:
        for url in sorted(known - self.requested.get(portal_id, set())):
            kind = "attachment" if is_attachment_url(url) else "report_page"
            yield self.document_request(url, portal_id, kind=kind, referrer=None, anchor=None)

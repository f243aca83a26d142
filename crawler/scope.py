"""Where requests may go: one gate, the last downloader middleware, that every request passes.

The rule: a request leaves only if
- its scheme is http or https (``SCOPE_SCHEMES``); a crawler that reads ``file:`` or ``data:``
  links would archive the crawling machine's own files and publish them;
- its host is within the scope of the portal it was made for: the registry's hosts for that
  portal and their subdomains (`crawler.discovery.portal_scope`; a county on its own gov.cn
  domain covers ``xxgk.`` and the departments' hosts). Requests made for no portal
  (robots.txt) must be within some portal's scope. A registry homepage that answers a
  permanent redirect (301/308) brings the new host in: the portal moved;
- the address its host resolves to is in none of the denied ranges (``SCOPE_DENIED_NETWORKS``:
  loopback, private, link-local, shared, multicast, reserved), so a portal page can never
  send the crawler to the cloud metadata service or the operator's own network. Ranges in
  ``SCOPE_ALLOWED_NETWORKS`` are exempt (the demo and the tests serve their portals on
  loopback); ranges in ``SCOPE_EXTRA_DENIED_NETWORKS`` are denied even then (tests mark a
  loopback range "private" to check the refusal without sending traffic anywhere else).

Redirects and meta refreshes come back through the downloader as new requests, so every
hop is checked. A refused request raises `OutOfScope` (the spider counts it per portal and
reason for the run summary) and is counted in the stats under ``scope/dropped/<reason>``.
The address check resolves through the crawl's own resolver, whose cache the download then
uses, so the check and the connection see the same address.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached

from crawler.adapters.base import CONTEXT_META_KEY
from crawler.discovery import Scope, in_scope, portal_domain, portal_scope
from crawler.registry import Portal

logger = logging.getLogger(__name__)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
PERMANENT_REDIRECTS = frozenset({301, 308})


class OutOfScope(IgnoreRequest):
    """A request the scope gate refused; `reason` names the rule (``scheme:file``, ...)."""

    def __init__(self, reason: str, url: str) -> None:
        super().__init__(f"out of scope ({reason}): {url}")
        self.reason = reason


class PortalScopes:
    """Per portal, the hosts its requests may go to; owned by the spider, read by the gate."""

    def __init__(self, portals: Iterable[Portal]) -> None:
        self.scopes: dict[str, Scope] = {
            p.id: portal_scope(p.url, (p.disclosure_url, p.report_column_url)) for p in portals
        }
        self.homepages = {p.id: p.url for p in portals}

    def allows(self, portal_id: str | None, url: str) -> bool:
        if portal_id is None:
            return any(in_scope(url, scope, leaf=True) for scope in self.scopes.values())
        scope = self.scopes.get(portal_id)
        return scope is not None and in_scope(url, scope, leaf=True)

    def moved(self, portal_id: str, homepage_url: str, target: str) -> None:
        """The registry homepage answered a permanent redirect: the portal lives at `target` now."""
        if homepage_url == self.homepages.get(portal_id) and not self.allows(portal_id, target):
            self.scopes[portal_id] = self.scopes[portal_id] | {(portal_domain(target), "/")}
            logger.warning("portal %s moved: %s now redirects to %s (update the registry)",
                           portal_id, homepage_url, target)


def networks(spec: Mapping[str, Iterable[str]] | Iterable[str]) -> list[tuple[str, Network]]:
    """(name, network) pairs from {name: [CIDR, ...]} or from a plain list of CIDRs."""
    if isinstance(spec, Mapping):
        return [(name, ipaddress.ip_network(cidr)) for name, cidrs in spec.items() for cidr in cidrs]
    return [("allowed", ipaddress.ip_network(cidr)) for cidr in spec]


def denied_range(address: str, denied: list[tuple[str, Network]], allowed: list[tuple[str, Network]],
                 extra_denied: list[tuple[str, Network]]) -> str | None:
    """The name of the denied range `address` is in, or None when it may be connected to."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:10.0.0.1 is 10.0.0.1
    for name, network in extra_denied:
        if ip.version == network.version and ip in network:
            return name
    if any(ip.version == network.version and ip in network for _, network in allowed):
        return None
    return next((name for name, network in denied if ip.version == network.version and ip in network), None)


class ScopeGateMiddleware:
    """The scope rule (see the module docstring), applied to every request that leaves."""

    def __init__(self, crawler: Crawler, schemes: list[str], denied: list[tuple[str, Network]],
                 allowed: list[tuple[str, Network]], extra_denied: list[tuple[str, Network]]) -> None:
        self.crawler = crawler
        self.schemes = frozenset(scheme.lower() for scheme in schemes)
        self.denied, self.allowed, self.extra_denied = denied, allowed, extra_denied
        self.resolve: Callable[[str], Awaitable[str]] = resolve_on_reactor

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScopeGateMiddleware:
        settings = crawler.settings
        return cls(crawler, settings.getlist("SCOPE_SCHEMES"),
                   networks(settings.getdict("SCOPE_DENIED_NETWORKS")),
                   networks(settings.getlist("SCOPE_ALLOWED_NETWORKS")),
                   networks(settings.getdict("SCOPE_EXTRA_DENIED_NETWORKS")))

    def scopes(self) -> PortalScopes | None:
        return getattr(self.crawler.spider, "request_scope", None)

    async def process_request(self, request: Request) -> None:
        reason = self.refusal(request)
        if reason is None:
            reason = await self.address_refusal(request)
        if reason is not None:
            self.crawler.stats.inc_value(f"scope/dropped/{reason}")
            logger.info("dropped (%s) <%s>", reason, request.url)
            raise OutOfScope(reason, request.url)

    def refusal(self, request: Request) -> str | None:
        parts = urlparse_cached(request)
        if parts.scheme.lower() not in self.schemes:
            return f"scheme:{parts.scheme.lower() or 'none'}"
        if not parts.hostname:
            return "no_host"
        scopes = self.scopes()
        if scopes is not None and not scopes.allows(portal_of(request), request.url):
            return "off_portal_host"
        return None

    async def address_refusal(self, request: Request) -> str | None:
        host = urlparse_cached(request).hostname or ""
        try:
            address = str(ipaddress.ip_address(host))
        except ValueError:
            try:
                address = await self.resolve(host)
            except Exception:  # noqa: BLE001 - an unknown host fails its download, reason and all
                return None
        name = denied_range(address, self.denied, self.allowed, self.extra_denied)
        return f"address:{name}" if name else None

    def process_response(self, request: Request, response: Response) -> Response:
        """Note a moved portal before the redirect middleware follows its homepage's 301."""
        scopes, portal_id = self.scopes(), portal_of(request)
        location = response.headers.get(b"Location")
        if scopes is not None and portal_id and response.status in PERMANENT_REDIRECTS and location:
            target = response.urljoin(location.decode("latin-1"))
            scopes.moved(portal_id, request.url, target)
        return response


async def resolve_on_reactor(host: str) -> str:
    """The address the crawl's resolver (``DNS_RESOLVER``, cached) gives `host`."""
    from twisted.internet import reactor

    return await maybe_deferred_to_future(reactor.resolve(host))  # type: ignore[attr-defined]


def portal_of(request: Request) -> str | None:
    context: Any = request.meta.get(CONTEXT_META_KEY) or {}
    return context.get("portal")

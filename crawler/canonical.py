"""One spelling per document URL: what the duplicate filter and the archive key on.

Portals built on Java and PHP stacks put a session id into every link when a client does
not keep the cookie (``;jsessionid=...``, ``?PHPSESSID=...``); keyed on the raw URL, one
report becomes a new document at every visit. The canonical form drops session ids and
fragments, lower-cases scheme and host, and sorts the query parameters by name (the order
of a query never changes the page a CMS serves). Requests are still sent as the page
wrote them; only comparison and storage use the canonical form.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from scrapy import Request
from scrapy.utils.request import RequestFingerprinter

# Query parameters that carry a session, compared case-insensitively.
SESSION_PARAMS = frozenset({
    "jsessionid", "phpsessid", "sid", "sessionid", "session_id", "sessid", "aspsessionid",
    "cfid", "cftoken", "zoneid",
})
# ;jsessionid=... and friends as a path parameter (Servlet URL rewriting).
SESSION_PATH_PARAM = re.compile(r";(?:jsessionid|phpsessid|sessionid|sid)=[^/?#;]*", re.I)


def is_session_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in SESSION_PARAMS or lowered.startswith("aspsessionid")


def canonical_url(url: str) -> str:
    """The URL without session ids and fragment, query sorted by name, scheme/host lower-case."""
    parts = urlsplit(url)
    path = SESSION_PATH_PARAM.sub("", parts.path)
    pairs = [pair for pair in parts.query.split("&") if pair]
    kept = [pair for pair in pairs if not is_session_param(pair.split("=", 1)[0])]
    query = "&".join(sorted(kept, key=lambda pair: pair.split("=", 1)[0]))
    netloc = parts.netloc.lower() if "@" not in parts.netloc else parts.netloc
    return urlunsplit((parts.scheme.lower(), netloc, path, query, ""))


class CanonicalRequestFingerprinter(RequestFingerprinter):
    """Scrapy's fingerprint of the request as if sent to its canonical URL: the duplicate
    filter (and a JOBDIR's seen-set) treat session-id variants as one request."""

    def fingerprint(self, request: Request) -> bytes:
        canonical = canonical_url(request.url)
        return super().fingerprint(request if canonical == request.url else request.replace(url=canonical))

"""Reading links off a page, once for every caller: what is followable, and where it points.

Hrefs are read the way browsers read them: a backslash in an http(s) href is a slash
(``http:\\\\other\\x`` goes to host ``other``), so the scope check sees the host a request
would really reach. Schemes that lead nowhere the crawler goes (script, mail, phone,
fragments) are skipped here; everything else that is not http(s) is left for the scope
gate to refuse and count.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from scrapy.http import TextResponse

from crawler.adapters.base import SKIPPED_SCHEMES, anchor_text


@dataclass(frozen=True)
class PageLink:
    url: str  # absolute
    text: str  # what the link says (alt text for image links)
    element: Any  # the selector of the element, for callers that look at its tree


def normalized_href(href: str) -> str:
    """An href as a browser resolves it: trimmed, backslashes as slashes."""
    return href.strip().replace("\\", "/")


def absolute(response: TextResponse, href: str) -> str | None:
    """The absolute URL an href points to, or None for one that leads nowhere to crawl."""
    href = normalized_href(href)
    if not href or href.lower().startswith(SKIPPED_SCHEMES):
        return None
    return response.urljoin(href)


def page_links(response: TextResponse, css: str = "a[href]", attribute: str = "href") -> Iterator[PageLink]:
    """Every link of the page matching `css`, in document order (repeats included)."""
    for element in response.css(css):
        url = absolute(response, element.attrib.get(attribute, ""))
        if url is not None:
            yield PageLink(url, anchor_text(element), element)

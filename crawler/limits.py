"""Response limits enforced while the bytes arrive: a bomb is cut off, and leaves a trace.

Scrapy caps every response at DOWNLOAD_MAXSIZE (files: scanned reports are large) and its
decompressed body too. Pages need a far lower cap: a parser's time grows faster than an
HTML page's size, and no report page is tens of megabytes. ``DOWNLOAD_MAXSIZE_BY_TYPE``
gives a cap per media type; a response over it is stopped as soon as its headers
(Content-Length) or its bytes so far say so, and the spider records the fetch with the
reason (`SizeLimitExceeded`). A slow sender is capped by DOWNLOAD_TIMEOUT, which bounds a
whole download, not one read.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import StopDownload

logger = logging.getLogger(__name__)

LIMIT_META = "size_limit"  # (bytes, media type) that applies to the response on its way
RECEIVED_META = "bytes_so_far"


class SizeLimitExceeded(StopDownload):
    """A response stopped at its size limit; `reason` is what the fetch row says."""

    def __init__(self, reason: str) -> None:
        super().__init__(fail=True)
        self.reason = reason


def media_type(headers: Any) -> str:
    raw = headers.get(b"Content-Type") or b""
    return raw.split(b";", 1)[0].strip().lower().decode("latin-1")


class ResponseLimits:
    """Extension: stop a response once it is over the limit of its media type."""

    def __init__(self, limits: dict[str, int]) -> None:
        self.limits = {name.lower(): int(value) for name, value in limits.items()}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ResponseLimits:
        extension = cls(crawler.settings.getdict("DOWNLOAD_MAXSIZE_BY_TYPE"))
        crawler.signals.connect(extension.headers_received, signal=signals.headers_received)
        crawler.signals.connect(extension.bytes_received, signal=signals.bytes_received)
        return extension

    def headers_received(self, headers: Any, body_length: int, request: Request, **_: Any) -> None:
        kind = media_type(headers)
        limit = self.limits.get(kind)
        if limit is None:
            return
        request.meta[LIMIT_META] = (limit, kind)
        request.meta[RECEIVED_META] = 0
        if body_length and body_length > limit:
            raise self.exceeded(request, f"{body_length} bytes announced")

    def bytes_received(self, data: bytes, request: Request, **_: Any) -> None:
        if LIMIT_META not in request.meta:
            return
        request.meta[RECEIVED_META] += len(data)
        if request.meta[RECEIVED_META] > request.meta[LIMIT_META][0]:
            raise self.exceeded(request, f"more than {request.meta[LIMIT_META][0]} bytes received")

    def exceeded(self, request: Request, what: str) -> SizeLimitExceeded:
        limit, kind = request.meta[LIMIT_META]
        reason = f"size limit: {what}, the limit for {kind} is {limit} bytes (DOWNLOAD_MAXSIZE_BY_TYPE)"
        logger.warning("stopped <%s>: %s", request.url, reason)
        return SizeLimitExceeded(reason)

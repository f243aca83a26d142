"""Scrapy's HTTP/1.1 download handler with a connect timeout of its own.

Scrapy (2.19) passes DOWNLOAD_TIMEOUT to Twisted both as the TCP connect timeout and as the
whole download's deadline, so a host that never completes the handshake costs as long as a
large PDF may take to arrive. Twisted's agents take a separate connect timeout; this
handler gives them DOWNLOAD_CONNECT_TIMEOUT (never more than the download timeout) and
leaves everything else to Scrapy's handler. It reuses Scrapy's private `_ScrapyAgent`,
since no public hook sets the connect timeout alone.
"""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler, _ScrapyAgent
from scrapy.crawler import Crawler
from scrapy.exceptions import ResponseDataLossError
from scrapy.http import Response
from scrapy.utils._download_handlers import get_dataloss_msg, wrap_twisted_exceptions
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.web.client import Agent

logger = logging.getLogger(__name__)


class _ConnectTimeoutAgent(_ScrapyAgent):
    def __init__(self, *, connect_timeout: float, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(**kwargs)
        self._connect_only = connect_timeout

    def _get_agent(self, request: Request, timeout: float) -> Agent:
        return super()._get_agent(request, min(timeout, self._connect_only))


class ConnectTimeoutHTTPDownloadHandler(HTTP11DownloadHandler):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.connect_timeout = crawler.settings.getfloat("DOWNLOAD_CONNECT_TIMEOUT")

    async def download_request(self, request: Request) -> Response:
        agent = _ConnectTimeoutAgent(
            connect_timeout=self.connect_timeout,
            contextFactory=self._contextFactory,
            bindAddress=self._bind_address,
            pool=self._pool,
            maxsize=self._default_maxsize,
            warnsize=self._default_warnsize,
            fail_on_dataloss=self._fail_on_dataloss,
            crawler=self._crawler,
            tls_verbose_logging=self._tls_verbose_logging,
        )
        try:
            with wrap_twisted_exceptions():
                return await maybe_deferred_to_future(agent.download_request(request))
        except ResponseDataLossError:
            if not self._fail_on_dataloss_warned:
                logger.warning(get_dataloss_msg(request.url))
                self._fail_on_dataloss_warned = True
            raise

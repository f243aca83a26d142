"""Retry backoff and callback-error accounting (the rest is covered by the real crawls)."""

from __future__ import annotations

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.settings import Settings

from crawler.adapters.base import CONTEXT_META_KEY
from crawler.middlewares import BackoffRetryMiddleware, PortalErrorMiddleware


def test_backoff_doubles_and_is_capped() -> None:
    settings = Settings({"RETRY_BACKOFF_BASE": 5.0, "RETRY_BACKOFF_MAX": 30.0})
    retry = BackoffRetryMiddleware(settings)
    delays = [retry.backoff(Request("http://h/", meta={"retry_times": n})) for n in (1, 2, 3, 4)]
    assert delays == [5.0, 10.0, 20.0, 30.0]


def test_retry_after_header_is_honoured() -> None:
    retry = BackoffRetryMiddleware(Settings({"RETRY_BACKOFF_BASE": 1.0, "RETRY_BACKOFF_MAX": 120.0}))
    busy = HtmlResponse("http://h/", status=503, headers={"Retry-After": "40"}, body=b"")
    assert retry.backoff(Request("http://h/", meta={"retry_times": 1}), busy) == 40.0


def test_callback_error_becomes_a_portal_error() -> None:
    request = Request("http://h/list.html", meta={CONTEXT_META_KEY: {"portal": "qinghe"}})
    response = HtmlResponse(request.url, body=b"<html></html>", request=request)
    (event,) = PortalErrorMiddleware().process_spider_exception(response, ValueError("odd page"))
    assert (event.portal_id, event.kind, event.url) == ("qinghe", "error", request.url)
    assert "odd page" in event.detail
    stray = HtmlResponse("http://h/", body=b"", request=Request("http://h/"))
    assert PortalErrorMiddleware().process_spider_exception(stray, ValueError()) is None

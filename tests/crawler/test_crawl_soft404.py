"""200 pages that are not content: soft 404s and bot walls, but not short real pages."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse, TextResponse

from crawler.soft404 import soft_404_reason
from demo.site import SOFT_404_BODY

pytestmark = pytest.mark.e2e


def html(body: str, status: int = 200) -> HtmlResponse:
    return HtmlResponse("http://127.0.0.11/a.html", body=body.encode(), encoding="utf-8", status=status)


def test_soft_404_page() -> None:
    response = HtmlResponse("http://127.0.0.11/a.html", body=SOFT_404_BODY, encoding="utf-8")
    assert soft_404_reason(response) == "soft 404: 页面不存在"


def test_bot_walls() -> None:
    assert soft_404_reason(html("<html><title>访问验证</title><body>请完成安全验证</body></html>")).startswith("bot wall")
    challenge = ("<html><body><script>document.cookie='__jsl_clearance=1';"
                 "location.href=location.pathname</script></body></html>")
    assert soft_404_reason(html(challenge)) == "bot wall: JavaScript cookie challenge"


def test_real_pages_pass() -> None:
    short = "<html><title>清河县2023年政府信息公开工作年度报告</title><body><p>详见附件。</p></body></html>"
    assert soft_404_reason(html(short)) is None
    long_report = "<p>" + "本机关依法公开政府信息。" * 100 + "信息不存在的情形予以告知。</p>"
    assert soft_404_reason(html(f"<html><body>{long_report}</body></html>")) is None
    assert soft_404_reason(html("<html><body>页面不存在</body></html>", status=404)) is None
    json_body = TextResponse("http://h/api", body='{"msg": "页面不存在"}'.encode(), encoding="utf-8",
                             headers={"Content-Type": "application/json"})
    assert soft_404_reason(json_body) is None

"""Recognizing 200 pages that are not content: "page not found" pages and bot walls.

Many portal CMSs answer a deleted article with 200 and a 页面不存在 page, and WAFs answer
crawlers with a 200 challenge page. Archived as content, either would overwrite a real
report with junk; the archive instead records them as soft 404s.
"""

from __future__ import annotations

import re

from lxml import etree
from scrapy.http import Response, TextResponse

NOT_FOUND = re.compile(
    r"页面不存在|页面未找到|找不到(?:该|您要访问的)?页面|您访问的页面(?:不存在|已删除|已被删除)|"
    r"(?:文章|信息|内容|稿件)(?:不存在|已删除|已被删除|已撤销)|已被删除|404\s*not\s*found|"
    r"page\s*not\s*found|该页面已下线|访问的资源不存在"
)
BOT_WALL = re.compile(
    r"访问验证|安全验证|人机验证|请输入验证码|滑动验证|您的访问(?:被|已被)拦截|访问被拒绝|"
    r"请(?:开启|启用)\s*javascript|网站防火墙|安全狗|云锁|创宇盾|web应用防火墙|"
    r"访问过于频繁|请求过于频繁|access\s*denied"
)
BOT_WALL_STATUSES = frozenset({403, 412, 418, 429, 503, 521})
# A JavaScript challenge page shows next to nothing until its script has run.
MAX_CHALLENGE_TEXT = 50
# A real report page has thousands of characters of text; error and challenge pages a few
# dozen. Above this, the phrases above are most likely part of real content.
MAX_ERROR_PAGE_TEXT = 600
# Compiled once and run on lxml directly: through parsel, every text node becomes a Selector,
# which made this check the costliest step of handling a response.
VISIBLE_TEXT = etree.XPath(
    "//title//text() | //body//text()[not(ancestor::script) and not(ancestor::style)]",
    smart_strings=False,
)


def visible_text(response: TextResponse) -> str:
    """The page's title and body text, whitespace collapsed, scripts and styles left out."""
    return re.sub(r"\s+", " ", " ".join(VISIBLE_TEXT(response.selector.root))).strip()


def is_challenge_script(response: TextResponse, text: str) -> bool:
    """A page that is little but a script setting a cookie and reloading (JS challenge)."""
    scripts = " ".join(response.xpath("//script/text()").getall())
    return len(text) < MAX_CHALLENGE_TEXT and "document.cookie" in scripts and ("location" in scripts or "reload" in scripts)


def soft_404_reason(response: Response) -> str | None:
    """Why this 200 response is not content, or None if it looks like content."""
    if response.status != 200 or not isinstance(response, TextResponse):
        return None
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
    if content_type and "html" not in content_type and "text" not in content_type:
        return None
    try:
        text = visible_text(response)
    except (ValueError, AttributeError):  # not parseable as HTML (e.g. JSON): not ours to judge
        return None
    if is_challenge_script(response, text):
        return "bot wall: JavaScript cookie challenge"
    if len(text) > MAX_ERROR_PAGE_TEXT:
        return None
    if match := BOT_WALL.search(text):
        return f"bot wall: {match.group(0)}"
    if match := NOT_FOUND.search(text):
        return f"soft 404: {match.group(0)}"
    return None

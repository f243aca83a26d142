"""Who the crawler says it is: a User-Agent naming the operator a webmaster can contact.

County webmasters who see unfamiliar traffic in their logs look at the User-Agent; one
that names a contact lets them ask the operator instead of blocking the crawler. The
contact belongs to whoever runs the crawl, so the project ships none: the User-Agent then
says the contact is not configured, and every crawl starts with a warning until
``CONTACT`` is set.

``USER_AGENT`` is derived from ``CONTACT`` here, in an add-on, rather than once in
settings.py, because an f-string in the settings module would ignore
``-s CONTACT=...`` given on the command line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.settings import SETTINGS_PRIORITIES

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

PRODUCT = "zfxxgk/0.1"
PURPOSE = "+archive of government information-disclosure annual reports"
# RFC 2606 reserves these for examples: a contact there reaches nobody (e.g. the README's
# "you@example.org" pasted as is).
EXAMPLE_DOMAINS = ("example.org", "example.com", "example.net")


def is_placeholder(contact: str) -> bool:
    """True when the contact reaches nobody: unset, or an example address."""
    contact = contact.strip().lower()
    return not contact or any(domain in contact for domain in EXAMPLE_DOMAINS)


def user_agent(contact: str) -> str:
    """The User-Agent: what the crawler is for, and whom to contact about it."""
    if not contact.strip():
        return f"{PRODUCT} ({PURPOSE}; contact not configured)"
    return f"{PRODUCT} ({PURPOSE}; contact: {contact.strip()})"


class ContactAddon:
    """Sets ``USER_AGENT`` from the effective ``CONTACT`` and warns when nobody is named.

    A ``USER_AGENT`` given on the command line or by a spider is left as it is.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.contact = ""
        self.contact_unreachable = False
        crawler.signals.connect(self.warn_if_unreachable, signal=signals.spider_opened)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ContactAddon:
        return cls(crawler)

    def update_settings(self, settings: BaseSettings) -> None:
        self.contact = settings.get("CONTACT") or ""
        if settings.getpriority("USER_AGENT") <= SETTINGS_PRIORITIES["project"]:
            settings.set("USER_AGENT", user_agent(self.contact), priority="project")
            self.contact_unreachable = is_placeholder(self.contact)

    def warn_if_unreachable(self, spider: Spider) -> None:
        if self.contact_unreachable:
            spider.logger.warning(
                "CONTACT is not set to a real address (%r): webmasters cannot reach you and "
                "may block the crawler. Set it, e.g. -s CONTACT=mailto:you@your-domain",
                self.contact,
            )

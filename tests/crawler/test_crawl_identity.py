"""The crawl names no contact it was not given: an unset or example CONTACT shows in the
User-Agent and in a warning at start, so an operator cannot run anonymously by accident."""

from __future__ import annotations

import pytest

from demo.scenarios import standard_portal
from demo.server import PortalServer
from tests.support.crawl import run_crawl, serve

pytestmark = pytest.mark.e2e

PURPOSE = "zfxxgk/0.1 (+archive of government information-disclosure annual reports; "


@pytest.mark.parametrize(("contact", "agent"), [
    ("", PURPOSE + "contact not configured)"),
    ("you@example.org", PURPOSE + "contact: you@example.org)"),  # the README's example as is
], ids=["unset", "example-address"])
def test_unreachable_contact_shows_in_the_user_agent_and_is_warned_about(tmp_path, contact, agent):
    portal = standard_portal("anon", "匿名县人民政府", "130534", "classic", years=range(2024, 2025))
    with PortalServer() as server:
        serve(server, [portal], tmp_path / "portals.csv")
        crawl = run_crawl(tmp_path / "portals.csv", tmp_path / "archive.db", extra={"CONTACT": contact})
        site = server.sites["anon"]
    assert crawl.returncode == 0, crawl.log[-3000:]
    assert "[county_portals] WARNING: CONTACT is not set to a real address" in crawl.log
    assert {r.headers.get("user-agent") for r in site.log} == {agent}
    assert site.requested("/robots.txt")  # robots.txt was asked for under the same name

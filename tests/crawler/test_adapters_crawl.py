"""End to end: the real `scrapy crawl county_portals` against one portal of each CMS family.

Each portal is served on its own loopback address by `PortalServer`; what must be archived
follows from the portals' content (every report of the portal and of its department; no
look-alike), and the sites' request logs show each family's own paging was used.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from w3lib.url import safe_url_string

from demo.scenarios import (
    ScenarioPortal,
    build_sites,
    docx_of,
    pdf_of,
    standard_portal,
    write_registry,
)
from demo.server import PortalServer

pytestmark = pytest.mark.e2e

PROJECT = Path(__file__).resolve().parents[2]
FAMILY_PORTALS = [  # (family, name, encoding)
    ("trs", "喆城区人民政府", "gbk"),
    ("hanweb", "大汉示范县人民政府", "utf-8"),
    ("jsonapi", "接口示范县人民政府", "utf-8"),
    ("querypage", "翻页示范县人民政府", "gbk"),
]
# The requests only each family's paging makes (no link on any page leads there).
FAMILY_PAGING = {
    "trs": "/zwgk/zfxxgk/ndbg/index_2.html",
    "hanweb": "/module/web/jpage/dataproxy.jsp",
    "jsonapi": "/api/cms/content/list",
    "querypage": "/xxgk/list.aspx",
}




def with_attachment(portal: ScenarioPortal, make, filename: str, style: str,
                    only: bool = False) -> ScenarioPortal:
    """The department's 2024 report gets an attachment linked in the given style."""
    dept = portal.content.columns[1]
    report = dept.reports[-1]
    report.attachments = [make(dept.name, report.year, filename, style)]
    report.attachment_only = only
    return portal


ATTACHMENTS = {  # family -> (format, filename, href style, attachment only)
    "trs": (pdf_of, "2024年度报告（正文）.pdf", "raw_chinese", False),
    "hanweb": (docx_of, "年度报告.docx", "downfile", False),
    "jsonapi": (docx_of, "部门2024年政府信息公开工作年度报告.docx", "percent", False),
    "querypage": (pdf_of, "nb2024.pdf", "relative", True),
}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """Serve the four portals, crawl them once, and hand over the archive and the sites."""
    tmp = tmp_path_factory.mktemp("crawl")
    portals = [
        with_attachment(standard_portal(f"{family}-e2e", name, "130534", family,
                                        years=range(2016, 2025), encoding=encoding),
                        *ATTACHMENTS[family])
        for family, name, encoding in FAMILY_PORTALS
    ]
    with PortalServer() as server:
        urls = server.bind([p.content.id for p in portals])
        sites = build_sites(portals, urls)
        server.start(sites)
        registry = write_registry(tmp / "portals.csv", portals, urls)
        db = tmp / "archive.db"
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "county_portals", "-a", f"portals={registry}",
             "-s", f"ARCHIVE_DB={db}", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
             "-s", "LOG_LEVEL=INFO", "-s", "SCOPE_ALLOWED_NETWORKS=127.0.0.0/8"],
            cwd=PROJECT, capture_output=True, text=True, timeout=240,
        )
        assert result.returncode == 0, result.stderr[-4000:]
        yield portals, urls, sites, db, result.stderr


def archived(db: Path, portal_id: str, kind: str) -> set[str]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT url FROM documents WHERE portal_id = ? AND kind = ?",
                            (portal_id, kind)).fetchall()
    return {url for (url,) in rows}


def expected_urls(portal: ScenarioPortal, sites, urls) -> set[str]:
    site, base = sites[portal.content.id], urls[portal.content.id]
    return {base + site.doc_paths[doc.slug] for doc in portal.expected_reports()}


@pytest.mark.parametrize("index", range(len(FAMILY_PORTALS)), ids=[f for f, _, _ in FAMILY_PORTALS])
def test_every_report_of_every_family_is_archived_and_no_lookalike(crawled, index):
    portals, urls, sites, db, log = crawled
    portal = portals[index]
    expected = expected_urls(portal, sites, urls)
    assert len(expected) == 9 + 2  # 2016-2024 for the government, 2023-2024 for the department
    assert archived(db, portal.content.id, "report_page") == expected, log[-3000:]
    site, base = sites[portal.content.id], urls[portal.content.id]
    lookalikes = {base + site.doc_paths[d.slug] for c in portal.content.columns for d in c.lookalikes}
    assert lookalikes and not lookalikes & archived(db, portal.content.id, "report_page")


@pytest.mark.parametrize("index", range(len(FAMILY_PORTALS)), ids=[f for f, _, _ in FAMILY_PORTALS])
def test_each_family_was_paged_its_own_way(crawled, index):
    portals, _, sites, _, _ = crawled
    family = FAMILY_PORTALS[index][0]
    site = sites[portals[index].content.id]
    assert site.requested(FAMILY_PAGING[family]), f"{family}: its paging was never used"
    if family == "hanweb":
        assert {r.method for r in site.requested(FAMILY_PAGING[family])} == {"POST"}


@pytest.mark.parametrize("index", range(len(FAMILY_PORTALS)), ids=[f for f, _, _ in FAMILY_PORTALS])
def test_attachments_are_archived_linked_to_their_page(crawled, index):
    portals, urls, sites, db, _ = crawled
    portal = portals[index]
    site, base = sites[portal.content.id], urls[portal.content.id]
    report = portal.content.columns[1].reports[-1]
    (attachment,) = report.attachments
    # Scrapy requests (and the archive records) Chinese paths percent-encoded as UTF-8.
    url = safe_url_string(base + site.doc_paths[f"{report.slug}:{attachment.filename}"])
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT parent_url, filename, anchor_text FROM documents WHERE url = ? AND kind = ?",
            (url, "attachment")).fetchone()
    assert row is not None, f"{url} not archived"
    parent_url, filename, anchor = row
    assert parent_url == base + site.doc_paths[report.slug]
    if attachment.href_style == "relative":  # the name only shows as the link text
        assert anchor == attachment.filename
    else:  # in the URL or the Content-Disposition header
        assert filename == attachment.filename

"""The real `scrapy crawl county_portals` against the fixture portals, checked in the archive.

One module-scoped server serves the fixture scenario (every CMS family, a GBK portal, robots,
faults); the first crawl fills an archive, the second runs "a month later" against the
mutated portals. Expectations come from the scenario's content, never from the crawl.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from w3lib.url import safe_url_string

from demo.crawl import LOOPBACK_SETTINGS
from demo.scenarios import DISALLOWED_PREFIX, a_month_later, build_sites, fixture
from demo.server import PortalServer
from tests.support.crawl import query, run_crawl, serve

pytestmark = pytest.mark.e2e

DEAD_PORTAL = "dead"  # a registry row whose server refuses connections


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory):
    """Serve the fixture, crawl it once (and later a second time), yield what tests need."""
    tmp = tmp_path_factory.mktemp("crawl")
    portals = fixture()
    with PortalServer() as server:
        urls = serve(server, portals, tmp / "portals.csv")
        with (tmp / "portals.csv").open("a", encoding="utf-8") as registry:
            registry.write(f"{DEAD_PORTAL},失联县人民政府,130999,county,http://127.0.0.9:1/\n")
        first = run_crawl(tmp / "portals.csv", tmp / "archive.db")
        assert first.returncode == 0, first.log[-3000:]
        state = {"portals": portals, "urls": urls, "server": server, "db": tmp / "archive.db",
                 "tmp": tmp, "first_log": first.log, "first_sites": dict(server.sites)}
        yield state


@pytest.fixture(scope="module")
def month_later(crawled):
    """The portals a month later (one revised, one removed, one added), crawled again."""
    later, mutation = a_month_later(crawled["portals"])
    server: PortalServer = crawled["server"]
    for portal_id, site in build_sites(later, crawled["urls"], first_run=False).items():
        server.replace(portal_id, site)
    second = run_crawl(crawled["tmp"] / "portals.csv", crawled["db"])
    assert second.returncode == 0, second.log[-3000:]
    return {**crawled, "later": later, "mutation": mutation, "second_log": second.log}


def doc_url(state, portal_id: str, key: str, sites=None) -> str:
    """The URL as archived: Scrapy percent-encodes non-ASCII paths (UTF-8), as browsers do."""
    sites = sites or state["first_sites"]
    return safe_url_string(state["urls"][portal_id] + sites[portal_id].doc_paths[key])


def documents(db: Path) -> dict[str, dict]:
    rows = query(db, "SELECT id, url, kind, parent_document_id, filename, redirected_from, gone_at "
                     "FROM documents")
    return {r[1]: {"id": r[0], "kind": r[2], "parent": r[3], "filename": r[4],
                   "redirected_from": json.loads(r[5] or "[]"), "gone_at": r[6]} for r in rows}


def test_every_report_archived_once_and_nothing_else(crawled):
    docs = documents(crawled["db"])
    expected = {doc_url(crawled, p.content.id, d.slug) for p in crawled["portals"]
                for d in p.expected_reports()}
    pages = {url for url, d in docs.items() if d["kind"] == "report_page"}
    assert pages == expected
    assert len(expected) == 12 + 5 + 4 * 13  # qinghe, zhecheng, 4 CMS-family portals
    # once: one document per URL (the UNIQUE url) and one version each
    versions = query(crawled["db"], "SELECT document_id, count(*) FROM versions GROUP BY 1")
    assert {n for _, n in versions} == {1}
    assert len(versions) == len(docs)


def test_report_pages_are_read_as_reports(crawled):
    """The archive's parser finds real reports in what the crawler handed it."""
    rows = query(crawled["db"], "SELECT d.url, r.is_report, r.year FROM documents d "
                                "JOIN reports r ON r.document_id = d.id WHERE d.kind = 'report_page'")
    by_url = {url: (is_report, year) for url, is_report, year in rows}
    for portal in crawled["portals"]:
        for doc in portal.expected_reports():
            if doc.attachment_only:
                continue
            assert by_url[doc_url(crawled, portal.content.id, doc.slug)] == (1, doc.year), doc.title


def test_lookalikes_never_fetched_nor_archived(crawled):
    docs = documents(crawled["db"])
    for portal in crawled["portals"]:
        site = crawled["first_sites"][portal.content.id]
        for column in portal.content.columns:
            for doc in column.lookalikes:
                path = site.doc_paths[doc.slug]
                assert doc_url(crawled, portal.content.id, doc.slug) not in docs
                assert not [r for r in site.log if r.path == path], doc.title
    summaries = query(crawled["db"], "SELECT portal_id, summary FROM run_portals "
                                     "WHERE run_id = 1 AND portal_id != ?", (DEAD_PORTAL,))
    assert len(summaries) == len(crawled["portals"])
    for portal_id, summary in summaries:
        summary = json.loads(summary)
        reasons = {link["reason"] for link in summary["rejected_links"]}
        assert summary["rejected"] == 4, portal_id
        assert reasons == {"graphic of a report", "notice about the reports",
                           "enterprise annual report", "yearbook"}


def test_every_request_names_the_contact_given_on_the_command_line(crawled):
    """-s CONTACT=... reaches the User-Agent of every request, robots.txt included."""
    contact = LOOPBACK_SETTINGS["CONTACT"]
    agents = {r.headers.get("user-agent") for site in crawled["first_sites"].values() for r in site.log}
    assert agents == {f"zfxxgk/0.1 (+archive of government information-disclosure annual reports; "
                      f"contact: {contact})"}
    assert "CONTACT is not set" not in crawled["first_log"]


def test_robots_disallowed_path_never_requested(crawled):
    site = crawled["first_sites"]["qinghe"]
    assert site.requested("/robots.txt")
    assert site.requested(DISALLOWED_PREFIX) == []
    assert not [u for u in documents(crawled["db"]) if DISALLOWED_PREFIX in u]


def test_page_failing_twice_is_retried_and_archived(crawled):
    qinghe = crawled["portals"][0]
    slug = next(d.slug for d in qinghe.content.columns[0].reports if d.year == 2022)
    site = crawled["first_sites"]["qinghe"]
    hits = [r for r in site.log if r.path == site.doc_paths[slug]]
    assert len(hits) == 3  # 500, 500, 200
    url = doc_url(crawled, "qinghe", slug)
    assert query(crawled["db"], "SELECT status FROM fetches WHERE url = ?", (url,)) == [(200,)]


def test_soft_404_is_logged_not_archived(crawled):
    url = doc_url(crawled, "qinghe", "gone-page")
    assert url not in documents(crawled["db"])
    rows = query(crawled["db"], "SELECT status, soft_404, error FROM fetches WHERE url = ?", (url,))
    assert len(rows) == 1 and rows[0][:2] == (200, 1) and "页面不存在" in rows[0][2]


def test_redirect_recorded_with_both_urls(crawled):
    qinghe = crawled["portals"][0]
    slug = next(d.slug for d in qinghe.content.columns[0].reports if d.year == 2020)
    new, old = doc_url(crawled, "qinghe", slug), doc_url(crawled, "qinghe", f"{slug}@moved_from")
    docs = documents(crawled["db"])
    assert old not in docs
    assert docs[new]["redirected_from"] == [old]


def test_gbk_portal_decoded(crawled):
    rows = query(crawled["db"], "SELECT r.agency, r.title FROM reports r JOIN documents d "
                                "ON d.id = r.document_id WHERE d.portal_id = 'zhecheng' "
                                "AND d.kind = 'report_page' ORDER BY r.year")
    assert rows and all(agency.startswith("喆城区") for agency, _ in rows)
    assert ("喆城区人民政府", "喆城区人民政府2021年政府信息公开工作年度报告") in rows


def test_attachments_archived_and_linked_to_their_page(crawled):
    docs = documents(crawled["db"])
    count = 0
    for portal in crawled["portals"]:
        for doc in portal.expected_reports():
            page = docs[doc_url(crawled, portal.content.id, doc.slug)]
            for attachment in doc.attachments:
                url = doc_url(crawled, portal.content.id, f"{doc.slug}:{attachment.filename}")
                archived = docs[url]
                assert archived["kind"] == "attachment"
                assert archived["parent"] == page["id"]
                if attachment.href_style != "relative":  # relative: the server's ASCII name
                    assert archived["filename"] == attachment.filename
                count += 1
    assert count == 5  # relative, percent, raw Chinese, downfile RFC 5987, downfile GBK
    assert len([d for d in docs.values() if d["kind"] == "attachment"]) == count


def test_run_summary_stored_per_portal(crawled):
    rows = dict(query(crawled["db"], "SELECT portal_id, summary FROM run_portals WHERE run_id = 1"))
    assert set(rows) == {p.content.id for p in crawled["portals"]} | {DEAD_PORTAL}
    qinghe = json.loads(rows["qinghe"])
    assert qinghe["reports_listed"] == 14  # 12 reports + soft 404 + robots-disallowed draft
    assert qinghe["new_documents"] == 12 + 4 and qinghe["robots_blocked"] == 1
    assert qinghe["errors"] == 0
    assert "per-portal summary" in crawled["first_log"]
    finished = query(crawled["db"], "SELECT finished_at FROM crawl_runs WHERE id = 1")
    assert finished[0][0]


def test_failing_portal_counted_and_crawl_goes_on(crawled):
    """The dead portal's error is in its summary; every other portal was crawled in full
    (test_every_report_archived_once_and_nothing_else checks the rest)."""
    dead = json.loads(query(crawled["db"], "SELECT summary FROM run_portals WHERE run_id = 1 "
                                           "AND portal_id = ?", (DEAD_PORTAL,))[0][0])
    assert dead["errors"] == 1 and "Connection was refused" in dead["error_messages"][0]
    assert dead["dead_reason"].startswith("robots.txt: ")  # the first request a host gets
    assert "Connection was refused by other side: 111: Connection refused" in dead["dead_reason"]
    assert dead["reports_listed"] == 0


def test_only_and_years_select_portals_and_reports(crawled):
    db = crawled["tmp"] / "selected.db"
    done = run_crawl(crawled["tmp"] / "portals.csv", db,
                     spider_args={"only": "qinghe,zhecheng", "years": "2022-2023"})
    assert done.returncode == 0, done.log[-3000:]
    expected = {doc_url(crawled, p.content.id, key) for p in crawled["portals"][:2]
                for d in p.expected_reports() if d.year in (2022, 2023)
                for key in [d.slug, *(f"{d.slug}:{a.filename}" for a in d.attachments)]}
    assert {url for (url,) in query(db, "SELECT url FROM documents")} == expected
    # qinghe: own 2, 教育局 1 + 2 files, 城关镇 1 + 1 file; zhecheng: own 2, 发改局 2
    assert len(expected) == 2 + 3 + 2 + 4
    assert {p for (p,) in query(db, "SELECT id FROM portals")} == {"qinghe", "zhecheng"}


def test_month_later_exactly_one_revision_one_gone_one_new(month_later):
    state, mutation, db = month_later, month_later["mutation"], month_later["db"]
    later_sites = state["server"].sites
    revised = doc_url(state, "qinghe", mutation.revised)
    removed = doc_url(state, "qinghe", mutation.removed)
    added = doc_url(state, "qinghe", mutation.added, later_sites)
    second_versions = query(db, "SELECT d.url, v.n FROM versions v JOIN documents d "
                                "ON d.id = v.document_id JOIN fetches f ON f.id = v.fetch_id "
                                "WHERE f.run_id = 2")
    assert sorted(second_versions) == sorted([(revised, 2), (added, 1)])
    assert query(db, "SELECT url FROM documents WHERE gone_at IS NOT NULL") == [(removed,)]
    assert query(db, "SELECT url FROM documents WHERE first_seen >= "
                     "(SELECT started_at FROM crawl_runs WHERE id = 2)") == [(added,)]


def test_month_later_unchanged_documents_answer_304(month_later):
    db, mutation = month_later["db"], month_later["mutation"]
    changed = {doc_url(month_later, "qinghe", mutation.revised),
               doc_url(month_later, "qinghe", mutation.removed)}
    first_docs = query(db, "SELECT url FROM documents WHERE first_seen < "
                           "(SELECT started_at FROM crawl_runs WHERE id = 2)")
    unchanged = {url for (url,) in first_docs} - changed
    statuses = dict(query(db, "SELECT url, status FROM fetches WHERE run_id = 2 AND url IN "
                              f"({','.join('?' * len(unchanged))})", tuple(unchanged)))
    assert set(statuses) == unchanged  # every archived document was rechecked...
    assert set(statuses.values()) == {304}  # ...and cost a 304
    summary = json.loads(query(db, "SELECT summary FROM run_portals WHERE run_id = 2 "
                                   "AND portal_id = 'qinghe'")[0][0])
    assert summary["new_versions"] == 2 and summary["gone"] == 1 and summary["new_documents"] == 1

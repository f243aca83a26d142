"""A crawl killed with SIGKILL again and again loses nothing and leaves no process behind."""

from __future__ import annotations

import random
import signal
import subprocess
import time

import psutil
import pytest

from demo.content import Column, PortalContent
from demo.crawl import crawl_command, crawl_environment
from demo.scenarios import ScenarioPortal, build_sites, report, write_registry
from demo.server import PortalServer
from tests.support.crawl import PROJECT, TEST_SETTINGS, query, run_crawl

pytestmark = pytest.mark.e2e

PORTALS, REPORTS = 6, 50  # 300 report pages, ten to a list page
KILLS = 5
SEED = 14


def portals() -> list[ScenarioPortal]:
    made = []
    for index in range(PORTALS):
        name = f"断电{index:02d}县人民政府"
        docs = [report(name, 2000 + n, slug=f"r{n:03d}", published=f"{2001 + n}-01-15") for n in range(REPORTS)]
        made.append(ScenarioPortal("classic", PortalContent(
            f"crash{index:02d}", name, f"{110101 + index:06d}", columns=[Column("政府信息公开年报", docs)])))
    return made


def archived(db) -> int:
    try:
        return query(db, "SELECT count(*) FROM documents")[0][0]
    except Exception:  # not created yet, or being migrated
        return 0


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_sigkill_at_random_moments_then_resume_archives_every_document_once(tmp_path):
    chance = random.Random(SEED)
    scenario = portals()
    registry, db, jobdir = tmp_path / "portals.csv", tmp_path / "archive.db", tmp_path / "job"
    with PortalServer() as server:
        urls = server.bind([p.content.id for p in scenario])
        server.start(build_sites(scenario, urls))
        write_registry(registry, scenario, urls)
        expected = {urls[p.content.id] + server.sites[p.content.id].doc_paths[d.slug]
                    for p in scenario for d in p.expected_reports()}
        assert len(expected) == PORTALS * REPORTS
        command = crawl_command(registry, db, log_level="INFO", jobdir=str(jobdir), extra=TEST_SETTINGS)
        kills = 0
        while kills < KILLS:
            before = archived(db)
            crawl = subprocess.Popen(command, cwd=PROJECT, env=crawl_environment(),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            family = psutil.Process(crawl.pid)
            # Kill at a random moment once this run has archived something of its own.
            progressed = wait_for(lambda before=before, crawl=crawl: archived(db) > before or crawl.poll() is not None, 120)
            assert progressed, "the crawl made no progress"
            time.sleep(chance.uniform(0, 1.0))
            try:
                descendants = family.children(recursive=True)
            except psutil.NoSuchProcess:
                descendants = []
            if crawl.poll() is not None:
                break  # it ended by itself: the archive must be complete (checked below)
            crawl.send_signal(signal.SIGKILL)
            crawl.wait(30)
            kills += 1
            assert descendants, "the crawl had started no archive process"
            _, alive = psutil.wait_procs(descendants, timeout=30)
            assert alive == [], f"left behind after SIGKILL: {alive}"
        final = run_crawl(registry, db, jobdir=jobdir, timeout=300)
        assert final.returncode == 0, final.log[-3000:]

    documents = {url for (url,) in query(db, "SELECT url FROM documents")}
    assert documents == expected
    versions = query(db, "SELECT document_id, count(*) FROM versions GROUP BY 1")
    assert len(versions) == len(expected) and {n for _, n in versions} == {1}
    assert query(db, "PRAGMA integrity_check") == [("ok",)]
    assert kills == KILLS, "a run ended by itself before every kill"
    assert "died" in final.log and "starting over" in final.log
    (summary,) = query(db, "SELECT count(*) FROM run_portals r JOIN crawl_runs c ON c.id = r.run_id "
                           "WHERE c.finished_at IS NOT NULL AND json_extract(r.summary, '$.finished')")
    assert summary == (PORTALS,)

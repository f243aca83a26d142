"""The job directory's mark: a clean stop keeps Scrapy's state, a death throws it away."""

from __future__ import annotations

from crawler.jobdir import RUNNING_MARK, JobDirGuard


def scrapy_state(jobdir) -> None:
    (jobdir / "requests.seen").write_text("abc\n")
    (jobdir / "requests.queue").mkdir()
    (jobdir / "requests.queue" / "p0").write_bytes(b"queued")
    (jobdir / "spider.state").write_bytes(b"state")


def test_a_cleanly_stopped_run_leaves_its_state_for_the_next(tmp_path):
    guard = JobDirGuard(tmp_path)
    assert (tmp_path / RUNNING_MARK).exists()
    scrapy_state(tmp_path)
    guard.spider_closed()
    assert not (tmp_path / RUNNING_MARK).exists()
    JobDirGuard(tmp_path)
    assert (tmp_path / "requests.seen").read_text() == "abc\n"
    assert (tmp_path / "requests.queue" / "p0").exists()


def test_a_run_that_died_is_started_over(tmp_path, caplog):
    JobDirGuard(tmp_path)
    scrapy_state(tmp_path)  # ...and the process is killed: no spider_closed
    JobDirGuard(tmp_path)
    assert not (tmp_path / "requests.seen").exists()
    assert not (tmp_path / "requests.queue").exists()
    assert not (tmp_path / "spider.state").exists()
    assert (tmp_path / RUNNING_MARK).exists()
    assert "died" in caplog.text and "starting over" in caplog.text

"""The project's settings as Scrapy reads them: one value per name, each in force.

A setting assigned twice in crawler/settings.py silently keeps only the second value; these
are the ones whose loss would go unnoticed by a crawl of well-behaved fixture portals.
"""

from __future__ import annotations

import ast
from pathlib import Path

from scrapy.settings import Settings

import crawler.settings

SETTINGS_FILE = Path(crawler.settings.__file__)


def test_no_setting_is_assigned_twice() -> None:
    tree = ast.parse(SETTINGS_FILE.read_text(encoding="utf-8"))
    names = [target.id for node in tree.body if isinstance(node, ast.Assign | ast.AnnAssign)
             for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
             if isinstance(target, ast.Name)]
    assert sorted({n for n in names if names.count(n) > 1}) == []


def test_local_file_and_other_scheme_handlers_are_off() -> None:
    handlers = Settings(crawler.settings.__dict__).getwithbase("DOWNLOAD_HANDLERS")
    assert {scheme: handlers[scheme] for scheme in ("file", "data", "s3", "ftp")} == dict.fromkeys(
        ("file", "data", "s3", "ftp"))


def test_progress_limits_and_jobdir_guard_are_all_enabled() -> None:
    extensions = Settings(crawler.settings.__dict__).getdict("EXTENSIONS")
    assert set(extensions) >= {"crawler.progress.CrawlProgress", "crawler.limits.ResponseLimits",
                               "crawler.jobdir.JobDirGuard"}

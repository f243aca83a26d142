"""Mistyped spider arguments and bad registries end the crawl with one line, logs or not."""

from __future__ import annotations

import subprocess
import sys

import pytest

from demo.crawl import crawl_environment
from tests.support.crawl import PROJECT

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("nolog", [False, True], ids=["logging", "nolog"])
@pytest.mark.parametrize(("argument", "message"), [
    ("year=2023", "zfxxgk crawl: unknown spider argument(s): year (known: portals, only, years)"),
    ("only=nonexistent", "zfxxgk crawl: unknown portal id(s): nonexistent"),
    ("years=20x3", "zfxxgk crawl: years: '20x3' is not a year (2023) or a range (2021-2024)"),
])
def test_usage_errors_are_one_line(tmp_path, argument, message, nolog):
    command = [sys.executable, "-m", "scrapy", "crawl", "county_portals", "-a", argument,
               "-s", f"ARCHIVE_DB={tmp_path / 'archive.db'}", *(["--nolog"] if nolog else [])]
    done = subprocess.run(command, cwd=PROJECT, env=crawl_environment(), capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if "zfxxgk crawl:" in line or "Traceback" in line]
    assert lines == [message]
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "archive.db").exists()  # nothing started


def test_a_bad_registry_row_is_one_line(tmp_path):
    registry = tmp_path / "portals.csv"
    registry.write_text("id,name,region_code,level,url\nqinghe,清河县,１３０５３４,county,http://a.gov.cn/\n",
                        encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "county_portals", "--nolog",
                           "-a", f"portals={registry}", "-s", f"ARCHIVE_DB={tmp_path / 'a.db'}"],
                          cwd=PROJECT, env=crawl_environment(), capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 2
    assert done.stderr.strip() == f"zfxxgk crawl: {registry}:2: region_code '１３０５３４' is not 6 digits"

"""The archive processes behind the pipeline: a crashed one is replaced, nothing else lost."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from archive.parse_worker import ParseLimits
from archive.records import FetchRecord
from crawler.archive_client import LocalArchiveClient


def page(url: str) -> FetchRecord:
    body = "<html><body><h1>清河县2023年政府信息公开工作年度报告</h1></body></html>".encode()
    return FetchRecord(url=url, fetched_at="2026-11-23T10:00:00Z", status=200, body=body,
                       headers={"content-type": "text/html; charset=utf-8"}, portal_id="qinghe")


def test_killed_archive_process_fails_one_call_and_is_replaced(tmp_path):
    async def scenario() -> set[str]:
        client = LocalArchiveClient(str(tmp_path / "archive.db"), processes=1, parse_limits=ParseLimits(60, 0))
        await client.open()
        try:
            await client.record(page("http://127.0.0.11/a.html"))
            os.kill(next(iter(client._pools[0]._processes)), signal.SIGKILL)  # a reader crashing in C
            with pytest.raises(Exception, match="terminated abruptly"):
                await client.record(page("http://127.0.0.11/b.html"))
            await client.record(page("http://127.0.0.11/c.html"))
            return await client.known_urls("qinghe")
        finally:
            await client.close()

    assert asyncio.run(scenario()) == {"http://127.0.0.11/a.html", "http://127.0.0.11/c.html"}

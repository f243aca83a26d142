"""The archive processes behind the pipeline: a crashed one is replaced, nothing else lost."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from archive.records import FetchRecord
from crawler.pipelines import ArchiveWorkers


def page(url: str) -> FetchRecord:
    body = "<html><body><h1>清河县2023年政府信息公开工作年度报告</h1></body></html>".encode()
    return FetchRecord(url=url, fetched_at="2026-11-23T10:00:00Z", status=200, body=body,
                       headers={"content-type": "text/html; charset=utf-8"}, portal_id="qinghe")


def test_killed_archive_process_fails_one_call_and_is_replaced(tmp_path):
    async def scenario() -> tuple[set[str], set[str]]:
        workers = ArchiveWorkers(str(tmp_path / "archive.db"), processes=1)
        await workers.open()
        try:
            await workers.call("record", page("http://127.0.0.11/a.html"), key="qinghe")
            os.kill(next(iter(workers._pools[0]._processes)), signal.SIGKILL)  # a reader crashing in C
            with pytest.raises(Exception, match="terminated abruptly"):
                await workers.call("record", page("http://127.0.0.11/b.html"), key="qinghe")
            await workers.call("record", page("http://127.0.0.11/c.html"), key="qinghe")
            return (await workers.call("known_urls", "qinghe"),
                    await workers.read("known_urls", "qinghe"))
        finally:
            await workers.close()

    by_worker, by_reader = asyncio.run(scenario())
    assert by_worker == by_reader == {"http://127.0.0.11/a.html", "http://127.0.0.11/c.html"}

"""Crawl runs and the portal registry: who was crawled, when, with which settings."""

from __future__ import annotations

from collections.abc import Iterable

import sqlite_utils

from archive.rows import to_json, utc_now


def start_run(db: sqlite_utils.Database, spider: str, settings: dict) -> int:
    table = db["crawl_runs"].insert(
        {"spider": spider, "started_at": utc_now(), "settings": to_json(settings)}
    )
    return int(table.last_pk)


def finish_run(
    db: sqlite_utils.Database, run_id: int, stats: dict, portal_summaries: list[dict]
) -> None:
    db["crawl_runs"].update(run_id, {"finished_at": utc_now(), "stats": to_json(stats)})
    db["run_portals"].upsert_all(
        (
            {
                "run_id": run_id,
                "portal_id": summary.get("portal_id"),
                "summary": to_json(summary),
            }
            for summary in portal_summaries
        ),
        pk=("run_id", "portal_id"),
    )


def upsert_portals(db: sqlite_utils.Database, rows: Iterable[dict]) -> None:
    """Registry rows keyed by `id`; columns beyond the standard ones are kept too."""
    db["portals"].upsert_all(rows, pk="id", alter=True)

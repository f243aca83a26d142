"""What a crawl run did, read from the archive: for the command line's end-of-run summary.

Reads the crawl_runs/run_portals bookkeeping and the portal_coverage view, so a summary
printed by `zfxxgk demo` shows the same figures (and the same unknowns) a reader finds in
Datasette; the command line never writes SQL of its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from archive.store import Archive


@dataclass
class RunOverview:
    run_id: int
    documents: int  # in the whole archive
    reports: int  # documents read as reports, in the whole archive
    portals: list[dict] = field(default_factory=list)  # one summary per portal, by id
    revised: list[dict] = field(default_factory=list)  # reports with more than one version
    failing: int = 0  # latest reports with a failing check
    late: int = 0  # latest reports published after their deadline
    missing: int = 0  # agency/portal years with no report


def last_run(archive: Archive) -> RunOverview | None:
    """The newest run and the archive's totals, or None for an archive no run wrote to."""
    db = archive.db
    run_id = db.execute("SELECT max(id) FROM crawl_runs").fetchone()[0]
    if run_id is None:
        return None
    portals = [
        json.loads(summary)
        for (summary,) in db.execute(
            "SELECT summary FROM run_portals WHERE run_id = ? ORDER BY portal_id", [run_id]
        )
    ]
    count = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
    revised = [
        dict(zip(("agency", "year", "n"), row, strict=True))
        for row in db.execute(
            "SELECT agency, year, n FROM version_history WHERE n > 1 AND document_id IN "
            "(SELECT document_id FROM reports WHERE is_report) ORDER BY agency, year"
        )
    ]
    return RunOverview(
        run_id=run_id,
        documents=count("SELECT count(*) FROM documents"),
        reports=count("SELECT count(DISTINCT document_id) FROM reports WHERE is_report"),
        portals=portals,
        revised=revised,
        failing=count("SELECT count(*) FROM latest_reports WHERE checks_failed > 0"),
        late=count("SELECT count(*) FROM late_reports"),
        missing=count("SELECT count(*) FROM missing_reports")
        + count("SELECT count(*) FROM missing_portal_years"),
    )

"""The guide's examples, taken from the archive being browsed.

A guide that hard-codes one county and one year sends a reader of any other archive to
empty pages. These queries pick, from the archive's own views, an agency with the most
years of figures, a year and province with the most reports, a report to open, and whether
there is anything at all to show for failing checks, revisions, gaps and late reports.
"""

from __future__ import annotations

import sqlite3
from typing import Any

_EXAMPLES = {
    "agency": "SELECT 机关, max(年度) FROM headline_figures GROUP BY 机关 "
    "ORDER BY count(*) DESC, 机关 LIMIT 1",
    "compare": "SELECT l.year, l.province FROM latest_reports l "
    "JOIN headline_figures h ON h.report_id = l.report_id WHERE l.province IS NOT NULL "
    "GROUP BY l.year, l.province ORDER BY count(*) DESC, l.year DESC LIMIT 1",
    # A report that shows most features: failing checks first, then the most figures.
    "report": "SELECT report_id, coalesce(title, agency) FROM latest_reports "
    "ORDER BY checks_failed > 0 DESC, n_values DESC, report_id LIMIT 1",
    "failing": "SELECT 1 FROM latest_reports WHERE checks_failed > 0 LIMIT 1",
    "carry_over": "SELECT 1 FROM carry_over_checks WHERE NOT ok LIMIT 1",
    "revised": "SELECT 1 FROM version_history h WHERE h.n > 1 AND h.document_id IN "
    "(SELECT document_id FROM reports WHERE is_report) LIMIT 1",
    # a year with both kinds of gap if there is one, so both of the guide's links find rows
    "miss": "SELECT year FROM (SELECT year, 1 AS kind FROM missing_reports UNION ALL "
    "SELECT year, 2 FROM missing_portal_years) GROUP BY year "
    "ORDER BY count(DISTINCT kind) DESC, count(*) DESC, year DESC LIMIT 1",
    "late": "SELECT 1 FROM late_reports LIMIT 1",
    "legacy": "SELECT 1 FROM legacy_statistics LIMIT 1",
    "word": "SELECT '复议' FROM reports WHERE text LIKE '%复议%' LIMIT 1",
}


def guide_examples(path: str) -> dict[str, Any]:
    """Examples for the guide; {} when the file cannot be read (the guide then says so)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return {}
    found: dict[str, Any] = {}
    try:
        for name, sql in _EXAMPLES.items():
            try:
                row = conn.execute(sql).fetchone()
            except sqlite3.Error:  # an archive whose views are not rebuilt yet
                row = None
            if row is None:
                continue
            if name == "agency":
                found["agency"], found["agency_year"] = row
            elif name == "compare":
                found["year"], found["province"] = row
            elif name == "report":
                found["report_id"], found["report_title"] = row
            else:
                found[name] = row[0]
    finally:
        conn.close()
    return found

"""What Datasette shows about an archive: titles, descriptions, facets, canned queries.

Built in code rather than a metadata.json so the plugin can apply it to whichever file
name the user opened (`datasette archive.db` makes a database called "archive") and so
the canned queries live next to the views they read.
"""

from __future__ import annotations

TITLE = "政府信息公开工作年度报告 archive (zfxxgk)"
DESCRIPTION = (
    "Every fetch, version and parse of Chinese government information-disclosure annual "
    "reports. Start with latest_reports (one report per agency and year), requests_wide "
    "(the application table with its Chinese column names), version_history (what changed "
    "and when), legacy_statistics (the statistics tables of reports before 2019, as "
    "printed) or the canned queries below. Nothing here is ever overwritten: older "
    "versions, removed pages (gone_at) and older parses stay queryable."
)

_REPORT_COLUMNS = {
    "agency": "Reporting agency (机关) as the report names itself",
    "year": "Year the report covers (报告年度), not the year it was published",
    "template": "Table format: 2021 (国办公开办函〔2021〕30号), 2019, or legacy (before 2019)",
    "province": "Province of the portal that published the report (from the portal registry)",
    "city": "City of the portal that published the report (from the portal registry)",
    "n_values": "Canonical cells with a value (blank cells are NULL, never 0)",
    "checks_total": "Accounting identities of the template evaluated on this report",
    "checks_failed": "Identities that do not add up (total ≠ sum of parts)",
    "sources": "How many documents (page, attachments) carry a report for this agency and year",
    "gone_at": "When the portal stopped serving the document (404, 410 or a 'page not found' page)",
    "published": "Publication date stated by the page or document (ISO date)",
}

_LEGACY_DESCRIPTION = (
    "Reports for 2008-2018 follow no national table template; from 2014 on (国办发〔2014〕32号) "
    "many append a statistics table (统计指标 | 单位 | 统计数). Its indicators are kept as "
    "printed and never mapped onto the 2019/2021 keys of report_values, whose meaning differs."
)
_LEGACY_COLUMNS = {
    "position": "Order of the indicator in the report's table, from 0",
    "label_path": "The indicator's outline ancestors and its own label as printed, joined by ' / ' "
    "(二、依申请公开情况 / (一)收到申请数); a table with several figure columns adds the column's heading",
    "value": "The figure; NULL for a blank, '/' or '—' cell",
    "value_exact": "Exact digits of the figure",
    "unit": "Unit as printed in the unit column, the cell or the label (件, 条, 万元...)",
    "raw_text": "The figure cell as printed",
}

TABLES: dict[str, dict] = {
    "latest_reports": {
        "title": "Latest report per agency and year",
        "description": (
            "The report shown for each agency and year: among the page and its attachments, "
            "the source with more filled cells wins, then the one whose checks pass, then "
            "the page itself. Every candidate is listed in report_candidates."
        ),
        "columns": _REPORT_COLUMNS,
        "facets": ["province", "city", "year", "template"],
    },
    "report_candidates": {
        "title": "Every source of a report, ranked",
        "description": "All current parses that are reports, rank 1 being the one latest_reports shows.",
        "columns": _REPORT_COLUMNS,
        "facets": ["province", "year", "kind"],
    },
    "current_reports": {
        "title": "Newest parse of each document's current version",
        "columns": _REPORT_COLUMNS,
        "facets": ["status", "year", "template"],
    },
    "requests_wide": {
        "title": "三、收到和处理政府信息公开申请情况 (wide)",
        "description": (
            "The application table of each latest report, one row per template row, "
            "with the template's Chinese column names. Counts of applications (件)."
        ),
        "facets": ["省份", "城市", "年度"],
    },
    "failed_checks": {
        "title": "Failed checks",
        "description": "Accounting identities that do not add up in the latest reports: expected is the sum of the parts, actual the printed total.",
        "facets": ["check_name", "year", "province"],
    },
    "version_history": {
        "title": "Version history",
        "description": (
            "Every version of every document with the dates it was first and last served, "
            "and which canonical cells changed from the previous version."
        ),
        "facets": ["fingerprint_kind", "year"],
    },
    "version_changes": {
        "title": "Cell changes between consecutive versions",
        "description": "One row per canonical cell whose value differs from the previous version.",
    },
    "missing_reports": {
        "title": "Agencies with no report for a year",
        "description": "Each agency's years, from its first report in the archive to the newest year any agency has, for which the archive holds no report.",
        "facets": ["province", "city", "year"],
    },
    "report_values_labeled": {
        "title": "Report values with their Chinese labels and units",
        "facets": ["table_name", "year", "template"],
    },
    "portals": {
        "title": "Portals (registry)",
        "description": "Government information-disclosure portals the crawler visits.",
        "label_column": "name",
        "facets": ["province", "level"],
    },
    "crawl_runs": {
        "title": "Crawl runs",
        "description": "One row per crawl or ingest: when it ran, its settings and its stats.",
    },
    "run_portals": {"title": "Per-portal summary of each crawl run"},
    "fetches": {
        "title": "Fetches",
        "description": "Every request and its outcome, errors included; sha256 points at the exact bytes received.",
        "columns": {
            "outcome": "new_document, new_version, unchanged (same content), not_modified (304), gone (first 404), still_gone, not_found (unknown URL), error",
            "sha256": "Raw body received (in blobs), also for fetches that made no new version",
            "etag": "ETag response header, sent back as If-None-Match next time",
        },
        "facets": ["outcome", "status"],
        "sort_desc": "id",
    },
    "documents": {
        "title": "Documents",
        "description": "One per canonical URL: report pages, their attachments and local files.",
        "label_column": "url",
        "columns": {
            "gone_at": _REPORT_COLUMNS["gone_at"]
            + "; cleared if it is served again (the fetch log keeps the 404)",
            "current_version_id": "The newest version",
            "parent_document_id": "For attachments: the report page that links them",
            "referrer": "The page whose link led the crawler here",
            "redirected_from": "URLs that redirected here (JSON list)",
        },
        "facets": ["kind", "portal_id"],
    },
    "versions": {
        "title": "Versions",
        "description": (
            "A new version is made only when the content changes: for HTML pages the "
            "extracted report text, for everything else the raw bytes. Visit counters and "
            "clocks in the page chrome make no new version, but their bytes are kept."
        ),
        "columns": {
            "n": "1 for the first version of the document, 2 for the next...",
            "sha256": "Raw body of the fetch that made this version (in blobs)",
            "fingerprint_kind": "text: sha256 of the extracted body text; raw: sha256 of the bytes",
        },
        "facets": ["fingerprint_kind", "content_type"],
    },
    "blobs": {
        "title": "Raw bodies",
        "description": "Every distinct body received, stored once, zlib-compressed when that saves space.",
    },
    "reports": {
        "title": "Reports (every parse)",
        "description": (
            "One row per parse of a version; reparse adds rows for a new parser version and "
            "keeps the older ones. status: ok, not_report, unreadable (file cannot be read; "
            "raw kept), parse_error (parser failed; raw kept)."
        ),
        "columns": {
            **_REPORT_COLUMNS,
            "reason": "Why the document is not a report, or why it could not be read",
        },
        "facets": ["status", "year", "template", "source_format"],
    },
    "report_values": {
        "title": "Report values (long form)",
        "description": "One row per canonical cell; labels in key_labels or report_values_labeled.",
        "columns": {
            "value": "The number; NULL for a blank, '/', '—' or '无' cell",
            "value_exact": "Exact digits of the value (fees keep every printed decimal)",
            "raw_text": "The cell text as the document printed it",
            "inferred": "1 when the parser derived the value (e.g. a missing total) rather than reading it",
        },
        "facets": ["table_name", "row_key", "col_key"],
    },
    "report_checks": {"title": "Accounting identity checks", "facets": ["ok", "check_name"]},
    "report_legacy_statistics": {
        "title": "Statistics tables of pre-2019 reports (every parse)",
        "description": _LEGACY_DESCRIPTION,
        "columns": _LEGACY_COLUMNS,
    },
    "legacy_statistics": {
        "title": "Statistics tables of pre-2019 reports",
        "description": _LEGACY_DESCRIPTION + " One row per indicator of each latest report.",
        "columns": {**_REPORT_COLUMNS, **_LEGACY_COLUMNS},
        "facets": ["province", "year", "unit"],
    },
    "report_sections": {"title": "Report sections (一 to 六)", "facets": ["section"]},
    "archive_meta": {"hidden": True},  # bookkeeping: when views were last rebuilt
    "key_labels": {
        "title": "Canonical keys: Chinese labels and units",
        "description": "From the official templates; unit 件 for counts, 万元 for amounts.",
        "facets": ["table_name", "template", "axis"],
    },
}

_VALUE = (
    "(SELECT v.value FROM report_values v WHERE v.report_id = l.report_id "
    "AND v.table_name = '{table}' AND v.row_key = '{row}' AND v.col_key = 'total')"
)

QUERIES: dict[str, dict] = {
    "agency_across_years": {
        "title": "One agency across years",
        "description": "Headline figures of an agency's latest report for each year (part of the name is enough).",
        "sql": f"""
SELECT l.year AS 年度, l.agency AS 机关, l.template, l.province, l.city,
  {_VALUE.format(table="requests", row="received")} AS 本年新收申请,
  {_VALUE.format(table="requests", row="total_processed")} AS 办理结果总计,
  {_VALUE.format(table="requests", row="granted")} AS 予以公开,
  {_VALUE.format(table="appeals", row="review")} AS 行政复议,
  l.checks_failed, l.sources, l.url, l.report_id
FROM latest_reports l
WHERE l.agency LIKE '%' || :agency || '%'
ORDER BY l.agency, l.year""",
    },
    "revised_after_publication": {
        "title": "Reports revised after publication",
        "description": "Report documents whose content changed after the archive first saw them, with the cells that changed.",
        "sql": """
SELECT h.agency, h.year, h.url, h.n AS version, h.previous_fetched_at, h.fetched_at,
  h.values_changed, h.changes, h.document_id, h.version_id
FROM version_history h
WHERE h.n > 1 AND h.document_id IN (SELECT document_id FROM reports WHERE is_report)
ORDER BY h.fetched_at DESC""",
    },
    "failing_checks": {
        "title": "Reports whose checks fail",
        "description": "Latest reports with at least one accounting identity that does not add up.",
        "sql": """
SELECT l.agency, l.year, l.province, l.city, l.checks_failed, l.checks_total,
  (SELECT group_concat(c.check_name || ' ' || c.table_name || coalesce('.' || c.row_key, '')
     || coalesce('.' || c.col_key, '') || ': expected ' || c.expected || ', printed '
     || c.actual, '; ')
   FROM report_checks c WHERE c.report_id = l.report_id AND NOT c.ok) AS failures,
  l.url, l.report_id
FROM latest_reports l
WHERE l.checks_failed > 0
ORDER BY l.checks_failed DESC, l.agency, l.year""",
    },
    "search_text": {
        "title": "Search report text",
        "description": "Full-text search (trigram index) over current reports; needs 3 or more characters — use search_text_short for two-character words such as 复议.",
        "sql": """
SELECT c.agency, c.year, c.title,
  snippet(reports_fts, 2, '【', '】', '…', 24) AS excerpt, c.url, c.report_id
FROM reports_fts JOIN current_reports c ON c.report_id = reports_fts.rowid
WHERE reports_fts MATCH '"' || replace(:q, '"', '""') || '"'
ORDER BY rank
LIMIT 500""",
    },
    "search_text_short": {
        "title": "Search report text (any length, slower)",
        "description": "Substring search without the index, for one- and two-character words such as 复议.",
        "sql": """
SELECT c.agency, c.year, c.title,
  substr(r.text, max(1, instr(r.text, :q) - 30), 60 + length(:q)) AS excerpt,
  c.url, c.report_id
FROM current_reports c JOIN reports r ON r.id = c.report_id
WHERE length(:q) > 0 AND r.text LIKE '%' || :q || '%'
ORDER BY c.agency, c.year
LIMIT 500""",
    },
}


def database_metadata() -> dict:
    return {"title": TITLE, "description": DESCRIPTION, "tables": TABLES}

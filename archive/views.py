"""The SQL views: what readers browse and query, rebuilt on every open.

Views and the key-label table hold no data of their own, so they are dropped and created
again whenever their definition changes (`refresh_if_stale`, run by `Archive.open`): a
view fixed in a new release reaches old archives without a migration step.
"""

from __future__ import annotations

import hashlib
import json

import sqlite_utils

from archive.reader_views import reader_views
from archive.schema import COLUMN_UNITS
from archive.summaries import CURRENT_COLUMNS, PORTAL_COLUMNS, PROVINCE_SQL
from parsers.key_schema import load_key_schema

# The figures of headline_figures, by the Chinese column names the view gives them.
HEADLINE_FIGURES = (
    "本年新收申请", "上年结转", "予以公开", "部分公开", "不予公开", "无法提供", "不予处理",
    "其他处理", "办理结果总计", "结转下年度", "行政复议", "行政诉讼",
)  # fmt: skip

REQUESTS_WIDE_COLUMNS = {
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "nonprofit": "社会公益组织",
    "legal_services": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}


# Every occurrence of every term of the trigram index, in term order (fts5vocab reads the
# index itself and holds no data): a search for one or two characters reads the terms
# that start with them instead of every report's text (see metadata's search_text).
SEARCH_TERMS = "reports_fts_terms"
_SEARCH_TERMS_SQL = f"CREATE VIRTUAL TABLE {SEARCH_TERMS} USING fts5vocab(reports_fts, 'instance')"


def derived_fingerprint() -> str:
    """Changes whenever a view or the canonical key list changes, so open() rebuilds them."""
    digest = hashlib.sha256(json.dumps(load_key_schema(), sort_keys=True).encode())
    for name, sql in VIEWS.items():
        digest.update(f"{name}\0{sql}\0".encode())
    digest.update(_SEARCH_TERMS_SQL.encode())
    return digest.hexdigest()


def refresh_derived(db: sqlite_utils.Database) -> None:
    """Rebuild what holds no data of its own: key labels, views and the search terms."""
    _refresh_key_labels(db)
    for name in db.view_names():
        db[name].drop()
    for name, sql in VIEWS.items():
        db.create_view(name, sql)
    db.execute(f"DROP TABLE IF EXISTS {SEARCH_TERMS}")
    db.execute(_SEARCH_TERMS_SQL)


def _refresh_key_labels(db: sqlite_utils.Database) -> None:
    """The Chinese label and unit of every canonical key, from parsers/report_tables.json.

    Kept as a table so SQL (and the views) can show 本年新收政府信息公开申请数量 next to
    `received`; rebuilt on open so it always matches the parser that wrote the values.
    """
    spec = load_key_schema()
    rows: list[dict] = []

    def add(table: str, template: str, axis: str, keys: dict) -> None:
        for position, (key, label) in enumerate(keys.items()):
            item = None
            if isinstance(label, dict):
                item, label = label.get("item"), label["label"]
            rows.append(
                {
                    "table_name": table,
                    "template": template,
                    "axis": axis,
                    "key": key,
                    "position": position,
                    "label": label,
                    "item": item,
                    "unit": COLUMN_UNITS.get(key, "件") if axis == "col" else None,
                }
            )

    for table, table_spec in spec["tables"].items():
        if "templates" in table_spec:
            for template, template_spec in table_spec["templates"].items():
                add(table, template, "row", template_spec["rows"])
                add(table, template, "col", template_spec["cols"])
        else:
            add(table, "", "row", table_spec["rows"])
            add(table, "", "col", table_spec["cols"])
    db["key_labels"].drop(ignore=True)
    db["key_labels"].insert_all(rows, pk=("table_name", "template", "axis", "key"))


_CURRENT_REPORTS = f"""
SELECT {CURRENT_COLUMNS} FROM report_index
"""

# What each identity of parsers/checks.py states, for readers who do not know the keys.
CHECK_RULES = {
    "requests.row_total": "每行：自然人 + 法人或其他组织各列 = 总计 (row: applicant columns add up to the total)",
    "requests.balance": "每列：本年新收 + 上年结转 = 办理结果总计 + 结转下年度 (column: received + carried over = processed + carried forward)",
    "requests.outcome_total": "每列：予以公开 + 部分公开 + 不予公开 + 无法提供 + 不予处理 + 其他处理 = 办理结果总计 (column: outcomes add up to the processed total)",
    "appeals.row_total": "每行：结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计 (row: results add up to the total)",
    "narrative": "正文所述数字 = 表格总计 (narrative: a count stated in the text equals the total in the table)",
}
CHECK_RULE_SQL = (
    "CASE c.check_name "
    + " ".join(f"WHEN '{name}' THEN '{rule}'" for name, rule in CHECK_RULES.items())
    + " END"
)

# Every readable report for an agency and year, best source first (ranked as each
# document is recorded: see archive.summaries).
_REPORT_CANDIDATES = f"""
SELECT {CURRENT_COLUMNS}, {PORTAL_COLUMNS}, rank, sources
FROM report_index WHERE rank IS NOT NULL
"""

# Who and which year first, then what a reader checks (date, checks), then the long
# columns and provenance; sorted so one agency's years sit together, located ones first
# (the order of the latest_order index).
_LATEST_REPORTS = """
SELECT agency, year, province, city, template, published, checks_failed, checks_total,
  n_values, sources, version_n, gone_at, title, url, kind, version_fetched_at, first_seen,
  last_seen, portal_name, portal_id, report_id, document_id, version_id, parser_version
FROM report_index WHERE rank = 1
ORDER BY province IS NULL, province, city, agency, year
"""


def _cell_at(table: str, row_sql: str, col: str) -> str:
    """One figure of the report `l`, by primary key (so filters on the view stay fast)."""
    return (
        f"(SELECT v.value FROM report_values v WHERE v.report_id = l.report_id "
        f"AND v.table_name = '{table}' AND v.row_key = {row_sql} AND v.col_key = '{col}')"
    )


# The totals column of the application table and of the appeals table, one row per latest
# 2019/2021 report, stored with each parse (report_headlines): "how many requests, how
# were they handled" without knowing any key. Blank cells stay NULL, never 0.
_HEADLINE_FIGURES = """
SELECT l.agency AS 机关, l.year AS 年度, l.province AS 省份, l.city AS 城市,
  h.received AS 本年新收申请, h.carried_over AS 上年结转, h.granted AS 予以公开,
  h.partially_granted AS 部分公开, h.denied AS 不予公开, h.unavailable AS 无法提供,
  h.not_processed AS 不予处理, h.other AS 其他处理, h.total_processed AS 办理结果总计,
  h.carried_forward AS 结转下年度, h.review AS 行政复议, h.litigation AS 行政诉讼,
  l.checks_failed AS 未通过核对, l.template, l.url, l.report_id
FROM report_index l INDEXED BY latest_agency
LEFT JOIN report_headlines h ON h.report_id = l.report_id
WHERE l.rank = 1 AND l.template IN ('2019', '2021')
ORDER BY l.agency, l.year
"""

# One row per template row present in the report; each figure a primary-key lookup (see
# _HEADLINE_FIGURES), 推算的列 naming the columns the parser inferred.
_REQUESTS_WIDE = (
    """
SELECT l.agency AS 机关, l.year AS 年度, k.label AS 项目,
  """
    + ",\n  ".join(
        f"{_cell_at('requests', 'k.key', key)} AS {label}"
        for key, label in REQUESTS_WIDE_COLUMNS.items()
    )
    + """,
  (SELECT group_concat(CASE v.col_key """
    + " ".join(f"WHEN '{key}' THEN '{label}'" for key, label in REQUESTS_WIDE_COLUMNS.items())
    + """ END, '、') FROM report_values v
   WHERE v.report_id = l.report_id AND v.table_name = 'requests' AND v.row_key = k.key
     AND v.inferred) AS 推算的列,
  l.province AS 省份, l.city AS 城市, k.key AS 行, l.report_id
FROM report_index l INDEXED BY latest_agency
JOIN key_labels k ON k.table_name = 'requests' AND k.template = '' AND k.axis = 'row'
WHERE l.rank = 1 AND EXISTS (SELECT 1 FROM report_values v WHERE v.report_id = l.report_id
  AND v.table_name = 'requests' AND v.row_key = k.key)
ORDER BY l.agency, l.year, k.position
"""
)

# expected is the sum of the identity's left side (the parts), actual its right side
# (the printed total) -- see parsers/checks.py.
_FAILED_CHECKS = f"""
SELECT l.agency, l.year, l.province, l.city, c.check_name, {CHECK_RULE_SQL} AS check_rule,
  c.table_name, c.row_key, rk.label AS row_label, c.col_key, ck.label AS col_label,
  c.expected, c.actual, c.actual - c.expected AS difference, l.url, c.report_id
FROM report_index l INDEXED BY latest_failing
JOIN report_checks c ON c.report_id = l.report_id
LEFT JOIN key_labels rk ON rk.table_name = c.table_name AND rk.axis = 'row'
  AND rk.key = c.row_key AND rk.template IN ('', coalesce(l.template, ''))
LEFT JOIN key_labels ck ON ck.table_name = c.table_name AND ck.axis = 'col'
  AND ck.key = c.col_key AND ck.template IN ('', coalesce(l.template, ''))
WHERE l.rank = 1 AND l.checks_failed > 0 AND NOT c.ok
ORDER BY l.agency, l.year, c.id
"""

# Cell-by-cell differences between each version's latest parse and its predecessor's,
# with the Chinese labels of the version's template.
_VERSION_CHANGES = """
SELECT c.version_id, c.document_id, c.n, c.table_name, c.row_key, c.col_key, c.old_value,
  c.new_value, rk.label AS row_label, ck.label AS col_label, c.removed, r.agency, r.year,
  r.title, r.id AS report_id
FROM value_changes c
LEFT JOIN reports r ON r.id = (SELECT max(id) FROM reports WHERE version_id = c.version_id)
LEFT JOIN key_labels rk ON rk.table_name = c.table_name AND rk.axis = 'row'
  AND rk.key = c.row_key AND rk.template IN ('', coalesce(r.template, ''))
LEFT JOIN key_labels ck ON ck.table_name = c.table_name AND ck.axis = 'col'
  AND ck.key = c.col_key AND ck.template IN ('', coalesce(r.template, ''))
"""

_VERSION_HISTORY = """
SELECT r.agency, r.year, v.n, v.fetched_at,
  pv.fetched_at AS previous_fetched_at,
  (SELECT max(f.fetched_at) FROM fetches f WHERE f.version_id = v.id) AS last_fetched_at,
  CASE WHEN pv.id IS NOT NULL THEN
    (SELECT count(*) FROM value_changes c WHERE c.version_id = v.id) END AS values_changed,
  CASE WHEN pv.id IS NOT NULL THEN
    (SELECT group_concat(c.table_name || '.' || c.row_key || '.' || c.col_key || ': '
       || coalesce(c.old_value, '∅') || ' → ' || coalesce(c.new_value, '∅')
       || coalesce(' (' || c.row_label || ' / ' || c.col_label || ')', ''), '; ')
     FROM (SELECT * FROM version_changes WHERE version_id = v.id
           ORDER BY removed, table_name, row_key, col_key) c) END AS changes,
  CASE WHEN pv.id IS NOT NULL THEN pv.fingerprint IS NOT v.fingerprint END AS body_changed,
  r.title, d.url, r.status, v.size, v.fingerprint_kind, v.sha256, v.document_id,
  v.id AS version_id
FROM versions v
JOIN documents d ON d.id = v.document_id
LEFT JOIN versions pv ON pv.document_id = v.document_id AND pv.n = v.n - 1
LEFT JOIN reports r ON r.id = (SELECT max(id) FROM reports WHERE version_id = v.id)
"""

# For every agency, each year from its first report to the newest year in the archive
# that has no report from it (agency_years and report_years are kept by each write).
_MISSING_REPORTS = """
SELECT a.agency, y.year, a.years_with_report, a.province, a.city, a.portal_name, a.portal_id
FROM agency_years a INDEXED BY agency_years_agency
JOIN report_years y ON y.year >= a.first_year
WHERE NOT EXISTS (SELECT 1 FROM report_index h WHERE h.rank = 1 AND h.agency = a.agency
  AND h.year = y.year AND coalesce(h.portal_id, '') = a.portal_key)
ORDER BY a.agency, y.year
"""

_REPORT_VALUES_LABELED = """
SELECT r.agency, r.year, r.template, v.table_name, rk.label AS row_label,
  ck.label AS col_label, v.value, ck.unit, v.inferred, v.raw_text, v.value_exact, v.ocr,
  v.row_key, v.col_key, v.report_id
FROM report_values v
JOIN reports r ON r.id = v.report_id
LEFT JOIN key_labels rk ON rk.table_name = v.table_name AND rk.axis = 'row'
  AND rk.key = v.row_key AND rk.template IN ('', coalesce(r.template, ''))
LEFT JOIN key_labels ck ON ck.table_name = v.table_name AND ck.axis = 'col'
  AND ck.key = v.col_key AND ck.template IN ('', coalesce(r.template, ''))
"""

# Pre-2019 statistics tables of the latest reports, with who reported them.
_LEGACY_STATISTICS = """
SELECT l.agency, l.year, l.province, l.city, s.position, s.label_path, s.value, s.unit,
  s.value_exact, s.raw_text, l.url, l.report_id
FROM report_index l INDEXED BY latest_agency
JOIN report_legacy_statistics s ON s.report_id = l.report_id
WHERE l.rank = 1
ORDER BY l.agency, l.year, s.position
"""

# Sections 一-六, cut from the report text they are spans of (see report_section_spans).
_REPORT_SECTIONS = """
SELECT s.report_id, s.section, s.heading,
  coalesce(s.text, substr(r.text, s.start + 1, s.length)) AS text
FROM report_section_spans s JOIN reports r ON r.id = s.report_id
"""

VIEWS: dict[str, str] = {
    "current_reports": _CURRENT_REPORTS,
    "report_candidates": _REPORT_CANDIDATES,
    "latest_reports": _LATEST_REPORTS,
    "headline_figures": _HEADLINE_FIGURES,
    "requests_wide": _REQUESTS_WIDE,
    "failed_checks": _FAILED_CHECKS,
    "version_changes": _VERSION_CHANGES,
    "version_history": _VERSION_HISTORY,
    "missing_reports": _MISSING_REPORTS,
    "report_values_labeled": _REPORT_VALUES_LABELED,
    "legacy_statistics": _LEGACY_STATISTICS,
    "report_sections": _REPORT_SECTIONS,
}
# Readers' views (timeliness, coverage, gaps on the registry, checks across years).
VIEWS.update(reader_views(PROVINCE_SQL))


def refresh_if_stale(db: sqlite_utils.Database) -> None:
    """Rebuild the views and key labels when this release defines them differently."""
    wanted = derived_fingerprint()
    if "archive_meta" in db.table_names():
        row = db.execute("SELECT value FROM archive_meta WHERE key = 'derived'").fetchone()
        if row and row[0] == wanted:
            return
    with db.atomic():
        refresh_derived(db)
        db["archive_meta"].upsert({"key": "derived", "value": wanted}, pk="key")

"""The views of the previous release (schema 3), frozen: what the stored tables must equal.

Copied from archive/schema.py as released at 616a537 and created under an `old_` prefix,
so a test can compare each view of today's archive with what the old SQL computes on the
same data, row for row.
"""

# ruff: noqa: E501

from __future__ import annotations

import re

import sqlite_utils

REQUESTS_WIDE_COLUMNS = {
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "nonprofit": "社会公益组织",
    "legal_services": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}


_CURRENT_REPORTS = """
SELECT r.id AS report_id, r.document_id, r.version_id, d.url, d.kind, d.portal_id,
  d.parent_document_id, d.first_seen, d.last_seen, d.gone_at, v.n AS version_n,
  v.fetched_at AS version_fetched_at, r.parser_version, r.status, r.reason, r.is_report,
  r.template, r.year, r.agency, r.title, r.published, r.n_values, r.checks_total,
  r.checks_failed
FROM documents d
JOIN versions v ON v.id = d.current_version_id
JOIN reports r ON r.id = (SELECT max(id) FROM reports WHERE version_id = v.id)
"""

# Province of a portal: the registry's, else the first two digits of its division code
# (GB/T 2260), so portals registered without a province still facet by province.
PROVINCES_BY_CODE = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省",
    "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省",
    "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
}  # fmt: skip
_PROVINCE = (
    "coalesce(nullif(p.province, ''), CASE substr(p.region_code, 1, 2) "
    + " ".join(f"WHEN '{code}' THEN '{name}'" for code, name in PROVINCES_BY_CODE.items())
    + " END)"
)

# What each identity of parsers/checks.py states, for readers who do not know the keys.
CHECK_RULES = {
    "requests.row_total": "每行：自然人 + 法人或其他组织各列 = 总计 (row: applicant columns add up to the total)",
    "requests.balance": "每列：本年新收 + 上年结转 = 办理结果总计 + 结转下年度 (column: received + carried over = processed + carried forward)",
    "requests.outcome_total": "每列：予以公开 + 部分公开 + 不予公开 + 无法提供 + 不予处理 + 其他处理 = 办理结果总计 (column: outcomes add up to the processed total)",
    "appeals.row_total": "每行：结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计 (row: results add up to the total)",
}
_CHECK_RULE = (
    "CASE c.check_name "
    + " ".join(f"WHEN '{name}' THEN '{rule}'" for name, rule in CHECK_RULES.items())
    + " END"
)

# Every readable report for an agency and year, best source first: more filled cells,
# then fewer failing checks, then the page over its attachment, then the newest fetch.
_REPORT_CANDIDATES = f"""
SELECT c.*, p.name AS portal_name, {_PROVINCE} AS province, nullif(p.city, '') AS city,
  row_number() OVER agency_year AS rank,
  count(*) OVER (PARTITION BY coalesce(c.portal_id, ''), c.agency, c.year) AS sources
FROM current_reports c LEFT JOIN portals p ON p.id = c.portal_id
WHERE c.status = 'ok' AND c.is_report AND c.agency IS NOT NULL AND c.year IS NOT NULL
WINDOW agency_year AS (
  PARTITION BY coalesce(c.portal_id, ''), c.agency, c.year
  ORDER BY c.n_values DESC, c.checks_failed ASC, c.kind = 'report_page' DESC,
    c.version_fetched_at DESC, c.report_id DESC
)
"""

# Who and which year first, then what a reader checks (date, checks), then the long
# columns and provenance; sorted so one agency's years sit together, located ones first.
_LATEST_REPORTS = """
SELECT agency, year, province, city, template, published, checks_failed, checks_total,
  n_values, sources, version_n, gone_at, title, url, kind, version_fetched_at, first_seen,
  last_seen, portal_name, portal_id, report_id, document_id, version_id, parser_version
FROM report_candidates WHERE rank = 1
ORDER BY province IS NULL, province, city, agency, year
"""


def _cell(table: str, row: str, col: str = "total") -> str:
    """One figure of the report `l`, by primary key (so filters on the view stay fast)."""
    return _cell_at(table, f"'{row}'", col)


def _cell_at(table: str, row_sql: str, col: str) -> str:
    return (
        f"(SELECT v.value FROM report_values v WHERE v.report_id = l.report_id "
        f"AND v.table_name = '{table}' AND v.row_key = {row_sql} AND v.col_key = '{col}')"
    )


def _sum(table: str, prefix: str) -> str:
    """The 总计 column summed over a block of sub-rows (denied.1-8...); NULL if all blank.

    A range on the key rather than LIKE, so SQLite searches the primary key.
    """
    return (
        f"(SELECT sum(v.value) FROM report_values v WHERE v.report_id = l.report_id "
        f"AND v.table_name = '{table}' AND v.row_key >= '{prefix}.' "
        f"AND v.row_key < '{prefix}/' AND v.col_key = 'total')"
    )


# The totals column of the application table and of the appeals table, one row per latest
# 2019/2021 report: "how many requests, how were they handled" without knowing any key.
# Blank cells stay NULL (sum() of nothing but NULLs is NULL, never 0). Correlated lookups
# rather than a GROUP BY, so a filter on 机关 or 年度 reaches latest_reports' index.
_HEADLINE_FIGURES = f"""
SELECT l.agency AS 机关, l.year AS 年度, l.province AS 省份, l.city AS 城市,
  {_cell("requests", "received")} AS 本年新收申请,
  {_cell("requests", "carried_over")} AS 上年结转,
  {_cell("requests", "granted")} AS 予以公开,
  {_cell("requests", "partially_granted")} AS 部分公开,
  {_sum("requests", "denied")} AS 不予公开,
  {_sum("requests", "unavailable")} AS 无法提供,
  {_sum("requests", "not_processed")} AS 不予处理,
  coalesce({_cell("requests", "other")}, {_sum("requests", "other")}) AS 其他处理,
  {_cell("requests", "total_processed")} AS 办理结果总计,
  {_cell("requests", "carried_forward")} AS 结转下年度,
  {_cell("appeals", "review")} AS 行政复议,
  (SELECT sum(v.value) FROM report_values v WHERE v.report_id = l.report_id
    AND v.table_name = 'appeals' AND v.row_key IN ('litigation_direct', 'litigation_after_review')
    AND v.col_key = 'total') AS 行政诉讼,
  l.checks_failed AS 未通过核对, l.template, l.url, l.report_id
FROM latest_reports l
WHERE l.template IN ('2019', '2021')
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
FROM latest_reports l
JOIN key_labels k ON k.table_name = 'requests' AND k.template = '' AND k.axis = 'row'
WHERE EXISTS (SELECT 1 FROM report_values v WHERE v.report_id = l.report_id
  AND v.table_name = 'requests' AND v.row_key = k.key)
ORDER BY l.agency, l.year, k.position
"""
)

# expected is the sum of the identity's left side (the parts), actual its right side
# (the printed total) -- see parsers/checks.py.
_FAILED_CHECKS = f"""
SELECT l.agency, l.year, l.province, l.city, c.check_name, {_CHECK_RULE} AS check_rule,
  c.table_name, c.row_key, rk.label AS row_label, c.col_key, ck.label AS col_label,
  c.expected, c.actual, c.actual - c.expected AS difference, l.url, c.report_id
FROM report_checks c JOIN latest_reports l ON l.report_id = c.report_id
LEFT JOIN key_labels rk ON rk.table_name = c.table_name AND rk.axis = 'row'
  AND rk.key = c.row_key AND rk.template IN ('', coalesce(l.template, ''))
LEFT JOIN key_labels ck ON ck.table_name = c.table_name AND ck.axis = 'col'
  AND ck.key = c.col_key AND ck.template IN ('', coalesce(l.template, ''))
WHERE NOT c.ok
ORDER BY l.agency, l.year, c.id
"""

# Cell-by-cell differences between each version's latest parse and its predecessor's,
# with the Chinese labels of the version's template.
_VERSION_CHANGES = """
WITH changes AS (
  SELECT v.id AS version_id, v.document_id, v.n, a.table_name, a.row_key, a.col_key,
    b.value AS old_value, a.value AS new_value
  FROM versions v
  JOIN versions pv ON pv.document_id = v.document_id AND pv.n = v.n - 1
  JOIN report_values a ON a.report_id = (SELECT max(id) FROM reports WHERE version_id = v.id)
  LEFT JOIN report_values b
    ON b.report_id = (SELECT max(id) FROM reports WHERE version_id = pv.id)
    AND b.table_name = a.table_name AND b.row_key = a.row_key AND b.col_key = a.col_key
  WHERE b.report_id IS NULL OR a.value IS NOT b.value
  UNION ALL
  SELECT v.id, v.document_id, v.n, b.table_name, b.row_key, b.col_key, b.value, NULL
  FROM versions v
  JOIN versions pv ON pv.document_id = v.document_id AND pv.n = v.n - 1
  JOIN report_values b ON b.report_id = (SELECT max(id) FROM reports WHERE version_id = pv.id)
  LEFT JOIN report_values a
    ON a.report_id = (SELECT max(id) FROM reports WHERE version_id = v.id)
    AND a.table_name = b.table_name AND a.row_key = b.row_key AND a.col_key = b.col_key
  WHERE a.report_id IS NULL
)
SELECT c.*, rk.label AS row_label, ck.label AS col_label
FROM changes c
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
    (SELECT count(*) FROM version_changes c WHERE c.version_id = v.id) END AS values_changed,
  CASE WHEN pv.id IS NOT NULL THEN
    (SELECT group_concat(c.table_name || '.' || c.row_key || '.' || c.col_key || ': '
       || coalesce(c.old_value, '∅') || ' → ' || coalesce(c.new_value, '∅')
       || coalesce(' (' || c.row_label || ' / ' || c.col_label || ')', ''), '; ')
     FROM version_changes c WHERE c.version_id = v.id) END AS changes,
  CASE WHEN pv.id IS NOT NULL THEN pv.fingerprint IS NOT v.fingerprint END AS body_changed,
  r.title, d.url, r.status, v.size, v.fingerprint_kind, v.sha256, v.document_id,
  v.id AS version_id
FROM versions v
JOIN documents d ON d.id = v.document_id
LEFT JOIN versions pv ON pv.document_id = v.document_id AND pv.n = v.n - 1
LEFT JOIN reports r ON r.id = (SELECT max(id) FROM reports WHERE version_id = v.id)
"""

# For every agency, each year from its first report to the newest year in the archive
# that has no report from it.
_MISSING_REPORTS = f"""
WITH have AS (
  SELECT DISTINCT coalesce(portal_id, '') AS portal_key, portal_id, agency, year
  FROM report_candidates
), agencies AS (
  SELECT portal_key, portal_id, agency, min(year) AS first_year,
    group_concat(year, ', ') AS years_with_report
  FROM (SELECT * FROM have ORDER BY year) GROUP BY portal_key, agency
), years AS (SELECT DISTINCT year FROM have)
SELECT a.agency, y.year, a.years_with_report, {_PROVINCE} AS province,
  nullif(p.city, '') AS city, p.name AS portal_name, a.portal_id
FROM agencies a
JOIN years y ON y.year >= a.first_year
LEFT JOIN have h ON h.portal_key = a.portal_key AND h.agency = a.agency AND h.year = y.year
LEFT JOIN portals p ON p.id = a.portal_id
WHERE h.year IS NULL
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
FROM latest_reports l JOIN report_legacy_statistics s ON s.report_id = l.report_id
ORDER BY l.agency, l.year, s.position
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
}


def create_old_views(db: sqlite_utils.Database) -> None:
    """Create every old view as TEMP old_<name>, reading the same tables."""
    names = "|".join(VIEWS)
    for name, sql in VIEWS.items():
        renamed = re.sub(rf"\b({names})\b", r"old_\1", sql)
        db.execute(f"DROP VIEW IF EXISTS temp.old_{name}")
        db.execute(f"CREATE TEMP VIEW old_{name} AS {renamed}")

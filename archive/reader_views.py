"""Views that answer readers' questions about timeliness, coverage and consistency over years.

They sit on top of the archive's core views (latest_reports, report_candidates, the
registry in portals and the crawl summaries in run_portals), so they need no data of their
own and are rebuilt with the others on every open. `archive.schema` registers them through
`reader_views(province_sql)`; the province expression is handed in rather than imported so
this module imports nothing of the schema it extends.
"""

from __future__ import annotations

# When a report was due, by the 条例 in force for its year: the revised 条例 (2019, art. 49)
# gives departments and townships until 31 January and a government's own summary report
# until 31 March; before it (reports for 2018 and earlier) everything was due 31 March.
# A government's own report is the one whose agency is the portal's own government (its
# registry name), or a 人民政府 above township level.
_OWN_GOVERNMENT = (
    "(l.agency = p.name OR (l.agency LIKE '%人民政府' AND l.agency NOT LIKE '%镇人民政府' "
    "AND l.agency NOT LIKE '%乡人民政府'))"
)
_DEADLINE_RULE = f"""CASE
    WHEN l.year < 2019 THEN '2019年以前：3月31日'
    WHEN {_OWN_GOVERNMENT} THEN '本级政府：3月31日'
    ELSE '部门、乡镇街道：1月31日' END"""
_DEADLINE = f"""CASE
    WHEN l.year < 2019 OR {_OWN_GOVERNMENT} THEN (l.year + 1) || '-03-31'
    ELSE (l.year + 1) || '-01-31' END"""

# Every latest report with its deadline; the date is the one the page states, else the day
# the archive first saw it (which can only be later than the real publication).
_REPORT_DEADLINES = f"""
SELECT l.agency, l.year, l.title, l.url, l.province, l.city,
  coalesce(substr(l.published, 1, 10), substr(l.first_seen, 1, 10)) AS published_or_seen,
  CASE WHEN l.published IS NOT NULL THEN 'published' ELSE 'first_seen' END AS date_source,
  {_DEADLINE} AS deadline, {_DEADLINE_RULE} AS deadline_rule,
  l.template, l.portal_id, l.portal_name, l.report_id
FROM latest_reports l LEFT JOIN portals p ON p.id = l.portal_id
"""

# In latest_reports' order (province, city, agency, year), which its index gives page by
# page; sorting by days_late is a click on the column (and reads every late report).
_LATE_REPORTS = """
SELECT agency, year, title, url,
  CAST(julianday(published_or_seen) - julianday(deadline) AS INTEGER) AS days_late,
  published_or_seen, date_source, deadline, deadline_rule, province, city, template,
  portal_id, portal_name, report_id
FROM report_deadlines
WHERE julianday(published_or_seen) > julianday(deadline)
"""

# Per portal and crawl run, what the crawl found: the summary's keys read with
# json_extract, so keys a crawler release did not write come out NULL (unknown), never 0.
# The registry's rows are sorted first (`coverage`, materialized), and the reports each
# portal holds are counted only for the rows a page shows, through the portal's index.
_PORTAL_COVERAGE = """
WITH runs AS MATERIALIZED (
  SELECT rp.portal_id, rp.run_id, rp.summary, r.started_at, r.finished_at,
    json_extract(rp.summary, '$.errors') AS errors,
    json_extract(rp.summary, '$.reports_listed') AS reports_listed,
    json_extract(rp.summary, '$.finished') AS finished,
    json_extract(rp.summary, '$.dead_reason') AS dead_reason
  FROM run_portals rp JOIN crawl_runs r ON r.id = rp.run_id
), succeeded AS (
  SELECT portal_id, max(started_at) AS last_successful_crawl FROM runs
  WHERE errors = 0 AND dead_reason IS NULL AND coalesce(finished, 1) GROUP BY portal_id
), coverage AS MATERIALIZED (
  SELECT p.id AS portal_id, p.name AS portal_name, {province} AS province,
    nullif(p.city, '') AS city,
    CASE
      WHEN runs.run_id IS NULL THEN 'not_crawled'
      WHEN runs.dead_reason IS NOT NULL THEN 'given_up'
      WHEN runs.finished = 0 THEN 'unfinished'
      WHEN runs.errors > 0 AND coalesce(runs.reports_listed, 0) = 0 THEN 'failed'
      WHEN runs.errors > 0 THEN 'errors'
      WHEN runs.reports_listed = 0 THEN 'no_reports_found'
      WHEN runs.errors IS NULL THEN 'unknown'
      ELSE 'ok' END AS status,
    runs.run_id, runs.started_at, runs.reports_listed, runs.summary, runs.errors,
    runs.dead_reason, runs.finished, succeeded.last_successful_crawl, p.url
  FROM portals p
  LEFT JOIN runs ON runs.portal_id = p.id
  LEFT JOIN succeeded ON succeeded.portal_id = p.id
  ORDER BY province IS NULL, province, city, p.id, runs.run_id DESC
)
SELECT c.portal_id, c.portal_name, c.province, c.city, c.status, c.run_id, c.started_at,
  c.reports_listed,
  json_extract(c.summary, '$.new_documents') AS new_documents,
  json_extract(c.summary, '$.new_versions') AS new_versions,
  json_extract(c.summary, '$.not_modified') AS not_modified,
  json_extract(c.summary, '$.gone') AS gone,
  json_extract(c.summary, '$.rejected') AS rejected,
  c.errors,
  json_extract(c.summary, '$.error_messages') AS error_messages,
  json_extract(c.summary, '$.short_columns') AS short_columns,
  json_extract(c.summary, '$.columns') AS columns,
  json_extract(c.summary, '$.budget_hit') AS budget_hit,
  c.dead_reason,
  json_extract(c.summary, '$.dropped') AS dropped,
  c.finished,
  (SELECT group_concat(year || '：' || n, '，') FROM (SELECT year, count(*) AS n
     FROM report_index WHERE portal_id = c.portal_id AND rank = 1
     GROUP BY year ORDER BY year)) AS reports_per_year,
  (SELECT nullif(count(*), 0) FROM report_index
     WHERE portal_id = c.portal_id AND rank = 1) AS reports,
  (SELECT nullif(count(DISTINCT agency), 0) FROM report_index
     WHERE portal_id = c.portal_id AND rank = 1) AS agencies,
  c.last_successful_crawl,
  c.url,
  (SELECT group_concat(key, ',') FROM json_each(c.summary)) AS recorded_keys
FROM coverage c
"""

# The registry is the list of who should report: every portal of the registry, for every
# year the archive holds reports for, with no report at all from any of its agencies that
# year (a portal never found to publish one too). Agencies missing a year while their
# portal has reports are in missing_reports. The years are report_years (kept by each
# write), each portal's reports an index range of report_index.
_MISSING_PORTAL_YEARS = """
SELECT p.name AS portal_name, y.year,
  (SELECT group_concat(year, ', ') FROM (SELECT DISTINCT year FROM report_index
     WHERE portal_id = p.id AND rank IS NOT NULL ORDER BY year)) AS years_with_report,
  {province} AS province, nullif(p.city, '') AS city, p.id AS portal_id, p.url AS portal_url
FROM portals p CROSS JOIN report_years y
WHERE NOT EXISTS (SELECT 1 FROM report_index h
  WHERE h.portal_id = p.id AND h.year = y.year AND h.rank IS NOT NULL)
ORDER BY province IS NULL, province, city, p.id, y.year
"""

# 上年结转 this year should be last year's 结转下年度 (requests table), column by column:
# the one identity that spans two reports of the same agency. Read from report_index
# (the stored table behind latest_reports, rank 1) in the order of its latest_agency
# index (CROSS JOIN keeps it the outer loop), so a page reads only its own reports and
# last year's report is an index lookup.
CARRY_OVER_CHECK = "requests.carry_over_across_years"
CARRY_OVER_RULE = "本年上年结转 = 上年结转下年度 (carried over this year = carried forward last year)"
_CARRY_OVER_CHECKS = f"""
SELECT l.agency, l.year, l.province, l.city, '{CARRY_OVER_CHECK}' AS check_name,
  '{CARRY_OVER_RULE}' AS check_rule, k.key AS col_key, k.label AS col_label,
  prev_v.value AS previous_carried_forward, this_v.value AS carried_over,
  this_v.value - prev_v.value AS difference,
  (this_v.value IS prev_v.value) AS ok,
  CASE WHEN this_v.value IS prev_v.value THEN 'ok' ELSE 'mismatch' END AS result,
  l.url, l.report_id, prev.report_id AS previous_report_id, prev.url AS previous_url
FROM report_index l INDEXED BY latest_agency
CROSS JOIN report_index prev INDEXED BY latest_agency ON prev.rank = 1
  AND prev.agency = l.agency AND prev.year = l.year - 1
  AND coalesce(prev.portal_id, '') = coalesce(l.portal_id, '')
CROSS JOIN key_labels k ON k.table_name = 'requests' AND k.axis = 'col' AND k.template = ''
JOIN report_values this_v ON this_v.report_id = l.report_id AND this_v.table_name = 'requests'
  AND this_v.row_key = 'carried_over' AND this_v.col_key = k.key
JOIN report_values prev_v ON prev_v.report_id = prev.report_id
  AND prev_v.table_name = 'requests' AND prev_v.row_key = 'carried_forward'
  AND prev_v.col_key = k.key
WHERE l.rank = 1 AND l.template IN ('2019', '2021') AND prev.template IN ('2019', '2021')
  AND (this_v.value IS NOT NULL OR prev_v.value IS NOT NULL)
ORDER BY l.agency, l.year, k.position
"""


def reader_views(province_sql: str) -> dict[str, str]:
    """The reader views, in creation order (each reads only views created before it)."""
    return {
        "missing_portal_years": _MISSING_PORTAL_YEARS.replace("{province}", province_sql),
        "report_deadlines": _REPORT_DEADLINES,
        "late_reports": _LATE_REPORTS,
        "portal_coverage": _PORTAL_COVERAGE.replace("{province}", province_sql),
        "carry_over_checks": _CARRY_OVER_CHECKS,
    }

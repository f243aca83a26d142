"""Stored, indexed tables behind the views readers open, kept current write by write.

Recomputing "the latest report per agency and year" (a window over every document's
newest parse) or headline figures (a dozen lookups per report) on every page load takes
seconds at national scale and times out on some pages. Instead each write that changes
what a view shows updates the few stored rows it touches, in the same transaction:

* `report_index`: one row per document with a parsed current version (the old
  `current_reports`), with its portal's name, province and city and its `rank` and
  `sources` among the documents reporting for the same portal, agency and year (the old
  `report_candidates`); `rank = 1` rows are `latest_reports`. Refreshed by
  `refresh_document` after every fetch that touched the document and every reparse.
* `report_headlines`: the headline figures of each 2019/2021 parse, written with the parse.
* `value_changes`: cell changes between a version's newest parse and its predecessor's,
  rewritten when either gets a new parse.
* `agency_years`, `report_years`: the years each agency has a report for and the years
  the archive holds, for `missing_reports`.

Every statement is keyed by a primary key or a short index range (one document, one
agency and year, one version), so its cost does not grow with the archive.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlite_utils

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
PROVINCE_SQL = (
    "coalesce(nullif(p.province, ''), CASE substr(p.region_code, 1, 2) "
    + " ".join(f"WHEN '{code}' THEN '{name}'" for code, name in PROVINCES_BY_CODE.items())
    + " END)"
)

# The columns of report_index in order: the old current_reports view's, then the portal's,
# then the ranking's.
CURRENT_COLUMNS = (
    "report_id, document_id, version_id, url, kind, portal_id, parent_document_id, "
    "first_seen, last_seen, gone_at, version_n, version_fetched_at, parser_version, status, "
    "reason, is_report, template, year, agency, title, published, n_values, checks_total, "
    "checks_failed"
)
PORTAL_COLUMNS = "portal_name, province, city"

_REFRESH_DOCUMENT = f"""
INSERT OR REPLACE INTO report_index ({CURRENT_COLUMNS}, {PORTAL_COLUMNS}, rank, sources)
SELECT r.id, r.document_id, r.version_id, d.url, d.kind, d.portal_id, d.parent_document_id,
  d.first_seen, d.last_seen, d.gone_at, v.n, v.fetched_at, r.parser_version, r.status,
  r.reason, r.is_report, r.template, r.year, r.agency, r.title, r.published, r.n_values,
  r.checks_total, r.checks_failed, p.name, {PROVINCE_SQL}, nullif(p.city, ''), NULL, NULL
FROM documents d
JOIN versions v ON v.id = d.current_version_id
JOIN reports r ON r.id = (SELECT max(id) FROM reports WHERE version_id = v.id)
LEFT JOIN portals p ON p.id = d.portal_id
WHERE d.id = :document_id
"""

# The ranking of latest_reports: more filled cells, then fewer failing checks, then the
# page over its attachment, then the newest fetch.
_RERANK_GROUP = """
WITH ranked AS (
  SELECT document_id,
    row_number() OVER (ORDER BY n_values DESC, checks_failed ASC, kind = 'report_page' DESC,
      version_fetched_at DESC, report_id DESC) AS rank,
    count(*) OVER () AS sources
  FROM report_index
  WHERE agency = :agency AND year = :year AND coalesce(portal_id, '') = :portal_key
    AND status = 'ok' AND is_report
)
UPDATE report_index SET rank = ranked.rank, sources = ranked.sources
FROM ranked WHERE report_index.document_id = ranked.document_id
"""

_PORTAL_OF_KEY = "FROM portals p WHERE p.id = nullif(:portal_key, '')"
_REFRESH_AGENCY = f"""
INSERT INTO agency_years
  (portal_key, agency, portal_id, first_year, years_with_report, {PORTAL_COLUMNS})
SELECT :portal_key, :agency, max(portal_id), min(year), group_concat(year, ', '),
  (SELECT p.name {_PORTAL_OF_KEY}), (SELECT {PROVINCE_SQL} {_PORTAL_OF_KEY}),
  (SELECT nullif(p.city, '') {_PORTAL_OF_KEY})
FROM (SELECT DISTINCT portal_id, year FROM report_index
      WHERE rank = 1 AND agency = :agency AND coalesce(portal_id, '') = :portal_key
      ORDER BY year)
HAVING count(*) > 0
"""


def _cell(table: str, row: str, col: str = "total") -> str:
    return (
        f"(SELECT v.value FROM report_values v WHERE v.report_id = :report_id "
        f"AND v.table_name = '{table}' AND v.row_key = '{row}' AND v.col_key = '{col}')"
    )


def _sum(table: str, prefix: str) -> str:
    """The 总计 column summed over a block of sub-rows (denied.1-8...); NULL if all blank."""
    return (
        f"(SELECT sum(v.value) FROM report_values v WHERE v.report_id = :report_id "
        f"AND v.table_name = '{table}' AND v.row_key >= '{prefix}.' "
        f"AND v.row_key < '{prefix}/' AND v.col_key = 'total')"
    )


# Headline figure columns of report_headlines and how each is read from report_values.
HEADLINES = {
    "received": _cell("requests", "received"),
    "carried_over": _cell("requests", "carried_over"),
    "granted": _cell("requests", "granted"),
    "partially_granted": _cell("requests", "partially_granted"),
    "denied": _sum("requests", "denied"),
    "unavailable": _sum("requests", "unavailable"),
    "not_processed": _sum("requests", "not_processed"),
    "other": f"coalesce({_cell('requests', 'other')}, {_sum('requests', 'other')})",
    "total_processed": _cell("requests", "total_processed"),
    "carried_forward": _cell("requests", "carried_forward"),
    "review": _cell("appeals", "review"),
    "litigation": (
        "(SELECT sum(v.value) FROM report_values v WHERE v.report_id = :report_id "
        "AND v.table_name = 'appeals' AND v.row_key IN ('litigation_direct', "
        "'litigation_after_review') AND v.col_key = 'total')"
    ),
}
HEADLINE_TEMPLATES = ("2019", "2021")

_STORE_HEADLINES = f"""
INSERT OR REPLACE INTO report_headlines (report_id, {", ".join(HEADLINES)})
SELECT :report_id, {", ".join(HEADLINES.values())}
"""

_VERSION_CHANGES = """
INSERT INTO value_changes
  (version_id, document_id, n, table_name, row_key, col_key, old_value, new_value, removed)
SELECT v.id, v.document_id, v.n, a.table_name, a.row_key, a.col_key, b.value, a.value, 0
FROM versions v
JOIN versions pv ON pv.document_id = v.document_id AND pv.n = v.n - 1
JOIN report_values a ON a.report_id = (SELECT max(id) FROM reports WHERE version_id = v.id)
LEFT JOIN report_values b
  ON b.report_id = (SELECT max(id) FROM reports WHERE version_id = pv.id)
  AND b.table_name = a.table_name AND b.row_key = a.row_key AND b.col_key = a.col_key
WHERE v.id = :version_id AND (b.report_id IS NULL OR a.value IS NOT b.value)
UNION ALL
SELECT v.id, v.document_id, v.n, b.table_name, b.row_key, b.col_key, b.value, NULL, 1
FROM versions v
JOIN versions pv ON pv.document_id = v.document_id AND pv.n = v.n - 1
JOIN report_values b ON b.report_id = (SELECT max(id) FROM reports WHERE version_id = pv.id)
LEFT JOIN report_values a
  ON a.report_id = (SELECT max(id) FROM reports WHERE version_id = v.id)
  AND a.table_name = b.table_name AND a.row_key = b.row_key AND a.col_key = b.col_key
WHERE v.id = :version_id AND a.report_id IS NULL
"""


def report_stored(
    db: sqlite_utils.Database, report_id: int, version_id: int, template: str | None
) -> None:
    """A parse was added to `version_id`: its headline figures, and the cell changes of its
    version and of the next one (whose predecessor's newest parse this now is)."""
    if template in HEADLINE_TEMPLATES:
        db.execute(_STORE_HEADLINES, {"report_id": report_id})
    refresh_changes(db, version_id)
    following = db.execute(
        "SELECT n.id FROM versions v JOIN versions n ON n.document_id = v.document_id "
        "AND n.n = v.n + 1 WHERE v.id = ?",
        [version_id],
    ).fetchone()
    if following:
        refresh_changes(db, following[0])


def refresh_changes(db: sqlite_utils.Database, version_id: int) -> None:
    db.execute("DELETE FROM value_changes WHERE version_id = ?", [version_id])
    db.execute(_VERSION_CHANGES, {"version_id": version_id})


def refresh_document(db: sqlite_utils.Database, document_id: int) -> None:
    """Bring the document's report_index row, and the rankings it is part of, up to date."""
    before = _group(db, document_id)
    db.execute("DELETE FROM report_index WHERE document_id = ?", [document_id])
    db.execute(_REFRESH_DOCUMENT, {"document_id": document_id})
    after = _group(db, document_id)
    for group in dict.fromkeys(g for g in (before, after) if g is not None):
        _refresh_group(db, *group)


def refresh_portals(db: sqlite_utils.Database, portal_ids: Iterable[str]) -> None:
    """A registry change: the portal's name, province and city on its rows."""
    for portal_id in portal_ids:
        for table in ("report_index", "agency_years"):
            db.execute(
                f"UPDATE {table} SET ({PORTAL_COLUMNS}) = (SELECT p.name, {PROVINCE_SQL}, "
                f"nullif(p.city, '') FROM portals p WHERE p.id = :portal_id) "
                f"WHERE portal_id = :portal_id",
                {"portal_id": portal_id},
            )


def rebuild(db: sqlite_utils.Database) -> None:
    """Fill every stored table from the base tables (a migrated archive, a repair)."""
    for table in (
        "report_index",
        "report_headlines",
        "value_changes",
        "agency_years",
        "report_years",
    ):
        db.execute(f"DELETE FROM {table}")
    for (report_id,) in db.execute(
        "SELECT id FROM reports WHERE template IN ('2019', '2021')"
    ).fetchall():
        db.execute(_STORE_HEADLINES, {"report_id": report_id})
    for (version_id,) in db.execute("SELECT id FROM versions WHERE n > 1").fetchall():
        db.execute(_VERSION_CHANGES, {"version_id": version_id})
    for (document_id,) in db.execute("SELECT id FROM documents").fetchall():
        db.execute(_REFRESH_DOCUMENT, {"document_id": document_id})
    groups = db.execute(
        "SELECT DISTINCT coalesce(portal_id, ''), agency, year FROM report_index "
        "WHERE agency IS NOT NULL AND year IS NOT NULL"
    ).fetchall()
    for group in groups:
        _refresh_group(db, *group)


def _group(db: sqlite_utils.Database, document_id: int) -> tuple[str, str, int] | None:
    row = db.execute(
        "SELECT coalesce(portal_id, ''), agency, year FROM report_index WHERE document_id = ?",
        [document_id],
    ).fetchone()
    if row is None or row[1] is None or row[2] is None:
        return None
    return row[0], row[1], row[2]


def _refresh_group(db: sqlite_utils.Database, portal_key: str, agency: str, year: int) -> None:
    """Rank the group's reports, then the agency's years and whether the year has reports."""
    params = {"portal_key": portal_key, "agency": agency, "year": year}
    db.execute(
        "UPDATE report_index SET rank = NULL, sources = NULL WHERE agency = :agency "
        "AND year = :year AND coalesce(portal_id, '') = :portal_key AND rank IS NOT NULL",
        params,
    )
    db.execute(_RERANK_GROUP, params)
    db.execute(
        "DELETE FROM agency_years WHERE portal_key = :portal_key AND agency = :agency", params
    )
    db.execute(_REFRESH_AGENCY, params)
    db.execute("DELETE FROM report_years WHERE year = :year", params)
    db.execute(
        "INSERT INTO report_years (year) SELECT :year WHERE EXISTS "
        "(SELECT 1 FROM report_index WHERE rank = 1 AND year = :year)",
        params,
    )

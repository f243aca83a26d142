"""The archive's public schema: what users query with SQL and browse in Datasette.

Tables are created by the migration steps in `archive.migrations` (so an archive built
today and one migrated from version 1 end up identical); this module holds the pieces
that are rebuilt on every open because they hold no data of their own: the label
lookup table, the full-text index triggers and the SQL views. Rebuilding them means a
view fixed in a new release reaches old archives without a migration step.
"""

from __future__ import annotations

import functools
import hashlib
import json
from importlib import resources

import sqlite_utils

# PRAGMA application_id: marks a SQLite file as a zfxxgk archive ("zfxg" in ASCII), so a
# foreign database is refused instead of being filled with our tables.
APPLICATION_ID = 0x7A667867
# PRAGMA user_version: the schema version this code writes (see archive.migrations).
SCHEMA_VERSION = 3

# Units of the canonical columns that are not plain counts (件).
COLUMN_UNITS = {"amount_10k_yuan": "万元", "amount": "万元"}

REQUESTS_WIDE_COLUMNS = {
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "nonprofit": "社会公益组织",
    "legal_services": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}


def create_v1_tables(db: sqlite_utils.Database) -> None:
    """Schema version 1, frozen: archives in the wild were built by exactly this.

    Schema changes go in a new step in archive.migrations, never here.
    """
    db["portals"].create(
        {
            "id": str,
            "name": str,
            "region_code": str,
            "level": str,
            "url": str,
            "province": str,
            "city": str,
        },
        pk="id",
    )
    db["crawl_runs"].create(
        {
            "id": int,
            "spider": str,
            "started_at": str,
            "finished_at": str,
            "settings": str,
            "stats": str,
        },
        pk="id",
    )
    db["run_portals"].create(
        {"run_id": int, "portal_id": str, "summary": str},
        pk=("run_id", "portal_id"),
        foreign_keys=[("run_id", "crawl_runs", "id"), ("portal_id", "portals", "id")],
    )
    db["blobs"].create(
        {"sha256": str, "size": int, "compression": str, "stored_size": int, "data": bytes},
        pk="sha256",
    )
    db["documents"].create(
        {
            "id": int,
            "url": str,
            "kind": str,
            "portal_id": str,
            "first_seen": str,
            "last_seen": str,
            "gone_at": str,
            "current_version_id": int,
            "referrer": str,
            "anchor_text": str,
            "parent_url": str,
            "parent_document_id": int,
            "redirected_from": str,
            "filename": str,
        },
        pk="id",
        not_null=["url", "kind", "first_seen", "last_seen"],
        foreign_keys=[
            ("portal_id", "portals", "id"),
            ("parent_document_id", "documents", "id"),
        ],
    )
    db["versions"].create(
        {
            "id": int,
            "document_id": int,
            "n": int,
            "fetched_at": str,
            "fetch_id": int,
            "sha256": str,
            "fingerprint_kind": str,
            "fingerprint": str,
            "content_type": str,
            "size": int,
        },
        pk="id",
        not_null=["document_id", "n", "fetched_at", "sha256", "fingerprint"],
        foreign_keys=[("document_id", "documents", "id"), ("sha256", "blobs", "sha256")],
    )
    # documents.current_version_id points forward to versions; add the foreign key now
    # that both tables exist, so Datasette links a document to its current version.
    db["documents"].add_foreign_key("current_version_id", "versions", "id")
    db["fetches"].create(
        {
            "id": int,
            "run_id": int,
            "url": str,
            "fetched_at": str,
            "status": int,
            "outcome": str,
            "error": str,
            "soft_404": bool,
            "etag": str,
            "last_modified": str,
            "content_type": str,
            "bytes": int,
            "sha256": str,
            "document_id": int,
            "version_id": int,
            "redirected_from": str,
        },
        pk="id",
        not_null=["url", "fetched_at", "outcome"],
        foreign_keys=[
            ("run_id", "crawl_runs", "id"),
            ("document_id", "documents", "id"),
            ("version_id", "versions", "id"),
            ("sha256", "blobs", "sha256"),
        ],
    )
    db["reports"].create(
        {
            "id": int,
            "version_id": int,
            "document_id": int,
            "parser_version": str,
            "parsed_at": str,
            "status": str,
            "reason": str,
            "is_report": bool,
            "template": str,
            "year": int,
            "agency": str,
            "title": str,
            "published": str,
            "text": str,
            "text_sha256": str,
            "warnings": str,
            "n_values": int,
            "checks_total": int,
            "checks_failed": int,
        },
        pk="id",
        not_null=["version_id", "document_id", "parser_version", "status"],
        foreign_keys=[("version_id", "versions", "id"), ("document_id", "documents", "id")],
    )
    # ~200 rows per report: clustered on its primary key (WITHOUT ROWID, which
    # sqlite-utils cannot declare) so the key is not stored twice, table and index.
    db.execute(
        """
        CREATE TABLE report_values (
            report_id INTEGER NOT NULL REFERENCES reports(id),
            table_name TEXT NOT NULL,
            row_key TEXT NOT NULL,
            col_key TEXT NOT NULL,
            value ANY,  -- NUMERIC affinity: counts stay integers, fees are reals
            value_exact TEXT,
            raw_text TEXT,
            inferred INTEGER,
            PRIMARY KEY (report_id, table_name, row_key, col_key)
        ) WITHOUT ROWID
        """
    )
    db["report_checks"].create(
        {
            "id": int,
            "report_id": int,
            "check_name": str,
            "table_name": str,
            "row_key": str,
            "col_key": str,
            "expected": "ANY",
            "actual": "ANY",
            "ok": bool,
        },
        pk="id",
        foreign_keys=[("report_id", "reports", "id")],
    )
    db["report_sections"].create(
        {"report_id": int, "section": str, "heading": str, "text": str},
        pk=("report_id", "section"),
        foreign_keys=[("report_id", "reports", "id")],
    )
    for table, columns in [
        ("fetches", ["url", "fetched_at"]),
        ("fetches", ["version_id", "sha256"]),
        ("fetches", ["run_id"]),
        ("documents", ["portal_id"]),
        ("versions", ["document_id", "n"]),
        ("reports", ["version_id"]),
        ("reports", ["agency", "year"]),
        ("report_checks", ["report_id"]),
    ]:
        db[table].create_index(columns, unique=columns == ["document_id", "n"])
    db["documents"].create_index(["url"], unique=True)
    db["reports"].enable_fts(["title", "agency", "text"], tokenize="trigram", create_triggers=True)


def derived_fingerprint() -> str:
    """Changes whenever a view or the canonical key list changes, so open() rebuilds them."""
    digest = hashlib.sha256(_key_spec_text().encode())
    for name, sql in VIEWS.items():
        digest.update(f"{name}\0{sql}\0".encode())
    return digest.hexdigest()


def refresh_derived(db: sqlite_utils.Database) -> None:
    """Rebuild what holds no data of its own: key labels and views."""
    _refresh_key_labels(db)
    for name in db.view_names():
        db[name].drop()
    for name, sql in VIEWS.items():
        db.create_view(name, sql)


def _refresh_key_labels(db: sqlite_utils.Database) -> None:
    """The Chinese label and unit of every canonical key, from parsers/report_tables.json.

    Kept as a table so SQL (and the views) can show 本年新收政府信息公开申请数量 next to
    `received`; rebuilt on open so it always matches the parser that wrote the values.
    """
    spec = json.loads(_key_spec_text())
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


@functools.cache
def section_headings() -> dict[str, str]:
    """Section number ("1".."6") -> the template's heading, e.g. 一、总体情况."""
    return json.loads(_key_spec_text())["sections"]


@functools.cache
def canonical_cells() -> list[str]:
    """Every canonical cell as table.row.col, in template order (2021 keys, then 2019's)."""
    spec = json.loads(_key_spec_text())
    cells: list[str] = []
    for table, table_spec in spec["tables"].items():
        if "templates" in table_spec:
            for template in sorted(table_spec["templates"], reverse=True):
                for row, row_spec in table_spec["templates"][template]["rows"].items():
                    cells += [f"{table}.{row}.{col}" for col in row_spec["cols"]]
        else:
            cells += [
                f"{table}.{row}.{col}" for row in table_spec["rows"] for col in table_spec["cols"]
            ]
    return list(dict.fromkeys(cells))  # 2019 and 2021 share some active-table cells


def _key_spec_text() -> str:
    return resources.files("parsers").joinpath("report_tables.json").read_text("utf-8")


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

# Every readable report for an agency and year, best source first: more filled cells,
# then fewer failing checks, then the page over its attachment, then the newest fetch.
_REPORT_CANDIDATES = """
SELECT c.*, p.name AS portal_name, p.province, p.city,
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

_LATEST_REPORTS = """
SELECT report_id, portal_id, portal_name, province, city, agency, year, template, title,
  published, url, kind, version_n, version_fetched_at, first_seen, last_seen, gone_at,
  n_values, checks_total, checks_failed, sources, document_id, version_id, parser_version
FROM report_candidates WHERE rank = 1
"""

_REQUESTS_WIDE = (
    """
SELECT l.report_id, l.province AS 省份, l.city AS 城市, l.agency AS 机关, l.year AS 年度,
  v.row_key AS 行, k.label AS 项目, """
    + ",\n  ".join(
        f"max(CASE WHEN v.col_key = '{key}' THEN v.value END) AS {label}"
        for key, label in REQUESTS_WIDE_COLUMNS.items()
    )
    + """
FROM latest_reports l
JOIN report_values v ON v.report_id = l.report_id AND v.table_name = 'requests'
LEFT JOIN key_labels k ON k.table_name = 'requests' AND k.template = '' AND k.axis = 'row'
  AND k.key = v.row_key
GROUP BY l.report_id, v.row_key
ORDER BY l.agency, l.year, k.position
"""
)

_FAILED_CHECKS = """
SELECT c.report_id, l.agency, l.year, l.province, l.city, c.check_name, c.table_name,
  c.row_key, c.col_key, c.expected, c.actual, l.url
FROM report_checks c JOIN latest_reports l ON l.report_id = c.report_id
WHERE NOT c.ok
"""

# Cell-by-cell differences between each version's latest parse and its predecessor's.
_VERSION_CHANGES = """
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
"""

_VERSION_HISTORY = """
SELECT v.id AS version_id, d.url, v.n, r.agency, r.year, v.fetched_at,
  pv.fetched_at AS previous_fetched_at,
  (SELECT max(f.fetched_at) FROM fetches f WHERE f.version_id = v.id) AS last_fetched_at,
  CASE WHEN pv.id IS NOT NULL THEN
    (SELECT count(*) FROM version_changes c WHERE c.version_id = v.id) END AS values_changed,
  CASE WHEN pv.id IS NOT NULL THEN
    (SELECT group_concat(c.table_name || '.' || c.row_key || '.' || c.col_key || ': '
       || coalesce(c.old_value, '∅') || ' → ' || coalesce(c.new_value, '∅'), '; ')
     FROM version_changes c WHERE c.version_id = v.id) END AS changes,
  CASE WHEN pv.id IS NOT NULL THEN pv.fingerprint IS NOT v.fingerprint END AS body_changed,
  r.title, r.status, v.size, v.sha256, v.fingerprint_kind, v.document_id
FROM versions v
JOIN documents d ON d.id = v.document_id
LEFT JOIN versions pv ON pv.document_id = v.document_id AND pv.n = v.n - 1
LEFT JOIN reports r ON r.id = (SELECT max(id) FROM reports WHERE version_id = v.id)
"""

# For every agency, each year from its first report to the newest year in the archive
# that has no report from it.
_MISSING_REPORTS = """
WITH have AS (
  SELECT DISTINCT coalesce(portal_id, '') AS portal_key, portal_id, agency, year
  FROM report_candidates
), agencies AS (
  SELECT portal_key, portal_id, agency, min(year) AS first_year
  FROM have GROUP BY portal_key, agency
), years AS (SELECT DISTINCT year FROM have)
SELECT a.portal_id, p.name AS portal_name, p.province, p.city, a.agency, y.year
FROM agencies a
JOIN years y ON y.year >= a.first_year
LEFT JOIN have h ON h.portal_key = a.portal_key AND h.agency = a.agency AND h.year = y.year
LEFT JOIN portals p ON p.id = a.portal_id
WHERE h.year IS NULL
ORDER BY a.agency, y.year
"""

_REPORT_VALUES_LABELED = """
SELECT v.report_id, r.agency, r.year, r.template, v.table_name, v.row_key, v.col_key,
  rk.label AS row_label, ck.label AS col_label, v.value, v.value_exact, ck.unit,
  v.raw_text, v.inferred, v.ocr
FROM report_values v
JOIN reports r ON r.id = v.report_id
LEFT JOIN key_labels rk ON rk.table_name = v.table_name AND rk.axis = 'row'
  AND rk.key = v.row_key AND rk.template IN ('', coalesce(r.template, ''))
LEFT JOIN key_labels ck ON ck.table_name = v.table_name AND ck.axis = 'col'
  AND ck.key = v.col_key AND ck.template IN ('', coalesce(r.template, ''))
"""

# Pre-2019 statistics tables of the latest reports, with who reported them.
_LEGACY_STATISTICS = """
SELECT l.report_id, l.province, l.city, l.agency, l.year, s.position, s.label_path, s.value,
  s.value_exact, s.unit, s.raw_text, l.url
FROM latest_reports l JOIN report_legacy_statistics s ON s.report_id = l.report_id
ORDER BY l.agency, l.year, s.position
"""

VIEWS: dict[str, str] = {
    "current_reports": _CURRENT_REPORTS,
    "report_candidates": _REPORT_CANDIDATES,
    "latest_reports": _LATEST_REPORTS,
    "requests_wide": _REQUESTS_WIDE,
    "failed_checks": _FAILED_CHECKS,
    "version_changes": _VERSION_CHANGES,
    "version_history": _VERSION_HISTORY,
    "missing_reports": _MISSING_REPORTS,
    "report_values_labeled": _REPORT_VALUES_LABELED,
    "legacy_statistics": _LEGACY_STATISTICS,
}

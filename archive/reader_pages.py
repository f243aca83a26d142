"""The reader's pages of the Datasette plugin: a report, an agency's timeline, one figure
across agencies.

Datasette's row page shows a report as 21 raw columns; a reader wants the report as it was
printed, where it came from and what changed. These pages read the archive's views and
tables, lay the tables out with `archive.report_layout`, and render the plugin's templates
(archive/templates). Charts use the Chart.js copy in archive/static, served by Datasette
itself, so an archive opened offline or behind a firewall draws them too.
"""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

from datasette import NotFound, Response

from archive.report_layout import (
    Value,
    describe_carry_over,
    describe_failure,
    grid,
    printed_tables,
)
from archive.summaries import PROVINCES_BY_CODE
from archive.views import HEADLINE_FIGURES

# The figures a timeline or a comparison can chart: the columns of headline_figures.
FIGURES = (*HEADLINE_FIGURES, "未通过核对")
SCOPES = {"portal": "portal_id", "city": "city", "province": "province"}


def report_url(datasette, database: str, report_id: int) -> str:
    return datasette.urls.path(f"/-/zfxxgk/report/{quote(database)}/{report_id}")


def raw_url(datasette, database: str, sha256: str) -> str:
    return datasette.urls.path(f"/-/zfxxgk/raw/{quote(database)}/{sha256}")


def timeline_url(datasette, database: str, agency: str, portal_id: str | None, figure: str | None = None) -> str:
    params = {"agency": agency, **({"portal": portal_id} if portal_id else {}), **({"figure": figure} if figure else {})}
    return datasette.urls.path(f"/-/zfxxgk/timeline/{quote(database)}?{urlencode(params)}")


async def _rows(database, sql: str, params: list | dict = ()) -> list[dict]:
    result = await database.execute(sql, params)
    return [dict(row) for row in result.rows]


async def report_page(datasette, request, database_name: str) -> Response:
    database = datasette.get_database(database_name)
    report_id = int(request.url_vars["report_id"])
    found = await _rows(
        database,
        """SELECT r.*, d.url, d.kind, d.portal_id, d.first_seen, d.last_seen, d.gone_at,
             d.parent_document_id, d.filename, v.n AS version_n, v.sha256, v.fetched_at,
             p.name AS portal_name, p.province, p.city, p.region_code,
             (SELECT max(f.fetched_at) FROM fetches f WHERE f.document_id = d.id) AS last_fetched
           FROM reports r JOIN versions v ON v.id = r.version_id
           JOIN documents d ON d.id = r.document_id
           LEFT JOIN portals p ON p.id = d.portal_id WHERE r.id = ?""",
        [report_id],
    )
    if not found:
        raise NotFound(f"No report {report_id}")
    report = found[0]
    if not report["province"] and report["region_code"]:  # as the views do (GB/T 2260)
        report["province"] = PROVINCES_BY_CODE.get(report["region_code"][:2])
    values = {
        (row["table_name"], row["row_key"], row["col_key"]): Value(
            row["value"], row["value_exact"], row["raw_text"], bool(row["inferred"]), bool(row["ocr"])
        )
        for row in await _rows(database, "SELECT * FROM report_values WHERE report_id = ?", [report_id])
    }
    checks = await _rows(
        database, "SELECT * FROM report_checks WHERE report_id = ? AND NOT ok ORDER BY id", [report_id]
    )
    failures = [describe_failure(check, report["template"]) for check in checks]
    carry = await _rows(
        database, "SELECT * FROM carry_over_checks WHERE report_id = ? AND NOT ok", [report_id]
    )
    failures += [describe_carry_over(check) for check in carry]
    tables = printed_tables(report["template"], values, failures) if values else []
    for number, failure in enumerate(failures, 1):  # numbered even without tables
        failure.number = number
    sections = await _rows(
        database, "SELECT section, heading, text FROM report_sections WHERE report_id = ? ORDER BY section", [report_id]
    )
    legacy = await _rows(
        database,
        "SELECT label_path, value, value_exact, unit, raw_text FROM report_legacy_statistics "
        "WHERE report_id = ? ORDER BY position",
        [report_id],
    )
    versions = await _rows(
        database,
        """SELECT v.id, v.n, v.fetched_at, v.sha256, v.size,
             (SELECT max(f.fetched_at) FROM fetches f WHERE f.version_id = v.id) AS last_fetched,
             (SELECT max(r.id) FROM reports r WHERE r.version_id = v.id) AS report_id
           FROM versions v WHERE v.document_id = ? ORDER BY v.n""",
        [report["document_id"]],
    )
    for version in versions:
        version["changes"] = await _rows(
            database,
            "SELECT table_name, row_key, col_key, old_value, new_value, row_label, col_label "
            "FROM version_changes WHERE version_id = ? ORDER BY table_name, row_key, col_key",
            [version["id"]],
        )
        version["raw_url"] = raw_url(datasette, database_name, version["sha256"])
        version["report_url"] = report_url(datasette, database_name, version["report_id"]) if version["report_id"] else None
    attachments = await _rows(
        database,
        "SELECT d.id, d.url, d.filename, (SELECT max(r.id) FROM reports r WHERE r.document_id = d.id) AS report_id "
        "FROM documents d WHERE d.parent_document_id = ? ORDER BY d.id",
        [report["document_id"]],
    )
    for attachment in attachments:
        attachment["report_url"] = report_url(datasette, database_name, attachment["report_id"]) if attachment["report_id"] else None
    context = {
        "database": database_name,
        "report": report,
        "warnings": json.loads(report["warnings"] or "[]"),
        "tables": [(table, grid(table)) for table in tables],
        "failures": failures,
        "sections": sections,
        "legacy": legacy,
        "versions": versions,
        "attachments": attachments,
        "raw_url": raw_url(datasette, database_name, report["sha256"]),
        "row_url": datasette.urls.row(database_name, "reports", str(report_id)),
        "timeline_url": timeline_url(datasette, database_name, report["agency"], report["portal_id"])
        if report["agency"] else None,
    }
    return Response.html(await datasette.render_template("zfxxgk_report.html", context, request=request))


def _figure_param(request) -> str:
    figure = request.args.get("figure") or FIGURES[0]
    if figure not in FIGURES:
        raise NotFound(f"Unknown figure {figure!r}; one of: {', '.join(FIGURES)}")
    return figure


async def timeline_page(datasette, request, database_name: str) -> Response:
    """One agency's latest reports side by side across years, a chart of one figure."""
    database = datasette.get_database(database_name)
    agency = request.args.get("agency")
    if not agency:
        raise NotFound("Name an agency: ?agency=…")
    portal = request.args.get("portal")
    figure = _figure_param(request)
    portal_filter = "AND l.portal_id = :portal" if portal else ""
    reports = await _rows(
        database,
        f"""SELECT l.year, l.template, l.title, l.url, l.report_id, l.portal_id, l.province, l.city,
              l.published, l.checks_failed, v.sha256, h.*
            FROM latest_reports l JOIN versions v ON v.id = l.version_id
            LEFT JOIN headline_figures h ON h.report_id = l.report_id
            WHERE l.agency = :agency {portal_filter} ORDER BY l.year""",
        {"agency": agency, "portal": portal},
    )
    if not reports:
        raise NotFound(f"No report of {agency} in this archive")
    carry = await _rows(
        database,
        f"""SELECT c.* FROM carry_over_checks c JOIN latest_reports l ON l.report_id = c.report_id
            WHERE c.agency = :agency {portal_filter} ORDER BY c.year""",
        {"agency": agency, "portal": portal},
    )
    for report in reports:
        report["report_page"] = report_url(datasette, database_name, report["report_id"])
        report["raw_url"] = raw_url(datasette, database_name, report["sha256"])
        mine = [c for c in carry if c["report_id"] == report["report_id"]]
        report["carry_over"] = (
            None if not mine else [describe_carry_over(c).message for c in mine if not c["ok"]]
        )
    # Every year from the first report to the last, so a year without one is a gap.
    by_year = {r["year"]: r for r in reports}
    years = list(range(reports[0]["year"], reports[-1]["year"] + 1))
    chart = {
        "type": "line",
        "label": f"{agency} · {figure}",
        "labels": [str(year) for year in years],
        "values": [by_year[year].get(figure) if year in by_year else None for year in years],
    }
    context = {
        "database": database_name,
        "agency": agency,
        "portal": portal,
        "figure": figure,
        "figures": FIGURES,
        "reports": reports,
        "chart": chart,
        "missing_years": [year for year in years if year not in by_year],
        "compare_urls": {
            r["year"]: datasette.urls.path(
                f"/-/zfxxgk/compare/{quote(database_name)}?"
                + urlencode({"year": r["year"], "scope": "portal", "value": r["portal_id"], "figure": figure})
            )
            for r in reports if r["portal_id"]
        },
    }
    return Response.html(await datasette.render_template("zfxxgk_timeline.html", context, request=request))


async def compare_page(datasette, request, database_name: str) -> Response:
    """One figure across the agencies of a portal, city or province for one year."""
    database = datasette.get_database(database_name)
    figure = _figure_param(request)
    try:
        year = int(request.args.get("year", ""))
    except ValueError:
        raise NotFound("Name a year: ?year=2023") from None
    scope = request.args.get("scope") or "province"
    if scope not in SCOPES and scope != "all":
        raise NotFound(f"scope is one of: {', '.join(SCOPES)}, all")
    value = request.args.get("value")
    where = "" if scope == "all" or not value else f"AND l.{SCOPES[scope]} = :value"
    rows = await _rows(
        database,
        f"""SELECT l.agency, l.portal_name, l.province, l.city, l.report_id, l.portal_id,
              h."{figure}" AS figure
            FROM latest_reports l JOIN headline_figures h ON h.report_id = l.report_id
            WHERE l.year = :year {where}
            ORDER BY h."{figure}" IS NULL, h."{figure}" DESC, l.agency""",
        {"year": year, "value": value},
    )
    for row in rows:
        row["report_page"] = report_url(datasette, database_name, row["report_id"])
        row["timeline"] = timeline_url(datasette, database_name, row["agency"], row["portal_id"], figure)
    chart = {
        "type": "bar",
        "label": f"{year} · {figure}",
        "labels": [r["agency"] for r in rows],
        "values": [r["figure"] for r in rows],
    }
    places = await _rows(
        database,
        "SELECT DISTINCT province, city, portal_id, portal_name FROM latest_reports WHERE year = ? "
        "ORDER BY province, city, portal_id",
        [year],
    )
    context = {
        "database": database_name,
        "year": year,
        "scope": scope,
        "value": value,
        "figure": figure,
        "figures": FIGURES,
        "rows": rows,
        "chart": chart,
        "places": places,
    }
    return Response.html(await datasette.render_template("zfxxgk_compare.html", context, request=request))

"""What Datasette shows about an archive: titles, descriptions, facets, canned queries.

Built in code rather than a metadata.json so the plugin can apply it to whichever file
name the user opened (`datasette archive.db` makes a database called "archive") and so
the canned queries live next to the views they read. Readers are researchers and
journalists who open the archive without reading the docs, many of them in Chinese:
titles carry both languages and the database page starts from their questions.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from markupsafe import escape

from archive.views import CHECK_RULE_SQL, HEADLINE_FIGURES, REQUESTS_WIDE_COLUMNS

TITLE = "政府信息公开工作年度报告档案 · zfxxgk archive"

# Shown on the instance's home page, above the list of databases.
HOME_DESCRIPTION_HTML = (
    "<p>中国政府信息公开工作年度报告的存档：每次抓取、每个版本、每次解析都保留，从不覆盖。"
    "<br>Every fetch, version and parse of Chinese government information-disclosure "
    "annual reports; nothing is ever overwritten or deleted. Open the database below to "
    "start from a question.</p>"
)

# Figures columns whose NULL means "the report printed nothing, /, — or 无" (never 0).
FIGURE_COLUMNS = frozenset(
    {"value", "old_value", "new_value", *HEADLINE_FIGURES, *REQUESTS_WIDE_COLUMNS.values()}
)

BLANK_NOTE = (
    "空白 = 报告中该格为空或印作 /、—、无（存为 NULL，不是 0）. "
    "Blank: the report left this cell empty or printed /, — or 无 (NULL, not 0)."
)
INFERRED_NOTE = (
    "推算 = 报告未印此数，由解析器按表内恒等式推算. "
    "Inferred: not printed in the report, derived by the parser from the table's identities."
)


def _link(database_url: str, path: str, text: str, **params: str) -> str:
    query = f"?{urlencode(params, quote_via=quote)}" if params else ""
    return f'<a href="{database_url}/{path}{query}">{text}</a>'


def guide_html(database_url: str, examples: dict | None = None) -> str:
    """The database page's opening: the questions readers come with, each one click away.

    `examples` (see `guide_examples`) come from the archive itself, so every example link
    finds rows; a question the archive has no answer for yet says so instead of linking.
    """
    ex = examples or {}
    link = lambda path, text, **params: _link(database_url, path, text, **params)  # noqa: E731
    none = "（本档案中暂无 · none in this archive yet）"
    agency, year, agency_year = ex.get("agency"), ex.get("year"), ex.get("agency_year")
    pages = database_url.rsplit("/", 1)[0] + "/-/zfxxgk"
    database = database_url.rsplit("/", 1)[-1]

    def page(kind: str, text: str, **params: str) -> str:
        query = f"?{urlencode(params, quote_via=quote)}" if params else ""
        return f'<a href="{pages}/{kind}/{database}{query}">{text}</a>'

    figures = (
        f"{link('agency_across_years', '某机关历年情况 · one agency across years', agency=agency)} "
        f"(输入机关名称的开头 · type the start of the name); "
        f"{page('timeline', '历年图表 · timeline with a chart', agency=agency)}; the full application "
        f"table of one report: "
        f"{link('requests_wide', '申请情况宽表 · requests_wide', 机关=agency, 年度=str(agency_year))}; "
        f"every agency at once: {link('headline_figures', '主要数字 · headline_figures')}"
        if agency
        else none
    )
    compare = (
        page("compare", f"{year}年各机关比较 · one figure across agencies", year=str(year),
             scope="province", value=ex["province"], figure="本年新收申请")
        if year and ex.get("province")
        else none
    )
    report = (
        f'<a href="{pages}/report/{database}/{ex["report_id"]}">{escape(ex["report_title"])}</a>'
        if ex.get("report_id")
        else none
    )
    failing = (
        f"{link('failing_checks', '核对未通过的报告 · reports whose checks fail')}; each failing sum: "
        f"{link('failed_checks', 'failed_checks')}"
        if ex.get("failing")
        else none
    )
    across = link("carry_over_checks", "carry_over_checks", result="mismatch")
    failing += (
        f"; across years (本年上年结转 ≠ 上年的结转下年度): {across}"
        if ex.get("carry_over")
        else "; 跨年核对 · across years: " + link("carry_over_checks", "carry_over_checks")
    )
    revised = (
        f"{link('revised_after_publication', '发布后修改过的报告 · revised after publication')}; "
        f"every version: {link('version_history', '版本历史 · version_history')}"
        if ex.get("revised")
        else none
    )
    missing_text = f"{ex.get('miss')}年缺失 · missing_reports"
    missing = (
        f"{link('missing_reports', missing_text, year=str(ex.get('miss')))} "
        f"(按年份筛选 · pick a year); "
        f"{link('missing_portal_years', '门户整年无报告 · portals with no report at all', year=str(ex.get('miss')))}"
        if ex.get("miss")
        else none
    )
    late = link("late_reports", "逾期发布的报告 · late_reports") if ex.get("late") else none
    search = link("search_text", f"搜索报告全文 · search “{ex.get('word', '复议')}”", q=ex.get("word", "复议"))
    legacy = (
        f"; {link('legacy_statistics', '2019年以前的统计表 · pre-2019 statistics tables')}"
        if ex.get("legacy")
        else ""
    )
    return f"""
<p>中国政府信息公开工作年度报告的存档 · Chinese government information-disclosure annual
reports: every fetch, version and parse, never overwritten. 从问题开始 · Start from a question:</p>
<ul>
<li><b>一份报告原样是什么样？</b> A report as printed, with its source and versions: {report}.</li>
<li><b>某机关某年收到多少申请、怎样办理？</b> How many requests did an agency receive and how
were they handled? {figures}.</li>
<li><b>同一年各机关相比如何？</b> One figure across the agencies of a province, city or portal: {compare}.</li>
<li><b>哪些报告数字对不上？</b> Which reports don't add up? {failing}.</li>
<li><b>哪些报告发布后被修改、改了什么？</b> Which reports were revised after publication, and
what changed? {revised}.</li>
<li><b>哪些机关某年没有报告？</b> Which agencies have no report for a year? {missing}.</li>
<li><b>哪些报告逾期发布？</b> Which reports came out after the deadline (部门、乡镇 1月31日，本级政府
3月31日，2019年以前 3月31日)? {late}.</li>
<li><b>每个门户抓取得怎么样？</b> How complete is each portal's crawl?
{link("portal_coverage", "门户覆盖情况 · portal_coverage")}.</li>
<li><b>全文搜索</b> Search report text: {search} (任意长度的词 · any word, two characters too).</li>
<li><b>浏览</b> Browse: {link("latest_reports", "各机关各年度报告 · latest_reports")}
(分面：网址加 ?_facet=province · facet with ?_facet=province, city, year or template);
{link("report_values_labeled", "每个数字及中文标签 · every figure with its Chinese label")}{legacy}.</li>
</ul>
<p>{BLANK_NOTE} {INFERRED_NOTE} 每行都能追溯到文件、版本和抓取的原始字节 · every row links to
its document, version and the exact raw bytes fetched (versions → sha256 → 下载原文 raw body).
表格可下载为 Excel 可直接打开的 CSV（页面底部 “excel” 链接）· every table downloads as a CSV
Excel opens with its Chinese headers (the “excel” link under each table).</p>
"""


# A facet counts every row of what it facets, even through an index: at national scale
# (hundreds of thousands of reports) each default facet would add a scan to every page
# load. So no view that grows with the archive has default facets; a reader asks for one
# with ?_facet=column (cheap on a filtered page: ?province=河北省&_facet=city).
UNINDEXED_FACETS_OFF: list[str] = []

# Only what the column name does not say: Datasette lists every described column above
# the table, so each description costs the reader a line before the data.
_REPORT_COLUMNS = {
    "year": "报告年度 · Year the report covers, not the year it was published",
    "template": "表格模板 · 2021 (国办公开办函〔2021〕30号), 2019, or legacy (before 2019: see legacy_statistics)",
    "province": "省份 · Of the publishing portal (registry, else its division code)",
    "checks_failed": "未通过核对 · Sums that do not add up (see failed_checks); click for the failures",
    "n_values": "已填数字 · Figures read (blank cells are NULL, never 0); click for every figure",
    "sources": "来源数 · Documents (page, attachments) carrying a report for this agency and year",
    "version_n": "版本号 · 1 unless the document changed after the archive first saw it",
    "gone_at": "下架时间 · When the portal stopped serving the document (404, 410 or a 'page not found' page)",
}

_LEGACY_DESCRIPTION = (
    "2008–2018年的报告没有全国统一表格；自2014年（国办发〔2014〕32号）起多附统计表。"
    "Reports for 2008-2018 follow no national table template; from 2014 on many append a "
    "statistics table (统计指标 | 单位 | 统计数). Its indicators are kept as printed and "
    "never mapped onto the 2019/2021 keys of report_values, whose meaning differs."
)
_LEGACY_COLUMNS = {
    "position": "Order of the indicator in the report's table, from 0",
    "label_path": "The indicator's outline ancestors and its own label as printed, joined by ' / ' "
    "(二、依申请公开情况 / (一)收到申请数); a table with several figure columns adds the column's heading",
    "value": "The figure; NULL (空白) for a blank, '/' or '—' cell, never 0",
    "value_exact": "Exact digits of the figure",
    "unit": "单位 · Unit as printed in the unit column, the cell or the label (件, 条, 万元...)",
    "raw_text": "The figure cell as printed",
}

_CHECK_COLUMNS = {
    "expected": "左边之和 · Sum of the rule's left side (the parts) as printed",
    "actual": "右边之和 · Sum of the rule's right side (the printed total)",
}

TABLES: dict[str, dict] = {
    "latest_reports": {
        "title": "各机关各年度报告 · Latest report per agency and year",
        "description": (
            "One report per portal, agency and year. When a report exists as a page and as "
            "attachments, the source with more filled cells wins, then the one whose checks "
            "pass, then the page itself; every candidate is in report_candidates."
        ),
        "columns": _REPORT_COLUMNS,
        "facets": UNINDEXED_FACETS_OFF,
    },
    "headline_figures": {
        "title": "主要数字 · Headline figures of each report",
        "description": (
            "总计列 (the 总计 column) of the application table (三、收到和处理政府信息公开申请情况) "
            "and the appeals table (四、行政复议、行政诉讼) of each latest 2019/2021 report, in 件. "
            "不予公开, 无法提供, 不予处理 and 其他处理 add up their sub-rows; 行政诉讼 adds both "
            "kinds of suit. Blank = not printed (NULL), never 0. Pre-2019 reports: legacy_statistics."
        ),
        "columns": {
            "不予公开": "三（三）不予公开, all eight reasons, 件",
            "无法提供": "三（四）无法提供, all three reasons, 件",
            "不予处理": "三（五）不予处理, all five reasons, 件",
            "其他处理": "三（六）其他处理 (2021: its three sub-rows), 件",
            "行政诉讼": "行政诉讼 总计: 未经复议直接起诉 + 复议后起诉, 件",
            "未通过核对": "Identities that do not add up in this report (see failed_checks)",
        },
        "facets": UNINDEXED_FACETS_OFF,
    },
    "report_candidates": {
        "title": "报告的所有来源 · Every source of a report, ranked",
        "description": "All current parses that are reports; rank 1 is the one latest_reports shows.",
        "columns": _REPORT_COLUMNS,
        "facets": UNINDEXED_FACETS_OFF,
    },
    "current_reports": {
        "title": "每个文件的当前解析 · Newest parse of each document's current version",
        "description": "Includes documents that are not reports (status not_report, unreadable).",
        "columns": _REPORT_COLUMNS,
        "facets": UNINDEXED_FACETS_OFF,
    },
    "requests_wide": {
        "title": "三、收到和处理政府信息公开申请情况 · Application table (wide)",
        "description": (
            "The application table of each latest report, one row per template row, with "
            "the template's Chinese column names. Counts of applications (件). Blank = "
            "not printed (NULL), never 0; 推算的列 names the cells the parser inferred."
        ),
        "columns": {
            "推算的列": "Columns of this row the parser inferred (推算) rather than read",
            "行": "Canonical row key (requests.<行> in report_values)",
        },
        "facets": UNINDEXED_FACETS_OFF,
    },
    "failed_checks": {
        "title": "未通过的核对 · Failed checks",
        "description": (
            "Sums that do not add up in the latest reports, one row per failing identity: "
            "expected is the parts, actual the printed total (or the other side of the balance)."
        ),
        "columns": _CHECK_COLUMNS,
        "facets": UNINDEXED_FACETS_OFF,
    },
    "version_history": {
        "title": "版本历史 · Version history",
        "description": (
            "Every version of every document with the dates it was first and last served, "
            "and which canonical cells changed from the previous version (∅ = blank)."
        ),
        "columns": {
            "n": "版本号 · 1 for the first version, 2 after the first change...",
            "last_fetched_at": "Last fetch that returned this version's content",
            "changes": "table.row.col: old → new (Chinese row / column label); ∅ = blank",
            "body_changed": "1 when the text changed (possibly without any figure changing)",
        },
        "facets": UNINDEXED_FACETS_OFF,
    },
    "version_changes": {
        "title": "版本间的数字变化 · Cell changes between consecutive versions",
        "description": "One row per canonical cell whose value differs from the previous version; ∅/blank = not printed.",
    },
    "missing_reports": {
        "title": "缺失年度 · Agencies with no report for a year",
        "description": (
            "For each agency with at least one report in the archive: every year from its "
            "first report to the newest year the archive holds, for which the archive has "
            "no report from it. Portals of the registry with no report at all for a year "
            "are in missing_portal_years. No report in the archive is not proof that none "
            "was published: check the portal (url in portals)."
        ),
        "columns": {
            "year": "The year with no report",
            "years_with_report": "Years this agency does have a report for",
        },
        "facets": UNINDEXED_FACETS_OFF,
    },
    "missing_portal_years": {
        "title": "门户缺失年度 · Registry portals with no report at all for a year",
        "description": (
            "Built on the registry: every portal, for every year the archive holds reports "
            "for, from which the archive has no report at all (a portal never found to "
            "publish one appears for every year). Agencies missing a year on a portal that "
            "has other reports are in missing_reports."
        ),
        "columns": {"years_with_report": "Years the portal does have a report for"},
        "facets": UNINDEXED_FACETS_OFF,
    },
    "report_deadlines": {
        "title": "报告发布期限 · Each report against its deadline",
        "description": (
            "部门、乡镇街道 by 31 January, 本级政府 (a government's own summary report) by 31 March; "
            "reports for 2018 and earlier by 31 March. published_or_seen is the date the page "
            "states, else the day the archive first saw it (date_source)."
        ),
        "facets": UNINDEXED_FACETS_OFF,
    },
    "late_reports": {
        "title": "逾期发布的报告 · Reports published after the deadline",
        "description": (
            "Latest reports whose publication date (or, when the page states none, the day "
            "the archive first saw them) is after the deadline: 部门、乡镇街道 31 January, "
            "本级政府 31 March, before 2019 everything 31 March. A first-seen date only bounds "
            "the publication from above: check date_source."
        ),
        "columns": {"days_late": "Days after the deadline", "date_source": "published: stated on the page; first_seen: the archive's first fetch"},
        "facets": UNINDEXED_FACETS_OFF,
    },
    "portal_coverage": {
        "title": "门户覆盖情况 · Coverage per portal and crawl",
        "description": (
            "One row per portal of the registry and crawl run (newest run first; a portal never "
            "crawled has one row, status not_crawled): what the crawl listed, archived and failed "
            "on, and the reports the archive holds per year. Figures a crawler release did not "
            "record are blank (unknown), not 0."
        ),
        "columns": {
            "status": "ok, errors, failed (errors and nothing listed), no_reports_found, given_up, unfinished, not_crawled, unknown",
            "reports_per_year": "Latest reports the archive holds for the portal, year：count",
            "recorded_keys": "The keys the run's summary recorded; a figure whose key is missing shows 未知 (unknown)",
        },
        "facets": UNINDEXED_FACETS_OFF,
    },
    "carry_over_checks": {
        "title": "跨年核对 · Carried over this year = carried forward last year",
        "description": (
            "An agency's 二、上年结转政府信息公开申请数量 in one year's report against "
            "四、结转下年度继续办理 in its previous year's report, per applicant column. ok 0: "
            "the two reports disagree (one of them is wrong, or a revision changed one)."
        ),
        "columns": {"result": "ok, or mismatch: the two reports disagree (filter on this; ok is the same as 1/0)"},
        "facets": UNINDEXED_FACETS_OFF,
    },
    "report_values_labeled": {
        "title": "每个数字及中文标签 · Report values with Chinese labels and units",
        "description": f"Every figure of every parse. {BLANK_NOTE} {INFERRED_NOTE}",
        "columns": {"raw_text": "The cell text as the document printed it"},
        "facets": UNINDEXED_FACETS_OFF,
    },
    "portals": {
        "title": "门户网站 · Portals (registry)",
        "description": "Government information-disclosure portals the crawler visits.",
        "label_column": "name",
        "facets": ["province", "level"],
    },
    "crawl_runs": {
        "title": "抓取记录 · Crawl runs",
        "description": "One row per crawl or ingest: when it ran, its settings and its stats.",
        "sort_desc": "id",
    },
    "run_portals": {"title": "每次抓取的门户汇总 · Per-portal summary of each crawl run"},
    "fetches": {
        "title": "每次请求 · Fetches",
        "description": "Every request and its outcome, errors included; sha256 points at the exact bytes received.",
        "columns": {
            "outcome": "new_document, new_version, unchanged (same content), not_modified (304), gone (first 404), still_gone, not_found (unknown URL), error",
            "sha256": "Raw body received (download link), also for fetches that made no new version",
            "etag": "ETag response header, sent back as If-None-Match next time",
        },
        "facets": UNINDEXED_FACETS_OFF,
        "sort_desc": "id",
    },
    "documents": {
        "title": "文件 · Documents",
        "description": "One per canonical URL: report pages, their attachments and local files. A document's page lists its versions, fetches and parses.",
        "label_column": "url",
        "columns": {
            "gone_at": _REPORT_COLUMNS["gone_at"]
            + "; cleared if it is served again (the fetch log keeps the 404)",
            "current_version_id": "The newest version",
            "parent_document_id": "For attachments: the report page that links them",
            "referrer": "The page whose link led the crawler here",
            "redirected_from": "URLs that redirected here (JSON list)",
        },
        "facets": UNINDEXED_FACETS_OFF,
    },
    "versions": {
        "title": "版本 · Versions",
        "description": (
            "A new version is made only when the content changes: for HTML pages the "
            "extracted report text, for everything else the raw bytes. Visit counters and "
            "clocks in the page chrome make no new version, but their bytes are kept. "
            "Follow sha256 to download the exact body."
        ),
        "columns": {
            "n": "1 for the first version of the document, 2 for the next...",
            "sha256": "Raw body of the fetch that made this version (download link)",
            "fingerprint_kind": "text: sha256 of the extracted body text; raw: sha256 of the bytes",
        },
        "facets": UNINDEXED_FACETS_OFF,
    },
    "blobs": {
        "title": "原始字节 · Raw bodies",
        "description": (
            "Every distinct body received, stored once, zlib-compressed when that saves "
            "space (data is the stored form: use the sha256 download link for the original bytes)."
        ),
    },
    "reports": {
        "title": "解析结果（全部）· Reports (every parse)",
        "description": (
            "One row per parse of a version; reparse adds rows for a new parser version and "
            "keeps the older ones. status: ok, not_report, unreadable (file cannot be read; "
            "raw kept), parse_error (parser failed; raw kept). A report's page lists its "
            "figures (report_values), checks and sections below the text."
        ),
        "columns": {
            **_REPORT_COLUMNS,
            "reason": "Why the document is not a report, or why it could not be read",
            "text": "The extracted text (what full-text search reads); click to unfold",
        },
        "facets": UNINDEXED_FACETS_OFF,
    },
    "report_values": {
        "title": "报告数字（长表）· Report values (long form)",
        "description": f"One row per canonical cell; Chinese labels shown under each key. {BLANK_NOTE} {INFERRED_NOTE}",
        "columns": {
            "value": "The number; NULL (空白) for a blank, '/', '—' or '无' cell, never 0",
            "value_exact": "Exact digits of the value (fees keep every printed decimal)",
            "raw_text": "The cell text as the document printed it",
            "inferred": "1 when the parser derived the value (e.g. a missing total) rather than reading it",
        },
        "facets": UNINDEXED_FACETS_OFF,
    },
    "report_checks": {
        "title": "核对 · Accounting identity checks",
        "columns": _CHECK_COLUMNS,
        "facets": UNINDEXED_FACETS_OFF,
    },
    "report_legacy_statistics": {
        "title": "2019年以前的统计表（全部解析）· Statistics tables of pre-2019 reports (every parse)",
        "description": _LEGACY_DESCRIPTION,
        "columns": _LEGACY_COLUMNS,
    },
    "legacy_statistics": {
        "title": "2019年以前的统计表 · Statistics tables of pre-2019 reports",
        "description": _LEGACY_DESCRIPTION + " One row per indicator of each latest report.",
        "columns": _LEGACY_COLUMNS,
        "facets": UNINDEXED_FACETS_OFF,
    },
    "report_sections": {"title": "报告章节（一至六）· Report sections", "facets": UNINDEXED_FACETS_OFF},
    "archive_meta": {"hidden": True},  # bookkeeping: when views were last rebuilt
    "reports_fts_terms": {"hidden": True},  # the search index's terms, for short words
    "key_labels": {
        "title": "标准键的中文标签和单位 · Canonical keys: Chinese labels and units",
        "description": "From the official templates; unit 件 for counts, 万元 for amounts.",
        "facets": ["table_name", "template", "axis"],
    },
}

# Search hits, at most SEARCH_HITS, found through the trigram index whatever the archive's
# size: a phrase of three characters or more is matched, newest parse first; a word of
# one or two characters (复议), which no trigram equals, through the index's terms that
# start with it (复议、, 复议机...) as listed by the fts5vocab table reports_fts_terms, so
# only reports holding the word are read, never every text. Then sorted by agency and year.
SEARCH_HITS = 200
_SEARCH_SQL = f"""
WITH long_hits AS (
  SELECT f.rowid AS report_id, snippet(reports_fts, 2, '【', '】', '…', 24) AS excerpt
  FROM reports_fts f JOIN report_index c ON c.report_id = f.rowid
  WHERE length(:q) >= 3 AND reports_fts MATCH '"' || replace(:q, '"', '""') || '"'
  ORDER BY f.rowid DESC LIMIT {SEARCH_HITS}
), short_hits AS (
  SELECT DISTINCT t.doc AS report_id FROM reports_fts_terms t
  JOIN report_index c ON c.report_id = t.doc
  WHERE length(:q) BETWEEN 1 AND 2 AND t.term >= lower(:q) AND t.term < lower(:q) || char(1114111)
  LIMIT {SEARCH_HITS}
), hits AS (
  SELECT report_id, excerpt FROM long_hits
  UNION ALL
  SELECT r.id, '…' || substr(r.text, max(1, instr(r.text, :q) - 30), min(30, instr(r.text, :q) - 1))
    || '【' || :q || '】' || substr(r.text, instr(r.text, :q) + length(:q), 30) || '…'
  FROM short_hits s JOIN reports r ON r.id = s.report_id
)
SELECT c.agency, c.year, h.excerpt, c.title, c.status, c.report_id, c.url
FROM hits h JOIN report_index c ON c.report_id = h.report_id
ORDER BY c.agency, c.year"""

# Canned queries return at most this many rows: each reads what it shows through an
# index, and the view it names beside it pages through every row.
QUERY_ROWS = 200

# hide_sql: readers come for the answer, so each query page opens at its form and
# results, with a link that shows the SQL.
QUERIES: dict[str, dict] = {
    "agency_across_years": {
        "title": "某机关历年情况 · One agency across years",
        "description": (
            "输入机关名称的开头（如 深州、深州市财政局）· Type the start of the agency's name "
            "(a place lists all its agencies). Headline figures of its latest report for each "
            "year, in 件; blank = not printed, never 0."
        ),
        "hide_sql": True,
        "sql": """
SELECT * FROM headline_figures
WHERE 机关 >= :agency AND 机关 < :agency || char(1114111)
ORDER BY 机关, 年度""",
    },
    "revised_after_publication": {
        "title": "发布后修改过的报告 · Reports revised after publication",
        "description": (
            "Report documents whose content changed after the archive first saw them, "
            f"the {QUERY_ROWS} changes archived last first, with the figures that changed "
            "(old → new, ∅ = blank). values_changed 0 with body_changed 1: only the wording "
            "changed. Every one: version_history?n__gt=1."
        ),
        "hide_sql": True,
        "sql": f"""
SELECT h.agency, h.year, h.n AS version, h.previous_fetched_at, h.fetched_at,
  h.values_changed, h.changes, h.body_changed, h.url, h.document_id, h.version_id
FROM version_history h
WHERE h.n > 1 AND EXISTS (SELECT 1 FROM report_index c
  WHERE c.document_id = h.document_id AND c.is_report)
ORDER BY h.version_id DESC LIMIT {QUERY_ROWS}""",
    },
    "failing_checks": {
        "title": "核对未通过的报告 · Reports whose checks fail",
        "description": (
            f"Latest reports with at least one sum that does not add up, the first "
            f"{QUERY_ROWS} by agency and year (every one: latest_reports?checks_failed__gt=0). "
            "failures: the row or column, the rule, then the two sides "
            "(left ≠ right, as printed)."
        ),
        "hide_sql": True,
        "sql": f"""
SELECT l.agency, l.year, l.province, l.city, l.checks_failed, l.checks_total,
  (SELECT group_concat(coalesce(rk.label, ck.label) || ' — '
     || substr({CHECK_RULE_SQL}, 1, instr({CHECK_RULE_SQL}, ' (') - 1) || '：'
     || c.expected || ' ≠ ' || c.actual, '; ')
   FROM report_checks c
   LEFT JOIN key_labels rk ON rk.table_name = c.table_name AND rk.axis = 'row'
     AND rk.key = c.row_key AND rk.template IN ('', coalesce(l.template, ''))
   LEFT JOIN key_labels ck ON ck.table_name = c.table_name AND ck.axis = 'col'
     AND ck.key = c.col_key AND ck.template IN ('', coalesce(l.template, ''))
   WHERE c.report_id = l.report_id AND NOT c.ok) AS failures,
  l.url, l.report_id
FROM report_index l
WHERE l.rank = 1 AND l.checks_failed > 0
ORDER BY l.agency, l.year LIMIT {QUERY_ROWS}""",
    },
    "search_text": {
        "title": "搜索报告全文 · Search report text",
        "description": (
            "输入任意词语（如 复议、依申请公开）· Any word or phrase, two characters "
            f"too. Matches the current version of every document, at most {SEARCH_HITS} "
            "hits (a longer phrase narrows them); 【】 marks the hit. A one- or two-character "
            "word is found where some character follows it in the text."
        ),
        "hide_sql": True,
        "sql": _SEARCH_SQL,
    },
}


def database_metadata(database_url: str, examples: dict | None = None) -> dict:
    return {
        "title": TITLE,
        "description_html": guide_html(database_url, examples),
        "tables": TABLES,
    }


# Chinese names of the archive's English column keys: shown as the first header of every
# table and view (the key under it), and as the header of the Excel-ready CSV. Columns
# already named in Chinese (headline_figures, requests_wide) need none.
COLUMN_LABELS: dict[str, str] = {
    "agency": "机关", "year": "年度", "province": "省份", "city": "城市", "template": "模板",
    "published": "发布日期", "checks_failed": "未通过核对", "checks_total": "核对项数",
    "n_values": "数字个数", "sources": "来源数", "version_n": "版本", "gone_at": "删除时间",
    "title": "标题", "url": "网址", "kind": "类型", "version_fetched_at": "版本抓取时间",
    "first_seen": "首次抓取", "last_seen": "最近抓取", "portal_name": "门户",
    "portal_id": "门户编号", "report_id": "报告编号", "document_id": "文件编号",
    "version_id": "版本编号", "parser_version": "解析器版本", "check_name": "核对规则编号",
    "check_rule": "核对规则", "table_name": "表", "row_key": "行键", "row_label": "行",
    "col_key": "列键", "col_label": "列", "expected": "左边之和", "actual": "右边之和",
    "difference": "差额", "n": "版本号", "fetched_at": "抓取时间",
    "previous_fetched_at": "上一版本抓取时间", "last_fetched_at": "最近抓取时间",
    "values_changed": "变化的数字个数", "changes": "变化", "body_changed": "正文有变化",
    "status": "状态", "size": "大小", "fingerprint_kind": "指纹类型", "sha256": "原文",
    "old_value": "旧值", "new_value": "新值", "years_with_report": "有报告的年度",
    "portal_url": "门户网址", "days_late": "逾期天数",
    "published_or_seen": "发布日期（或首次抓取）", "date_source": "日期来源",
    "deadline": "截止日期", "deadline_rule": "截止规则", "reports_listed": "列出的报告",
    "new_documents": "新文件", "new_versions": "新版本", "not_modified": "未修改",
    "gone": "已删除", "rejected": "排除的相似链接", "errors": "错误",
    "error_messages": "错误原因", "short_columns": "未列全的栏目", "columns": "栏目",
    "budget_hit": "达到的抓取上限", "dead_reason": "放弃原因", "dropped": "范围外的请求",
    "finished": "已完成", "reports_per_year": "各年度报告数", "reports": "报告数",
    "agencies": "机关数", "last_successful_crawl": "最近一次成功抓取",
    "started_at": "开始时间", "run_id": "抓取编号", "carried_over": "本年上年结转",
    "previous_carried_forward": "上年结转下年度", "ok": "通过", "result": "结果",
    "previous_report_id": "上年报告编号", "previous_url": "上年报告网址", "value": "数值",
    "unit": "单位", "inferred": "推算", "raw_text": "原文文字", "value_exact": "精确值",
    "ocr": "OCR", "position": "序号", "label_path": "指标", "rank": "排名", "reason": "原因",
    "is_report": "是报告", "text": "正文", "source_format": "格式", "warnings": "解析提示",
    "parsed_at": "解析时间", "portal_reports_that_year": "门户本年报告数", "name": "名称",
    "region_code": "行政区划代码", "level": "级别", "outcome": "结果", "error": "错误",
    "heading": "标题", "section": "章节", "recorded_keys": "记录的项目", "summary": "汇总", "finished_at": "结束时间",
}  # fmt: skip

# Report listings open with who, which year, what and where from, whatever the view's
# own column order: the first screen answers "which report is this, where is it".
LEAD_COLUMNS = ("agency", "year", "title", "url")

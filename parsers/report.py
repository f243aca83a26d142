"""One document in, one canonical `Report` out: the parser's public entry points.

Every input path ends in `_assemble`, so HTML pages, plain text and binary attachments
share metadata, sections, classification, table reading and checks. What differs is
only where the body text and the table grids come from:

- HTML: bytes are decoded here (never by trafilatura, which garbles GBK-in-gb2312
  pages), parsed once by lxml; trafilatura takes the body text and a title from that
  tree (only that one of its metadata fields); tables come from the DOM grid
  (rowspan/colspan expanded), because flattened text loses the table structure.
- text: tables are laid out from the lines (tabs, pipes, one cell per line...).
- other formats: `parsers.formats.extract` gives text and grids.

`Report.text` feeds full-text search and the archive's "same content" fingerprint, so
it is the report body only: page chrome (visit counters, today's date in a footer)
would make every fetch of an unchanged page look like a new version.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import lxml.html
from lxml import etree

from parsers.checks import check_identities, infer_missing
from parsers.classify import classify
from parsers.decode import decode_bytes
from parsers.html_grid import check_spans, grids_from_html
from parsers.layout_text import grids_from_text
from parsers.legacy_statistics import read_legacy_statistics
from parsers.metadata import read_metadata
from parsers.model import Extracted, Grid, Report
from parsers.narrative import check_narrative
from parsers.sections import split_sections
from parsers.tables import read_tables
from parsers.text_normalize import normalize_text

if TYPE_CHECKING:
    from lxml.html import HtmlElement

_HTML_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Elements that never hold report text; dropping them before trafilatura also saves time.
_NEVER_TEXT = ("script", "style", "noscript", "template", "iframe", "object", "embed")
# Page chrome that changes on every fetch of an unchanged report and that trafilatura
# keeps when it sits in the article's info line: view counters, visitor numbers, clocks.
_VOLATILE = re.compile(
    r"(?:浏览|阅读|访问|点击|查看)(?:次数|量|数|人次)[ \t]*:[ \t]*\d*[ \t]*次?"
    r"|(?:您是|你是)?(?:本站|本网站|本网)?第[ \t]*\d+[ \t]*位(?:访问者|访客|浏览者|来访者)"
    r"|(?:当前时间|现在时间|今天是|今日是?)[ \t]*:?[ \t]*\d{4}[ \t]*[-/年][ \t]*\d{1,2}[ \t]*[-/月][ \t]*\d{1,2}[ \t]*日?"
    r"(?:[ \t]*星期[一二三四五六日天])?(?:[ \t]*\d{1,2}:\d{2}(?::\d{2})?)?"
)


def parse_html(body: bytes | str, *, url: str | None = None, http_encoding: str | None = None) -> Report:
    """A portal page (whole or fragment, any encoding) read as a report."""
    html, _codec, warnings = decode_bytes(body, http_encoding=http_encoding)
    root = _parse_tree(html)
    if root is None:
        return Report(
            is_report=False, reason="empty page: no HTML", source_format="html", warnings=warnings
        )
    etree.strip_elements(root, *_NEVER_TEXT, with_tail=False)
    check_spans(root)  # a span bomb is refused before trafilatura expands it
    html_meta = _meta_tags(root)
    page_title = (root.findtext(".//title") or "").strip() or None
    page_text = _visible_text(root)

    body_text, title_hint = _trafilatura_body(root, url, page_text, warnings)
    if not body_text.strip():
        body_text = page_text
    body_text = _VOLATILE.sub("", normalize_text(body_text))
    grids = grids_from_html(root)
    return _assemble(
        body_text,
        grids,
        source_format="html",
        warnings=warnings,
        html_meta=html_meta,
        page_text=page_text,
        title_hint=title_hint or page_title,
    )


def parse_text(text: str) -> Report:
    """Plain text in the layouts real extraction produces, tables laid out from lines."""
    return _assemble(text, [], source_format="text", warnings=[])


def parse_extracted(doc: Extracted) -> Report:
    """What a format reader produced (PDF, DOCX, OFD, spreadsheets, OCR...)."""
    report = _assemble(
        doc.text,
        doc.grids,
        source_format=doc.source_format,
        warnings=list(doc.warnings),
        title_hint=doc.title,
        date_hint=doc.published,
    )
    if doc.ocr:
        from parsers.formats.ocr import suspect_ocr_cells  # the reader that set `ocr` loaded it

        report.ocr = True
        for cell in report.cells:
            cell.ocr = True
        report.warnings.extend(suspect_ocr_cells(report))
    return report


def parse_document(
    body: bytes,
    *,
    filename: str | None = None,
    content_type: str | None = None,
    url: str | None = None,
) -> Report:
    """Any fetched document: the format is sniffed from the bytes, then the name, then
    the Content-Type. Raises `UnreadableDocument` for bytes no reader can open."""
    from parsers.formats import extract, limits, sniff_format

    fmt = sniff_format(body, filename=filename, content_type=content_type)
    limits.check_size(body, fmt.upper(), fmt)
    if fmt == "html":
        return parse_html(body, url=url, http_encoding=content_type)
    if fmt == "text":
        text, _codec, warnings = decode_bytes(body, http_encoding=content_type, html=False)
        report = parse_text(text)
        report.warnings[:0] = warnings
        return report
    return parse_extracted(extract(body, fmt=fmt, filename=filename))


def _parse_tree(html: str) -> HtmlElement | None:
    # lxml refuses str input that carries an XML encoding declaration (XHTML pages).
    html = _XML_DECLARATION.sub("", html, count=1)
    html = _CONTROL_CHARS.sub("", html)  # lxml keeps them, then refuses them in trafilatura
    if not html.strip():
        return None
    try:
        return lxml.html.document_fromstring(html, parser=_HTML_PARSER)
    except (etree.ParserError, ValueError):
        return None


def _visible_text(root: HtmlElement) -> str:
    """The page body's text (not the <head>, whose <title> would shadow the page's own)."""
    body = root.find("body")
    return normalize_text((body if body is not None else root).text_content())


def _meta_tags(root: HtmlElement) -> dict[str, str]:
    """Lower-cased meta name/property -> content (ArticleTitle, PubDate, SiteName...)."""
    found: dict[str, str] = {}
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if name and content and name not in found:
            found[name] = normalize_text(content)
    return found


def _trafilatura_body(
    root: HtmlElement, url: str | None, page_text: str, warnings: list[str]
) -> tuple[str, str | None]:
    """Body text and title from trafilatura over the parsed tree.

    Its fast mode (no fallback extractors) gives the same text on portal pages at half
    the cost; the full mode runs only when the fast text lost section headings the page
    shows, so a page it mis-reads still gets the careful pass.
    """
    import trafilatura  # heavy import, needed for HTML only

    def run(fast: bool) -> Any:
        return trafilatura.bare_extraction(
            root, url=url, fast=fast, include_tables=True, include_comments=False
        )

    title = _trafilatura_title(root)  # reads <h1>: before the renaming
    _headings_as_paragraphs(root)
    doc = run(fast=True)
    if doc is None or len(split_sections(doc.text or "")) < len(split_sections(page_text)):
        doc = run(fast=False) or doc
    if doc is None:
        warnings.append("html: trafilatura found no main text; using the whole page text")
        return "", title
    return doc.text or "", title


def _headings_as_paragraphs(root: HtmlElement) -> None:
    """Turn <h1>-<h6> into <p> so trafilatura keeps them.

    Portals that mark 一、总体情况 … 六、其他需要报告的事项 up as <h2>/<h3> lost every
    section heading, and with them the sections, in both of trafilatura's modes
    (its heading handling drops short headings next to tables). As paragraphs they
    stay in the body text in their place, which is all the section splitter needs.
    """
    for heading in root.iter("h1", "h2", "h3", "h4", "h5", "h6"):
        heading.tag = "p"


def _trafilatura_title(root: HtmlElement) -> str | None:
    """The title trafilatura's `with_metadata=True` would give, without the rest.

    Its whole metadata pass costs a third of the extraction on a portal page, most of it
    author detection (a deep copy and a dozen XPaths) and categories, tags, site name and
    licence, none of which a report needs: meta tags, then headings. Its date (htmldate)
    is not taken: on a page that states no date of its own it falls back to any date in
    the text, such as those of the other documents listed beside the report, so the
    publication date comes only from the page's meta tags and date line (metadata.py).
    """
    from trafilatura.metadata import examine_meta, extract_title

    meta = examine_meta(root)
    meta.title = meta.title or extract_title(root)
    meta.clean_and_trim()
    return meta.title


def _assemble(
    text: str,
    grids: list[Grid],
    *,
    source_format: str,
    warnings: list[str],
    html_meta: dict[str, str] | None = None,
    page_text: str | None = None,
    title_hint: str | None = None,
    date_hint: str | None = None,
) -> Report:
    text = normalize_text(text)
    reading = read_tables(grids) if grids else None
    text_grids: list[Grid] = []
    if reading is None or reading.template is None:
        # Tables pasted as text (or grids no template matches): lay them out from lines.
        text_grids = grids_from_text(text)
        from_text = read_tables(text_grids)
        if reading is None or from_text.template is not None:
            reading = from_text
    meta = read_metadata(
        text, html_meta=html_meta, page_text=page_text, title_hint=title_hint, date_hint=date_hint
    )
    sections = split_sections(text)
    verdict = classify(
        title=meta.title, text=text, sections=sections, year=meta.year, table_template=reading.template
    )
    report = Report(
        is_report=verdict.is_report,
        reason=verdict.reason,
        template=verdict.template,
        year=meta.year,
        agency=meta.agency,
        title=meta.title,
        published=meta.published,
        sections=sections,
        warnings=[*warnings, *meta.warnings],
        text=text,
        source_format=source_format,
    )
    if not verdict.is_report:
        report.sections = {}  # a notice quoting the template's headings has no sections
        report.warnings = list(warnings)  # "no year in the title" is no news on a 404 page
        return report
    if verdict.template == "legacy":
        report.legacy_statistics = read_legacy_statistics(grids) or read_legacy_statistics(
            text_grids
        )
        if reading.template is not None:
            report.warnings.append(
                f"tables: a {reading.template}-template table in a {meta.year} report was not "
                "mapped; pre-2019 statistics never fill the 2019/2021 keys"
            )
        return report
    report.warnings.extend(reading.warnings)
    if verdict.template is None or reading.template is None:
        if verdict.template is not None:
            report.warnings.append("tables: no statistics table recognised")
        return report
    infer_missing(reading.template, reading.tables, reading.cells)
    report.tables = reading.tables
    report.cells = reading.cells
    report.checks = check_identities(reading.template, reading.tables, reading.cells)
    narrative_checks, narrative_warnings = check_narrative(text, reading.tables)
    report.checks.extend(narrative_checks)
    report.warnings.extend(narrative_warnings)
    return report

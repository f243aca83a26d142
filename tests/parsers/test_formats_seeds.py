"""The seeds rendered to DOCX and PDF parse to the same canonical figures as their text form.

Seeds 001 (2021 template, pipe layout) and 004 (2019 template, one cell per line) have
complete tables. Their tables are laid out in the national template's shape and written
to DOCX with python-docx, then to PDF by LibreOffice (the way agencies export from Word:
the long request table breaks across pages, header rows repeated, merged label cells cut
by the break).
"""

import json

import pytest

from demo.documents import Layout, seed_blocks, to_docx
from parsers import parse_document, parse_text
from parsers.formats import extract
from parsers.formats.legacy_word import convert
from parsers.model import json_default
from tests.support.seeds import seed_text

SEEDS = ["001", "004"]


@pytest.fixture(scope="module")
def rendered() -> dict[str, dict[str, bytes]]:
    out = {}
    for seed in SEEDS:
        docx_body = to_docx(seed_blocks(seed_text(seed)))
        out[seed] = {"docx": docx_body, "pdf": convert(docx_body, source_suffix=".docx", target="pdf")}
    return out


def _canonical(tables: dict) -> str:
    return json.dumps(tables, default=json_default, sort_keys=True, ensure_ascii=False)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_reader_returns_the_template_grids(rendered, seed, fmt):
    expected = [b.grid() for b in seed_blocks(seed_text(seed)) if isinstance(b, Layout)]
    doc = extract(rendered[seed][fmt], fmt=fmt)
    assert doc.grids == expected
    if fmt == "pdf":
        assert doc.pages and doc.pages > 1 and not doc.warnings


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_rendered_seed_parses_to_the_text_forms_figures(rendered, seed, fmt):
    from_text = parse_text(seed_text(seed))
    from_file = parse_document(rendered[seed][fmt], filename=f"report.{fmt}")
    assert from_file.is_report and from_file.source_format == fmt
    assert (from_file.template, from_file.year) == (from_text.template, from_text.year)
    assert from_text.tables["requests"]  # the comparison is over real figures
    assert _canonical(from_file.tables) == _canonical(from_text.tables)
    assert [c.to_json() for c in from_file.checks] == [c.to_json() for c in from_text.checks]


def test_bad_files_end_as_not_a_report_or_unreadable(rendered):
    from parsers.errors import UnreadableDocument
    from tests.parsers.test_formats_sniff import HTML_ERROR_PAGE

    error_page = parse_document(HTML_ERROR_PAGE, filename="2021年报.pdf", content_type="application/pdf")
    assert error_page.is_report is False and error_page.source_format == "html"
    pdf = rendered["001"]["pdf"]
    with pytest.raises(UnreadableDocument, match="truncated PDF"):
        parse_document(pdf[: len(pdf) // 2], filename="2021年报.pdf")
    renamed = parse_document(rendered["001"]["docx"], filename="2021年报.pdf")
    assert renamed.source_format == "docx" and renamed.tables == parse_text(seed_text("001")).tables

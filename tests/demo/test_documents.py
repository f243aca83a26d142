"""The document builders of `demo.documents` produce what the format tests rely on: real
merges, a table that does cross a page, the template's shape for a seed's tables."""

from __future__ import annotations

import io
import zipfile

import pdfplumber
from docx.oxml.ns import qn

from demo.documents import Layout, expand, seed_blocks, to_docx, to_pdf
from tests.support.seeds import seed_text


def test_expand_places_spans_like_a_browser():
    layout = expand([[("a", 2, 1), ("b", 1, 2)], [("c", 1, 1), ("d", 1, 1)]])
    assert layout.matrix == [["a", "b", ""], ["", "c", "d"]]
    assert layout.grid() == [["a", "b", "b"], ["a", "c", "d"]]


def test_seed_004_requests_table_keeps_template_shape():
    tables = [b for b in seed_blocks(seed_text("004")) if isinstance(b, Layout)]
    requests = tables[1].grid()
    assert len(requests[0]) == 10
    # 3 header rows + 2 + 1 + 1 + 8 + 3 + 5 + 1 (六 single row in 2019) + 1 + 1
    assert len(requests) == 26
    assert requests[12][:3] == ["三、本年度办理结果", "（三）不予公开", "6.属于四类过程性信息"]
    assert requests[3] == ["一、本年新收政府信息公开申请数量"] * 3 + ["6", "0", "0", "0", "0", "0", "6"]


def test_docx_builder_writes_real_merges():
    body = to_docx([expand([[("a", 2, 1), ("b", 1, 2)], [("c", 1, 1), ("d", 1, 1)]])])
    xml = zipfile.ZipFile(io.BytesIO(body)).read("word/document.xml").decode()
    assert qn("w:gridSpan").split("}")[1] in xml and "vMerge" in xml


def test_pdf_builder_breaks_a_long_table_across_pages_repeating_its_header():
    layout = expand([[("地区", 2, 1), ("件数", 1, 2)], [("新收", 1, 1), ("办结", 1, 1)]]
                    + [[(f"第{i}街道", 1, 1), (str(i), 1, 1), (str(i * 2), 1, 1)] for i in range(80)])
    body = to_pdf(["标题", layout], repeat_header=True)
    with pdfplumber.open(io.BytesIO(body)) as pdf:
        headed = [i for i, page in enumerate(pdf.pages) if "件数" in (page.extract_text() or "")]
    assert headed == [0, 1]

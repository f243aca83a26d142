"""Fixture documents rendered the way agencies make them: DOCX and PDF from a layout.

A report's text (the seeds are text extractions) is read back by `seed_blocks` into
paragraphs and tables laid out in the national template's shape (merged header cells, row
labels merged down their groups), so the same figures can be rendered to DOCX and PDF and
read back by the format tests and the parse benchmarks.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

import docx
from docx.oxml import OxmlElement
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

FONT = "STSong-Light"  # reportlab's built-in CID font: Chinese without font files
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

Spec = list[list[tuple[str, int, int]]]  # rows of (text, rowspan, colspan), HTML-style


@dataclass
class Layout:
    """A table as its full matrix plus merged ranges (r0, c0, r1, c1 inclusive)."""

    matrix: list[list[str]]
    merges: list[tuple[int, int, int, int]]

    def grid(self) -> list[list[str]]:
        """What a reader must return: the merged cell's text in every slot."""
        out = [row[:] for row in self.matrix]
        for r0, c0, r1, c1 in self.merges:
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    out[r][c] = self.matrix[r0][c0]
        return out


Block = str | Layout


def expand(spec: Spec) -> Layout:
    """Lay out rowspan/colspan rows into a matrix, as a browser does."""
    taken: dict[tuple[int, int], str] = {}
    merges = []
    for r, row in enumerate(spec):
        c = 0
        for text, rowspan, colspan in row:
            while (r, c) in taken:
                c += 1
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken[(r + dr, c + dc)] = text if (dr, dc) == (0, 0) else ""
            if rowspan > 1 or colspan > 1:
                merges.append((r, c, r + rowspan - 1, c + colspan - 1))
            c += colspan
    rows = max(r for r, _ in taken) + 1
    cols = max(c for _, c in taken) + 1
    matrix = [[taken.get((r, c), "") for c in range(cols)] for r in range(rows)]
    return Layout(matrix, merges)


# --- seeds -> blocks -------------------------------------------------------------------

_SECTION = re.compile(r"^\s*([一二三四五六])、")
_L1 = re.compile(r"^[一二三四五六七八九十]+、")
_L2 = re.compile(r"^[(（][一二三四五六七八九十]+[)）]")
_L3 = re.compile(r"^\d+[.．、]")
_REQUEST_HEADER: Spec = [
    [("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3), ("申请人情况", 1, 7)],
    [("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1)],
    [("商业企业", 1, 1), ("科研机构", 1, 1), ("社会公益组织", 1, 1), ("法律服务机构", 1, 1), ("其他", 1, 1)],
]
_OUTCOMES = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
_APPEAL_HEADER: Spec = [
    [("行政复议", 1, 5), ("行政诉讼", 1, 10)],
    [*[(o, 2, 1) for o in _OUTCOMES], ("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)],
    [(o, 1, 1) for o in _OUTCOMES * 2],
]



def seed_blocks(text: str) -> list[Block]:
    """Paragraphs and template-shaped tables of a seed (pipe or one-cell-per-line layout)."""
    blocks: list[Block] = []
    region: list[str] = []
    section = ""

    def flush() -> None:
        rows = _region_rows(region)
        if rows:
            blocks.append(_layout(section, rows))
        region.clear()

    for line in text.split("\n"):
        is_table_line = "|" in line or line.startswith("\t") or (region and not line.strip())
        if is_table_line:
            region.append(line)
            continue
        flush()
        match = _SECTION.match(line)
        if match:
            section = match.group(1)
        if line.strip():
            blocks.append(line.strip())
    flush()
    return blocks


def _region_rows(lines: list[str]) -> list[list[str]]:
    if any("|" in line for line in lines):
        rows = [[c.strip() for c in line.strip().removesuffix("|").split("|")] for line in lines]
    else:
        rows, current = [], []
        for line in lines + [""]:
            if line.strip() == "" and not line.startswith("\t"):
                if current:
                    rows.append(current)
                current = []
            else:
                current.append(line.strip())
    return [row for row in rows if any(row)]


def _layout(section: str, rows: list[list[str]]) -> Layout:
    if section == "二":
        return expand(_active_spec(rows))
    if section == "三":
        return expand(_REQUEST_HEADER + _request_spec(rows))
    values = next(r for r in rows if sum(bool(re.fullmatch(r"\d+", c)) for c in r) == 15)
    return expand(_APPEAL_HEADER + [[(v, 1, 1) for v in values if v]])


def _active_spec(rows: list[list[str]]) -> Spec:
    spec = []
    for row in rows:
        while row and not row[-1]:
            row = row[:-1]
        cells = [(text, 1, 1) for text in row]
        text, _, _ = cells[-1]
        cells[-1] = (text, 1, 4 - len(cells) + 1)
        spec.append(cells)
    return spec


def _request_spec(rows: list[list[str]]) -> Spec:
    data = []  # (l1, l2, l3, values)
    l1 = l2 = ""
    for row in rows:
        labels = [c for c in row[:-7] if c]
        if not labels or not any(_L1.match(x) or _L2.match(x) or _L3.match(x) for x in labels):
            continue  # a header row
        l3 = ""
        for label in labels:
            if _L1.match(label):
                l1, l2 = label, ""
            elif _L2.match(label):
                l2 = label
            else:
                l3 = label
        if _L1.match(labels[0]) and len(labels) == 1:
            l2 = ""
        data.append((l1, l2, l3, row[-7:]))
    spec: Spec = []
    for i, (l1, l2, l3, values) in enumerate(data):
        cells = []
        starts_l1 = i == 0 or data[i - 1][0] != l1
        if starts_l1:
            if not l2:
                cells.append((l1, 1, 3))
            else:
                cells.append((l1, sum(1 for d in data[i:] if d[0] == l1 and d[1]), 1))
        if l2 and (starts_l1 or data[i - 1][1] != l2):
            if not l3:
                cells.append((l2, 1, 2))
            else:
                span = 0
                for d in data[i:]:
                    if (d[0], d[1]) != (l1, l2):
                        break
                    span += 1
                cells.append((l2, span, 1))
        if l3:
            cells.append((l3, 1, 1))
        cells.extend((v, 1, 1) for v in values)
        spec.append(cells)
    return spec


# --- renderers -------------------------------------------------------------------------


def to_docx(blocks: list[Block], title: str | None = None) -> bytes:
    document = docx.Document()
    if title:
        document.core_properties.title = title
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        rows, cols = len(block.matrix), len(block.matrix[0])
        table = document.add_table(rows=rows, cols=cols)
        table.style = "Table Grid"
        for r0, c0, r1, c1 in block.merges:
            table.cell(r0, c0).merge(table.cell(r1, c1))
        covered = {
            (r, c) for r0, c0, r1, c1 in block.merges
            for r in range(r0, r1 + 1) for c in range(c0, c1 + 1) if (r, c) != (r0, c0)
        }
        for r in range(rows):
            for c in range(cols):
                if (r, c) not in covered:
                    table.cell(r, c).text = block.matrix[r][c]
        for r in range(_header_rows(block)):  # Word repeats these on every page
            table.rows[r]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def to_pdf(blocks: list[Block], title: str | None = None, repeat_header: int = 0) -> bytes:
    """A PDF drawn by reportlab, tables ruled.

    reportlab cannot break a table inside a row span, so the seeds' request table (its
    三、本年度办理结果 label spans 20 rows) goes to PDF through LibreOffice instead,
    as Word users' exports do; this renderer serves simpler tables.
    """
    body = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=15, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=7.5, leading=9, wordWrap="CJK")
    story = []
    for block in blocks:
        if isinstance(block, str):
            story.append(Paragraph(block, body))
            continue
        cols = len(block.matrix[0])
        data = [[Paragraph(text, cell) if text else "" for text in row] for row in block.matrix]
        style = [("GRID", (0, 0), (-1, -1), 0.5, "black"), ("FONT", (0, 0), (-1, -1), FONT, 7.5)]
        style += [("SPAN", (c0, r0), (c1, r1)) for r0, c0, r1, c1 in block.merges]
        story.append(Table(
            data, colWidths=[450 / cols] * cols, style=TableStyle(style),
            repeatRows=_header_rows(block) if repeat_header else 0,
        ))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title=title or "", author="zfxxgk tests").build(story)
    return out.getvalue()


def _header_rows(layout: Layout) -> int:
    return max((r1 + 1 for r0, _, r1, _ in layout.merges if r0 == 0), default=1)


def zip_bomb_docx(base: bytes, inflated_bytes: int) -> bytes:
    """A valid DOCX plus one member of zeros that inflates to `inflated_bytes`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        with dst.open("word/media/bomb.bin", "w", force_zip64=True) as bomb:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(inflated_bytes // len(chunk)):
                bomb.write(chunk)
    return out.getvalue()

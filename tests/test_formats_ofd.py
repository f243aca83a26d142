"""OFD: a small generator writes the XML a Chinese OFD producer writes; the reader reads it back.

There is no common OFD writer to make fixtures with, so `make_ofd` draws paragraphs as
TextObjects and tables as ruled cells (one PathObject rectangle per cell, none inside a
merged cell, long labels wrapped onto several TextCodes) on A4 pages measured in mm.
"""

import io
import zipfile
from xml.sax.saxutils import escape

import pytest

from parsers.errors import UnreadableDocument
from parsers.formats import extract, sniff_format
from tests.test_formats_docx import HEADER
from tests.test_formats_render import Block, Layout, expand

NS = "http://www.ofdspec.org/2016"
SIZE = 3.5  # mm
LEFT, WIDTH = 20.0, 170.0


def _text(x: float, y: float, text: str, ids: list[int]) -> str:
    ids.append(len(ids) + 1)
    width = SIZE * len(text)
    return (
        f'<ofd:TextObject ID="{ids[-1]}" Boundary="{x:.2f} {y:.2f} {width:.2f} {SIZE + 1}" '
        f'Font="1" Size="{SIZE}"><ofd:TextCode X="0" Y="{SIZE}" DeltaX="g {len(text) - 1} {SIZE}">'
        f"{escape(text)}</ofd:TextCode></ofd:TextObject>"
    )


def _rect(x: float, y: float, w: float, h: float, ids: list[int]) -> str:
    ids.append(len(ids) + 1)
    return (
        f'<ofd:PathObject ID="{ids[-1]}" Boundary="{x:.2f} {y:.2f} {w:.2f} {h:.2f}" LineWidth="0.25">'
        f"<ofd:AbbreviatedData>M 0 0 L {w:.2f} 0 L {w:.2f} {h:.2f} L 0 {h:.2f} C</ofd:AbbreviatedData>"
        "</ofd:PathObject>"
    )


def _wrap(text: str, width: float) -> list[str]:
    per_line = max(1, int((width - 1) // SIZE))
    return [text[i:i + per_line] for i in range(0, len(text), per_line)] or [""]


def _table(layout: Layout, top: float, ids: list[int]) -> tuple[list[str], float]:
    rows, cols = len(layout.matrix), len(layout.matrix[0])
    col_w = WIDTH / cols
    spans = {(r0, c0): (r1, c1) for r0, c0, r1, c1 in layout.merges}
    covered = {(r, c) for (r0, c0), (r1, c1) in spans.items()
               for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)} - set(spans)
    heights = []
    for r in range(rows):
        lines = max((len(_wrap(layout.matrix[r][c], col_w * (spans.get((r, c), (r, c))[1] - c + 1)))
                     for c in range(cols) if (r, c) not in covered
                     and spans.get((r, c), (r, c))[0] == r), default=1)
        heights.append(lines * (SIZE + 1.5) + 2)
    ys = [top]
    for h in heights:
        ys.append(ys[-1] + h)
    out = []
    for r in range(rows):
        for c in range(cols):
            if (r, c) in covered:
                continue
            r1, c1 = spans.get((r, c), (r, c))
            x, y = LEFT + c * col_w, ys[r]
            w, h = (c1 - c + 1) * col_w, ys[r1 + 1] - ys[r]
            out.append(_rect(x, y, w, h, ids))
            for i, line in enumerate(_wrap(layout.matrix[r][c], w)):
                if line:
                    out.append(_text(x + 0.5, y + 1 + i * (SIZE + 1.5), line, ids))
    return out, ys[-1]


def make_ofd(pages: list[list[Block]], title: str = "某局2021年政府信息公开工作年度报告") -> bytes:
    ids: list[int] = []
    contents = []
    for blocks in pages:
        y, objects = 25.0, []
        for block in blocks:
            if isinstance(block, str):
                objects.append(_text(LEFT, y, block, ids))
                y += SIZE + 3
            else:
                drawn, y = _table(block, y, ids)
                objects.extend(drawn)
                y += 4
        objects.append(_text(100, 285, "- 1 -", ids))  # page number: furniture
        contents.append(
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}"><ofd:Content>'
            f'<ofd:Layer ID="0">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>'
        )
    page_refs = "".join(
        f'<ofd:Page ID="{100 + i}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages))
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("OFD.xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD">'
            f"<ofd:DocBody><ofd:DocInfo><ofd:DocID>x</ofd:DocID><ofd:Title>{escape(title)}</ofd:Title>"
            "<ofd:CreationDate>2022-01-12</ofd:CreationDate></ofd:DocInfo>"
            "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
        ))
        z.writestr("Doc_0/Document.xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
            "<ofd:MaxUnitID>999</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297"
            f"</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData><ofd:Pages>{page_refs}</ofd:Pages>"
            "</ofd:Document>"
        ))
        for i, content in enumerate(contents):
            z.writestr(f"Doc_0/Pages/Page_{i}/Content.xml", content)
    return out.getvalue()


ROWS = [[(f"第{i}街道", 1, 1), (str(i), 1, 1), (str(2 * i), 1, 1)] for i in range(6)]
HEAD = [[("街道", 2, 1), ("申请件数", 1, 2)], [("新收", 1, 1), ("办结", 1, 1)]]


@pytest.fixture(scope="module")
def report_ofd() -> bytes:
    return make_ofd([
        ["某局2021年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况", HEADER, "四、行政复议"],
        [expand(HEAD + ROWS[:3])],
        [expand(HEAD + ROWS[3:]), "五、存在的主要问题及改进情况"],
    ])


def test_ofd_is_sniffed_from_its_members(report_ofd):
    assert sniff_format(report_ofd, filename="年报.zip") == "ofd"


def test_ruled_table_with_merged_cells_is_rebuilt(report_ofd):
    doc = extract(report_ofd, fmt="ofd")
    assert doc.grids[0] == HEADER.grid()
    assert doc.title == "某局2021年政府信息公开工作年度报告" and doc.published == "2022-01-12"
    assert doc.pages == 3 and doc.source_format == "ofd"


def test_table_continued_on_next_page_is_joined_without_repeated_header(report_ofd):
    doc = extract(report_ofd, fmt="ofd")
    assert len(doc.grids) == 2
    assert doc.grids[1] == expand(HEAD + ROWS).grid()


def test_text_in_reading_order(report_ofd):
    lines = extract(report_ofd, fmt="ofd").text.split("\n")
    assert lines[:2] == ["某局2021年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况"]
    assert lines.index("四、行政复议") < lines.index("街道\t申请件数\t申请件数")
    assert lines[-1] == "五、存在的主要问题及改进情况"
    assert "- 1 -" not in lines  # page numbers are furniture


def test_unruled_rows_come_out_as_tab_separated_cells():
    body = make_ofd([["标题"]])
    extra = _text(LEFT, 60, "行政许可", []) + _text(LEFT + 60, 60, "12", []) + _text(LEFT + 90, 60, "3", [])
    with zipfile.ZipFile(io.BytesIO(body)) as src:
        page = src.read("Doc_0/Pages/Page_0/Content.xml").decode().replace("</ofd:Layer>", extra + "</ofd:Layer>")
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as dst:
            for info in src.infolist():
                dst.writestr(info, page if info.filename.endswith("Content.xml") else src.read(info))
    assert "行政许可\t12\t3" in extract(out.getvalue(), fmt="ofd").text.split("\n")


def test_zip_bomb_inside_ofd_is_refused(report_ofd):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(report_ofd)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("Doc_0/Res/font.ttf", b"\0" * (40 * 1024 * 1024))
    with pytest.raises(UnreadableDocument, match="zip bomb"):
        extract(out.getvalue(), fmt="ofd")


def test_ofd_missing_its_document_is_unreadable(report_ofd):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(report_ofd)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename != "Doc_0/Document.xml":
                dst.writestr(info, src.read(info))
    with pytest.raises(UnreadableDocument, match="lacks Doc_0/Document.xml"):
        extract(out.getvalue(), fmt="ofd")

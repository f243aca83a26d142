"""OFD fixture documents: the XML a Chinese OFD producer writes, from a layout.

There is no common OFD writer to make fixtures with, so `make_ofd` draws paragraphs as
TextObjects and tables as ruled cells (one PathObject rectangle per cell, none inside a
merged cell, long labels wrapped onto several TextCodes) on A4 pages measured in mm.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

from demo.documents import Block, Layout

NS = "http://www.ofdspec.org/2016"
SIZE = 3.5  # mm
LEFT, WIDTH = 20.0, 170.0


def text_object(x: float, y: float, text: str, ids: list[int]) -> str:
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
                    out.append(text_object(x + 0.5, y + 1 + i * (SIZE + 1.5), line, ids))
    return out, ys[-1]


def make_ofd(pages: list[list[Block]], title: str = "某局2021年政府信息公开工作年度报告") -> bytes:
    ids: list[int] = []
    contents = []
    for blocks in pages:
        y, objects = 25.0, []
        for block in blocks:
            if isinstance(block, str):
                objects.append(text_object(LEFT, y, block, ids))
                y += SIZE + 3
            else:
                drawn, y = _table(block, y, ids)
                objects.extend(drawn)
                y += 4
        objects.append(text_object(100, 285, "- 1 -", ids))  # page number: furniture
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

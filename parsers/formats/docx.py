"""DOCX: paragraphs and tables in document order, tables as the grid they show.

python-docx opens the package and gives the core properties, but its cell accessors are
not used for the grid: `Table.cell()`/`Table.rows[i].cells` find a vMerge continuation's
text by stepping back one table width in a flat cell list, which lands on the wrong cell
as soon as a row leaves grid columns out (`gridBefore`/`gridAfter`, common in
Word-exported government tables), and `_Row.cells` then differs in length row to row.
The grid is built from the `w:tc` elements themselves: `gridBefore` pads, `gridSpan`
repeats a cell's text across the columns it spans, a `vMerge` continuation takes the
text of the slot above.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import docx
from docx.oxml.ns import qn
from lxml import etree

from parsers.errors import UnreadableDocument
from parsers.formats import limits
from parsers.model import Extracted, Grid

_P, _TBL, _SDT, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:tr"), qn("w:tc")
_T, _TAB, _BR, _CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
_VAL = qn("w:val")


def extract(body: bytes) -> Extracted:
    """Read a DOCX; the zip is checked for bombs before python-docx inflates anything."""
    limits.open_zip(body, "DOCX")
    try:
        document = docx.Document(io.BytesIO(body))
    except Exception as exc:  # python-docx raises bare KeyError/ValueError on broken parts
        raise UnreadableDocument(f"DOCX cannot be opened: {type(exc).__name__}: {exc}") from exc
    lines: list[str] = []
    grids: list[Grid] = []
    for element in _blocks(document.element.body):
        if element.tag == _P:
            lines.append(_text(element))
        else:
            grid = table_grid(element)
            if grid:
                grids.append(grid)
                lines.extend("\t".join(cell.replace("\n", " ") for cell in row) for row in grid)
    title = (document.core_properties.title or "").strip() or None
    return Extracted(
        text="\n".join(lines).strip("\n"), grids=grids, source_format="docx", title=title
    )


def _blocks(container: etree._Element) -> Iterator[etree._Element]:
    """Top-level paragraphs and tables in order, looking through content controls."""
    for child in container:
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT:
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _blocks(content)


def table_grid(tbl: etree._Element) -> Grid:
    """The matrix a Word table shows, merged cells' text repeated in every slot."""
    rows: list[list[str]] = []
    slots = widest = 0
    for tr in tbl.iterchildren(_TR):
        row: list[str] = []
        before = min(max(0, _int_prop(tr, "w:trPr/w:gridBefore")), limits.MAX_SPAN)
        row.extend([""] * before)
        for tc in _row_cells(tr):
            # gridSpan="1000000000" is one attribute: cap it, and the table's slots in all
            span = min(max(1, _int_prop(tc, "w:tcPr/w:gridSpan")), limits.MAX_SPAN)
            slots += span
            limits.check_table(1, slots, "DOCX table")
            vmerge = tc.find(qn("w:tcPr") + "/" + qn("w:vMerge"))
            is_continuation = vmerge is not None and vmerge.get(_VAL) in (None, "continue")
            text = _cell_text(tc)
            for _ in range(span):
                col = len(row)
                if is_continuation and rows and col < len(rows[-1]):
                    row.append(rows[-1][col])
                else:
                    row.append(text)
        rows.append(row)
        widest = max(widest, len(row))
        limits.check_table(len(rows), widest, "DOCX table")
    return [r + [""] * (widest - len(r)) for r in rows]


def _row_cells(tr: etree._Element) -> Iterator[etree._Element]:
    for child in tr:
        if child.tag == _TC:
            yield child
        elif child.tag == _SDT:  # a content control around cells
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from content.iterchildren(_TC)


def _int_prop(element: etree._Element, path: str) -> int:
    found = element.find("/".join(qn(p) for p in path.split("/")))
    if found is None:
        return 0
    try:
        return int(found.get(_VAL, "0"))
    except ValueError:
        return 0


def _cell_text(tc: etree._Element) -> str:
    parts = []
    for block in _blocks(tc):
        if block.tag == _P:
            parts.append(_text(block))
        else:  # a table nested in a cell: its rows as lines of the cell
            parts.extend(" ".join(row) for row in table_grid(block))
    return "\n".join(p for p in parts if p.strip()).strip()


def _text(paragraph: etree._Element) -> str:
    """A paragraph's visible text; deleted revisions (w:delText) are not w:t, so skipped."""
    out = []
    for node in paragraph.iter(_T, _TAB, _BR, _CR):
        if node.tag == _T:
            out.append(node.text or "")
        elif node.tag == _TAB:
            out.append("\t")
        else:
            out.append("\n")
    return "".join(out)

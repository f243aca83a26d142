"""HTML <table> elements -> matrices with rowspan/colspan expanded.

Portal pages print the statistical tables with merged header cells; flattened text loses
which figure sits under which header, the matrix keeps it: a merged cell's text is
repeated in every slot it covers, as the `Grid` contract says, and every slot is a `Slot`
that names the source cell (row, column, spans) it came from, so that later stages undo
the repetition by provenance, never by comparing texts. Pages built from nested
layout tables wrap everything in outer tables, so only innermost tables (no <table>
inside) are read. Word-exported markup (MsoNormal <p><span>, <o:p>, &nbsp;, <br> inside
labels) is reduced to the cell's normalized text.
"""

from __future__ import annotations

from lxml import html

from parsers.errors import UnreadableDocument
from parsers.formats import limits
from parsers.model import Grid, Slot
from parsers.text_normalize import normalize_cell

MAX_SPAN = 200  # a colspan="1000" typo must not allocate a huge row
_SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template"})
_CELL_TAGS = frozenset({"td", "th"})


def _span(cell: html.HtmlElement, name: str) -> int:
    raw = cell.get(name)
    if raw is None:
        return 1
    digits = "".join(ch for ch in raw if ch.isdigit())
    return max(1, min(int(digits), MAX_SPAN)) if digits else 1


def _slow_text(element: html.HtmlElement, parts: list[str]) -> None:
    """Text of a cell holding <br> or scripts: <br> becomes a space, scripts vanish."""
    tag = element.tag
    if not isinstance(tag, str):
        return  # comments and processing instructions are not shown
    if tag in _SKIPPED_TAGS:
        return
    if tag == "br":
        parts.append(" ")
    if element.text:
        parts.append(element.text)
    for child in element:
        _slow_text(child, parts)
        if child.tail:
            parts.append(child.tail)


def _special_cells(table: html.HtmlElement) -> set[html.HtmlElement]:
    """Cells that contain <br> or script-like elements and need the slow text walk."""
    special: set[html.HtmlElement] = set()
    for element in table.iter("br", *_SKIPPED_TAGS):
        parent = element.getparent()
        while parent is not None and parent.tag not in _CELL_TAGS and parent is not table:
            parent = parent.getparent()
        if parent is not None and parent is not table:
            special.add(parent)
    return special


def cell_text(cell: html.HtmlElement, slow: bool = True) -> str:
    """The visible text of a cell: comments, scripts and styles skipped, <br> as a space.

    `slow=False` is for cells known to hold neither, where lxml's own text iteration
    (comments already excluded) gives the same text much faster.
    """
    if not slow:
        return normalize_cell("".join(cell.itertext()))
    parts: list[str] = []
    _slow_text(cell, parts)
    return normalize_cell("".join(parts))


def _own_rows(table: html.HtmlElement) -> list[html.HtmlElement]:
    rows: list[html.HtmlElement] = []
    for child in table:
        if not isinstance(child.tag, str):
            continue
        tag = child.tag.lower()
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(r for r in child if isinstance(r.tag, str) and r.tag.lower() == "tr")
    return rows


def _take_carried(row: list[str], carried: dict[int, tuple[int, Slot]]) -> None:
    """Append the text of the rowspan covering the row's next slot."""
    column = len(row)
    remaining, text = carried[column]
    row.append(text)
    if remaining <= 1:
        del carried[column]
    else:
        carried[column] = (remaining - 1, text)


def table_grid(table: html.HtmlElement) -> Grid:
    """One table as its matrix: every slot of a merged cell holds the cell's text, as a
    `Slot` naming the cell (its first row and column, its spans)."""
    grid: Grid = []
    carried: dict[int, tuple[int, Slot]] = {}  # column -> (rows still covered, slot)
    special = _special_cells(table)
    width = 0
    for row_index, tr in enumerate(_own_rows(table)):
        row: list[str] = []
        for cell in tr:
            if cell.tag not in _CELL_TAGS:
                continue
            while len(row) in carried:
                _take_carried(row, carried)
            colspan, rowspan = _span(cell, "colspan"), _span(cell, "rowspan")
            # spans within MAX_SPAN can still multiply into a huge grid: bound the whole
            limits.check_table(len(grid) + rowspan, max(width, len(row) + colspan), "HTML table")
            text = Slot(cell_text(cell, slow=cell in special), (row_index, len(row), rowspan, colspan))
            for _ in range(colspan):
                if rowspan > 1:
                    carried[len(row)] = (rowspan - 1, text)
                row.append(text)
        # rowspans at or past the row's last cell still occupy their columns
        for column in sorted(c for c in carried if c >= len(row)):
            row.extend([""] * (column - len(row)))
            _take_carried(row, carried)
        width = max(width, len(row))
        limits.check_table(len(grid) + 1, width, "HTML table")
        grid.append(row)
    return grid


def check_spans(root: html.HtmlElement) -> None:
    """Refuse a page whose tables' merged cells cover more slots than any table needs.

    Run before anything walks the tables (trafilatura expands rowspans too), so a few KB
    of `rowspan="200" colspan="200"` cells cost one pass over the cells, not the grid.
    """
    covered: dict[html.HtmlElement | None, int] = {}
    for cell in root.iter("td", "th"):
        if cell.get("colspan") is None and cell.get("rowspan") is None:
            area = 1
        else:
            area = _span(cell, "colspan") * _span(cell, "rowspan")
        table = next(cell.iterancestors("table"), None)
        covered[table] = covered.get(table, 0) + area
        if covered[table] > limits.MAX_TABLE_CELLS:
            raise UnreadableDocument(
                f"HTML table's merged cells cover more than {limits.MAX_TABLE_CELLS} cells"
            )


def grids_from_html(root: html.HtmlElement) -> list[Grid]:
    """Every innermost <table> under `root` as a grid, in document order."""
    grids: list[Grid] = []
    for table in root.iter("table"):
        if any(True for _ in table.iterdescendants("table")):
            continue
        grid = table_grid(table)
        if any(any(cell for cell in row) for row in grid):
            grids.append(grid)
    return grids

"""Pages of a paginated document (PDF, OFD) joined into one stream of blocks.

Reports print their long request table over two or three pages. Word and LibreOffice
then repeat the header rows on each page, split a row whose text wraps across the break,
and leave a merged label cell (三、本年度办理结果) empty on the pages after its first.
Readers see one page at a time and hand their pages here, so the table comes out as the
one grid its author made.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from parsers.model import Grid

_PAGE_NUMBER = re.compile(
    r"^[-—–\s]*\d+[-—–\s]*$|^第?\s*\d+\s*页(\s*[,，/]?\s*共\s*\d+\s*页)?$|^\d+\s*/\s*\d+$"
)
_ENUMERATED = re.compile(r"^\s*([一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d+[.．、])")
_NUMBER = re.compile(r"^\s*[-+]?[\d,，.]+\s*$")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_EDGE_TOLERANCE = 2.0  # same unit as the reader's coordinates (PDF points, OFD mm)


@dataclass
class TableBlock:
    """A table on one page, with its column edges (left edges, then the right edge)."""

    grid: Grid
    edges: list[float]


@dataclass
class Page:
    """One page as blocks in reading order: text strings and tables."""

    blocks: list[str | TableBlock] = field(default_factory=list)
    ocr: bool = False


def join_split_tables(pages: list[Page]) -> list[str | Grid]:
    """Document blocks with a table cut by a page break joined into one grid.

    A table continues the previous page's when it is the first thing on its page (page
    numbers aside), the previous page ended with a table, and both span the same width.
    Their column edges are merged, so a part whose rows happen to merge some columns
    still lines up; repeated header rows are dropped.
    """
    blocks: list[str | TableBlock] = []
    for page in pages:
        content = _without_furniture(page.blocks)
        if content and isinstance(content[0], TableBlock) and blocks:
            previous = blocks[-1]
            if isinstance(previous, TableBlock) and _same_extent(previous, content[0]):
                blocks[-1] = _join(previous, content[0])
                content = content[1:]
        blocks.extend(content)
    return [b.grid if isinstance(b, TableBlock) else b for b in blocks]


def _without_furniture(blocks: list[str | TableBlock]) -> list[str | TableBlock]:
    """The page's blocks without page numbers at its top and bottom (header, footer)."""
    blocks = list(blocks)
    if blocks and isinstance(blocks[0], str):
        lines = blocks[0].split("\n")
        while lines and (not lines[0].strip() or _PAGE_NUMBER.match(lines[0].strip())):
            lines.pop(0)
        blocks[0] = "\n".join(lines)
    if blocks and isinstance(blocks[-1], str):
        lines = blocks[-1].split("\n")
        while lines and (not lines[-1].strip() or _PAGE_NUMBER.match(lines[-1].strip())):
            lines.pop()
        blocks[-1] = "\n".join(lines)
    return [b for b in blocks if not isinstance(b, str) or b.strip()]


def _same_extent(a: TableBlock, b: TableBlock) -> bool:
    return (
        abs(a.edges[0] - b.edges[0]) <= _EDGE_TOLERANCE
        and abs(a.edges[-1] - b.edges[-1]) <= _EDGE_TOLERANCE
    )


def _join(first: TableBlock, rest: TableBlock) -> TableBlock:
    edges = sorted(first.edges + rest.edges)
    merged_edges = [edges[0]]
    for edge in edges[1:]:
        if edge - merged_edges[-1] > _EDGE_TOLERANCE:
            merged_edges.append(edge)
    top = _regrid(first, merged_edges)
    bottom = _regrid(rest, merged_edges)
    bottom = _without_repeated_header(top, bottom)
    if bottom and top:
        bottom = _rejoin_broken_row(top, bottom)
        _fill_cut_merges(top[-1], bottom)
    return TableBlock(top + bottom, merged_edges)


def _regrid(table: TableBlock, edges: list[float]) -> Grid:
    """The table's rows laid on finer column edges: a column split in two repeats its text."""
    owners = []
    for left in edges[:-1]:
        column = max(
            (i for i, edge in enumerate(table.edges[:-1]) if edge <= left + _EDGE_TOLERANCE),
            default=0,
        )
        owners.append(column)
    return [[row[c] if c < len(row) else "" for c in owners] for row in table.grid]


def _without_repeated_header(first: Grid, continuation: Grid) -> Grid:
    def norm(row: list[str]) -> list[str]:
        return [re.sub(r"\s", "", cell) for cell in row]

    for k in range(min(len(first), len(continuation) - 1), 0, -1):
        if all(norm(a) == norm(b) for a, b in zip(first[:k], continuation[:k], strict=True)):
            return continuation[k:]
    return continuation


def _rejoin_broken_row(first: Grid, continuation: Grid) -> Grid:
    """Glue the tail of a row that wrapped across the page break back onto the row.

    Such a tail holds only the overflowing words of the row's longest cells: no figures
    and no new row label (一、 / （一） / 1.), and only in columns where the row has text.
    A genuine row that starts a page with blank figures and an unnumbered label would
    look the same; reports number their request rows, so that case is the rare one.
    """
    tail, last = continuation[0], first[-1]
    filled = [c for c, cell in enumerate(tail) if cell.strip()]
    if not filled or any(_NUMBER.match(tail[c]) or _ENUMERATED.match(tail[c]) for c in filled):
        return continuation
    if any(not last[c].strip() or _NUMBER.match(last[c]) for c in filled):
        return continuation
    for c in filled:
        last[c] = _glue(last[c], tail[c])
    return continuation[1:]


def _glue(head: str, tail: str) -> str:
    if _CJK.match(head[-1:]) or _CJK.match(tail[:1]) or head.endswith(("（", "(", "、")):
        return head + tail
    return f"{head} {tail}"


def _fill_cut_merges(last: list[str], continuation: Grid) -> None:
    """Label cells merged down across the break come back empty after it: refill them.

    Only the leading empty cells of each continued row are refilled, and only from label
    text above (never a figure), since that is the shape a cut vertical merge leaves.
    """
    above = last
    for row in continuation:
        for c, cell in enumerate(row):
            if cell.strip():
                break
            if above[c].strip() and not _NUMBER.match(above[c]):
                row[c] = above[c]
        above = row

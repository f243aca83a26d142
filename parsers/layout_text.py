"""Plain text as real extraction produces it -> rows of cells.

Text comes tab-separated (HTML or DOCX copied out), pipe-separated (Markdown-ish exports),
one cell per line with blank lines between rows (Word's text export), or as a PDF text
layer whose cells are runs of spaces or a label followed by its figures. Only the cell
structure is recovered here; deciding which cell is which column is `tables`' job, which
also joins labels and figures split over several lines. Prose lines separate grids and
are dropped; short lines (headings, label fragments) stay as one-cell rows because they
tell the table reader where it is.
"""

from __future__ import annotations

import re

from parsers.model import Grid
from parsers.text_normalize import normalize_text

_CELL_PER_LINE = re.compile(r"^\t[^\t]*$")
_WIDE_GAP = re.compile(r" {2,}")
_MARKDOWN_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_FIGURE = r"(?:[+-]?\d[\d,]*(?:\.\d+)?|/|—+|-|无)"
_TRAILING_FIGURES = re.compile(rf"^(?P<label>.*?[^\d\s,.+-])\s+(?P<figs>{_FIGURE}(?:\s+{_FIGURE})*)$")
_ONLY_FIGURES = re.compile(rf"^{_FIGURE}(?:\s+{_FIGURE})*$")
_PROSE_END = re.compile(r"。")
MAX_SHORT_LINE = 70


def _is_prose(line: str) -> bool:
    stripped = line.strip()
    return len(stripped) > MAX_SHORT_LINE or bool(_PROSE_END.search(stripped))


def _split_pipes(line: str, framed: bool) -> list[str]:
    """Cells between pipes; a closing pipe ends the row, an opening one only if `framed`."""
    cells = [cell.strip() for cell in line.split("|")]
    if cells and cells[-1] == "" and line.rstrip().endswith("|"):
        cells.pop()
    if framed and cells and cells[0] == "" and line.lstrip().startswith("|"):
        cells.pop(0)
    return cells


def _framed_pipes(lines: list[str]) -> bool:
    """True for Markdown-style rows (| a | b |): every pipe row with text opens with a pipe.

    In the other style (a | b |) a row opening with a pipe has an empty first cell, which
    matters for the positions the table reader aligns short rows by.
    """
    piped = [line.lstrip() for line in lines if "|" in line and "\t" not in line]
    with_text = [line for line in piped if line.strip("| ")]
    return bool(with_text) and all(line.startswith("|") for line in with_text)


def _split_spaces(line: str) -> list[str]:
    """A PDF text line: wide gaps separate cells, and trailing figures are cells too."""
    cells: list[str] = []
    for part in _WIDE_GAP.split(line.strip()):
        if _ONLY_FIGURES.match(part):
            cells.extend(part.split())
            continue
        match = _TRAILING_FIGURES.match(part)
        if match:
            cells.append(match.group("label"))
            cells.extend(match.group("figs").split())
        else:
            cells.append(part)
    return cells


def _cells_of(line: str, framed: bool) -> list[str]:
    if "\t" in line:
        return line.split("\t")
    if "|" in line:
        return _split_pipes(line, framed)
    return _split_spaces(line)


def _cell_per_line_layout(lines: list[str]) -> bool:
    """True when most tabbed lines hold one tab-prefixed cell (Word's one-cell-per-line)."""
    tabbed = [line for line in lines if "\t" in line]
    if not tabbed:
        return False
    single = sum(1 for line in tabbed if _CELL_PER_LINE.match(line))
    return single * 10 >= len(tabbed) * 6


def grids_from_text(text: str) -> list[Grid]:
    """The table regions of a text as grids: one per run of table lines between prose."""
    lines = normalize_text(text).splitlines()
    cell_per_line = _cell_per_line_layout(lines)
    framed = _framed_pipes(lines)
    grids: list[Grid] = []
    current: Grid = []
    block: list[str] = []  # cells of the one-cell-per-line row being gathered

    def end_block() -> None:
        if block:
            current.append(list(block))
            block.clear()

    def end_grid() -> None:
        end_block()
        if current:
            grids.append(list(current))
            current.clear()

    for line in lines:
        if cell_per_line and _CELL_PER_LINE.match(line):
            block.append(line[1:].strip())
            continue
        end_block()
        if not line.strip() or _MARKDOWN_RULE.match(line):
            continue
        cells = _cells_of(line, framed)
        if len(cells) == 1 and _is_prose(line):
            end_grid()
            continue
        current.append(cells)
    end_grid()
    return grids

"""Pre-2019 statistics tables, kept as the key/value lists they are.

From 2014 on (国办发〔2014〕32号) many reports append a "政府信息公开情况统计表": one row
per indicator (统计指标 | 单位 | 统计数), indicators numbered in outline levels
(一、 > (一) > 1. > (1)). Its indicators are not the 2019/2021 template's: "收到申请数"
counts something close to, but not the same as, 本年新收政府信息公开申请数量, and
provinces added and renamed rows freely. Mapping them onto the canonical keys would put
unlike figures side by side in one column, so they are kept as printed: the indicator's
label path (its outline ancestors, then itself), the figure, the unit, the raw cell.
"""

from __future__ import annotations

import re
from typing import Any

from parsers.model import Grid, Number
from parsers.text_normalize import normalize_cell
from parsers.values import NotAValue, parse_number

LegacyStatistic = dict[str, Any]  # {"label_path": [...], "value", "unit", "raw"}

# Header cells: the indicator column, the unit column, the figure column(s).
_LABEL_HEADER = re.compile(r"指标|项目|名称|内容|类别")
_UNIT_HEADER = re.compile(r"^(?:计量)?单位$")
_VALUE_HEADER = re.compile(r"统计数|数量|数值|数据|数目|合计|总数|\d{4}\s*年")
# Outline numbering, shallowest first; an unnumbered label is a leaf under the last one.
_LEVELS = (
    re.compile(r"^[一二三四五六七八九十]+\s*[、.,]"),
    re.compile(r"^\(\s*[一二三四五六七八九十]+\s*\)"),
    re.compile(r"^\d+\s*[、.](?!\d)"),
    re.compile(r"^\(\s*\d+\s*\)"),
    re.compile(r"^[①-⑳]"),
)
_LEAF = len(_LEVELS)
_UNITS = r"万元|元|件|个|条|项|人次|次|宗|起|份|期|篇|场|天|%"
_UNIT_IN_LABEL = re.compile(rf"[(]\s*({_UNITS})\s*[)]$")
_UNIT_IN_VALUE = re.compile(rf"({_UNITS})$")
# A PDF text line "(二)申请办结数 件 12": one space kept the unit in the label cell.
_UNIT_AFTER_LABEL = re.compile(rf"^(?P<label>.*\S)\s+(?P<unit>{_UNITS})$")
_NO_UNIT = {"", "—", "——", "-", "/", "无"}


def read_legacy_statistics(grids: list[Grid]) -> list[LegacyStatistic]:
    """Every indicator row of every statistics table among `grids`, in document order."""
    found: list[LegacyStatistic] = []
    for grid in grids:
        found.extend(_read_grid([[normalize_cell(cell) for cell in row] for row in grid]))
    return found


def _header(grid: Grid) -> tuple[int, int | None, list[int]] | None:
    """(header row, unit column, figure columns) when one of the first rows is a header."""
    for index, row in enumerate(grid[:5]):
        if not row or not _LABEL_HEADER.search(row[0]):
            continue
        unit = next((i for i, cell in enumerate(row) if _UNIT_HEADER.match(cell)), None)
        values = [
            i for i, cell in enumerate(row)
            if i > 0 and i != unit and _VALUE_HEADER.search(cell) and cell != row[0]
        ]
        if values:
            return index, unit, values
    return None


def _read_grid(grid: Grid) -> list[LegacyStatistic]:
    header = _header(grid)
    if header is None:
        return []
    header_row, unit_col, value_cols = header
    first_value = min(value_cols)
    label_cols = [i for i in range(first_value) if i != unit_col]
    titles = grid[header_row]
    stack: list[tuple[int, str]] = []  # (outline level, label) of the current ancestors
    found: list[LegacyStatistic] = []
    width = len(titles)
    for row in grid[header_row + 1 :]:
        if 1 < len(row) < width and (unit_col is None or unit_col < first_value):
            # text layout: a missing cell is the unit, figures stay at the right end
            row = [row[0], *[""] * (width - len(row)), *row[1:]]
            unit_split = _UNIT_AFTER_LABEL.match(row[0])
            if unit_split and unit_col is not None and not row[unit_col]:
                row[0], row[unit_col] = unit_split.group("label"), unit_split.group("unit")
        labels = list(dict.fromkeys(row[i] for i in label_cols if i < len(row) and row[i]))
        if not labels:
            continue
        spanning = len(set(row)) == 1  # one merged cell across the table: a heading or a note
        if spanning and not any(rule.match(labels[0]) for rule in _LEVELS):
            continue  # "说明：…", "注：…"
        for label in labels:
            level = next((n for n, rule in enumerate(_LEVELS) if rule.match(label)), _LEAF)
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, label))
        path = [label for _level, label in stack]
        if spanning:
            continue  # a numbered heading with no figure column: a parent only
        if stack[-1][0] == _LEAF:
            stack.pop()  # an unnumbered row is nobody's parent
        row_unit = _unit(row[unit_col] if unit_col is not None and unit_col < len(row) else "")
        for col in value_cols:
            raw = row[col] if col < len(row) else ""
            value, unit = _figure(raw)
            found.append(
                {
                    "label_path": path + ([titles[col]] if len(value_cols) > 1 else []),
                    "value": value,
                    "unit": unit or row_unit or _unit_in_label(path[-1]),
                    "raw": raw or None,
                }
            )
    return found


def _figure(raw: str) -> tuple[Number | None, str | None]:
    """The cell's number (None for a blank marker or text) and a unit printed with it."""
    try:
        value = parse_number(raw)
    except NotAValue:
        return None, None
    unit = _UNIT_IN_VALUE.search(raw)
    return value, unit.group(1) if unit else None


def _unit(cell: str) -> str | None:
    return None if cell in _NO_UNIT else cell


def _unit_in_label(label: str) -> str | None:
    match = _UNIT_IN_LABEL.search(label)
    return match.group(1) if match else None

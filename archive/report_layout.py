"""The three statistical tables of a report laid out as the template prints them.

A reader checks the archive against the PDF on their desk: the report page and the xlsx
export show each table with the template's own row and column labels, grouped headers and
第二十条 item headings, in the printed order, each figure carrying its marks (blank,
inferred, OCR) and the failing identities it takes part in. Pure functions over rows the
caller has read, so the Datasette page and the command-line export share one layout.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

Slot = tuple[str, str, str]  # (table, row, col)

APPLICANT_COLS = ("natural_person", "commercial", "research", "nonprofit", "legal_services", "other_org")
APPEALS_ROWS = ("review", "litigation_direct", "litigation_after_review")
APPEALS_COLS = ("upheld", "corrected", "other", "pending", "total")
_OUTCOME_PREFIXES = ("denied.", "unavailable.", "not_processed.", "other.")
_ENGLISH_NOTE = re.compile(r"\s+\([A-Za-z0-9].*\)$")
TABLE_TITLES = {
    "active": "二、主动公开政府信息情况",
    "requests": "三、收到和处理政府信息公开申请情况",
    "appeals": "四、政府信息公开行政复议、行政诉讼情况",
}


@functools.cache
def table_spec() -> dict:
    """parsers/report_tables.json, read without importing `parsers` (which loads every reader)."""
    spec_path = Path(importlib.util.find_spec("parsers").submodule_search_locations[0])
    return json.loads((spec_path / "report_tables.json").read_text("utf-8"))


@dataclass
class Value:
    """One stored figure of a report (a row of report_values)."""

    value: float | int | None
    exact: str | None = None
    raw: str | None = None
    inferred: bool = False
    ocr: bool = False


@dataclass
class Failure:
    """A failing identity, as a reader states it, and the cells it involves."""

    check_name: str
    message: str
    slots: tuple[Slot, ...]
    number: int = 0  # its place in the page's list of failures, marked on its cells


@dataclass
class Cell:
    """One printed cell: a label (header) or a figure (slot set)."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False
    slot: Slot | None = None
    value: Value | None = None
    failures: list[Failure] = field(default_factory=list)

    @property
    def marks(self) -> list[str]:
        """空白 for a blank (or unprinted) figure, 推算 for an inferred one, OCR for a scan's."""
        if self.slot is None:
            return []
        if self.value is None or self.value.value is None:
            return ["空白"]
        return [m for m, on in (("推算", self.value.inferred), ("OCR", self.value.ocr)) if on]


@dataclass
class PrintedTable:
    key: str
    title: str
    rows: list[list[Cell]]


def _clean(label: str) -> str:
    return _ENGLISH_NOTE.sub("", label)


def figure_text(value: Value | None) -> str:
    if value is None or value.value is None:
        return ""
    if value.exact is not None:
        return value.exact
    number = value.value
    return str(int(number)) if isinstance(number, float) and number.is_integer() else str(number)


def _figure(slot: Slot, values: Mapping[Slot, Value], failures: Mapping[Slot, list[Failure]]) -> Cell:
    value = values.get(slot)
    return Cell(figure_text(value), slot=slot, value=value, failures=list(failures.get(slot, [])))


def _header(text: str, rowspan: int = 1, colspan: int = 1) -> Cell:
    return Cell(text, rowspan, colspan, header=True)


def requests_rows(template: str | None) -> list[tuple[str, list[str]]]:
    """Row keys of the application table for a template, each with its label levels."""
    spec = table_spec()["tables"]["requests"]["rows"]
    rows = []
    for key, label in spec.items():
        if template == "2019" and key.startswith("other."):
            continue
        if template != "2019" and key == "other":
            continue
        rows.append((key, _clean(label).split("/")))
    third = next(levels[0] for key, levels in rows if key == "granted")  # 三、本年度办理结果
    return [(key, [third if part == "三" else part for part in levels]) for key, levels in rows]


def _request_labels(rows: list[tuple[str, list[str]]]) -> list[list[Cell]]:
    """Row-label cells (three label columns), merged down where the printed table merges them."""
    out: list[list[Cell]] = []
    for index, (_, levels) in enumerate(rows):
        cells: list[Cell] = []
        for depth, text in enumerate(levels):
            last = depth == len(levels) - 1
            colspan = 3 - depth if last else 1
            if not last:
                prefix = levels[: depth + 1]
                if index and rows[index - 1][1][: depth + 1] == prefix and len(rows[index - 1][1]) > depth + 1:
                    continue  # merged into the cell above
                span = 1
                while (
                    index + span < len(rows)
                    and rows[index + span][1][: depth + 1] == prefix
                    and len(rows[index + span][1]) > depth + 1
                ):
                    span += 1
                cells.append(_header(text, rowspan=span))
            else:
                cells.append(_header(text, colspan=colspan))
        out.append(cells)
    return out


def requests_table(template: str | None, values: Mapping[Slot, Value], failures: Mapping[Slot, list[Failure]]) -> PrintedTable:
    cols = table_spec()["tables"]["requests"]["cols"]
    org_cols = [_clean(cols[c]).split("/")[-1] for c in APPLICANT_COLS[1:]]
    head = [
        [_header("", rowspan=3, colspan=3), _header("申请人情况", colspan=7)],
        [
            _header(cols["natural_person"], rowspan=2),
            _header("法人或其他组织", colspan=5),
            _header(cols["total"], rowspan=2),
        ],
        [_header(name) for name in org_cols],
    ]
    rows = requests_rows(template)
    body = []
    for (key, _), labels in zip(rows, _request_labels(rows), strict=True):
        body.append(labels + [_figure(("requests", key, col), values, failures) for col in (*APPLICANT_COLS, "total")])
    return PrintedTable("requests", TABLE_TITLES["requests"], head + body)


def active_table(template: str | None, values: Mapping[Slot, Value], failures: Mapping[Slot, list[Failure]]) -> PrintedTable:
    """Grouped by 第二十条 item as printed: item heading, 信息内容 + column headings, rows."""
    variant = table_spec()["tables"]["active"]["templates"]["2019" if template == "2019" else "2021"]
    groups: list[tuple[str, list[str], list[str]]] = []
    for key, row in variant["rows"].items():
        if groups and groups[-1][0] == row["item"] and groups[-1][1] == row["cols"]:
            groups[-1][2].append(key)
        else:
            groups.append((row["item"], row["cols"], [key]))
    width = 1 + max(len(cols) for _, cols, _ in groups)
    out: list[list[Cell]] = []
    for item, cols, keys in groups:
        out.append([_header(item, colspan=width)])
        last_span = width - len(cols)
        out.append(
            [_header("信息内容")]
            + [
                _header(variant["cols"][c], colspan=last_span if i == len(cols) - 1 else 1)
                for i, c in enumerate(cols)
            ]
        )
        for key in keys:
            cells = [_header(variant["rows"][key]["label"])]
            for i, c in enumerate(cols):
                cell = _figure(("active", key, c), values, failures)
                cell.colspan = last_span if i == len(cols) - 1 else 1
                cells.append(cell)
            out.append(cells)
    return PrintedTable("active", TABLE_TITLES["active"], out)


def appeals_table(values: Mapping[Slot, Value], failures: Mapping[Slot, list[Failure]]) -> PrintedTable:
    """One row of fifteen figures under three header rows, as the template prints it."""
    spec = table_spec()["tables"]["appeals"]
    outcome = [spec["cols"][c] for c in APPEALS_COLS]
    head = [
        [_header("行政复议", colspan=5), _header("行政诉讼", colspan=10)],
        [*(_header(name, rowspan=2) for name in outcome),
         _header("未经复议直接起诉", colspan=5), _header("复议后起诉", colspan=5)],
        [_header(name) for name in outcome * 2],
    ]
    body = [_figure(("appeals", row, col), values, failures) for row in APPEALS_ROWS for col in APPEALS_COLS]
    return PrintedTable("appeals", TABLE_TITLES["appeals"], [*head, body])


def printed_tables(template: str | None, values: Mapping[Slot, Value], failures: Iterable[Failure] = ()) -> list[PrintedTable]:
    by_slot: dict[Slot, list[Failure]] = {}
    for number, failure in enumerate(failures, 1):
        failure.number = number
        for slot in failure.slots:
            by_slot.setdefault(slot, []).append(failure)
    return [
        active_table(template, values, by_slot),
        requests_table(template, values, by_slot),
        appeals_table(values, by_slot),
    ]


def grid(table: PrintedTable) -> list[list[Cell | None]]:
    """The table as a matrix (None where a merged cell above or to the left covers a slot)."""
    taken: dict[tuple[int, int], Cell | None] = {}
    for r, row in enumerate(table.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken[(r + dr, c + dc)] = cell if (dr, dc) == (0, 0) else None
            c += cell.colspan
    height = max(r for r, _ in taken) + 1
    width = max(c for _, c in taken) + 1
    return [[taken.get((r, c)) for c in range(width)] for r in range(height)]


def _num(value: float | int | None) -> str:
    if value is None:
        return "空白"
    return str(int(value)) if float(value).is_integer() else str(value)


def _outcome_rows(template: str | None) -> list[str]:
    return [
        key for key, _ in requests_rows(template)
        if key in ("granted", "partially_granted", "other") or key.startswith(_OUTCOME_PREFIXES)
    ]


def describe_failure(check: Mapping, template: str | None) -> Failure:
    """A failing check of report_checks as the reader states it, with the cells it names.

    expected is the left side of the identity (the parts) and actual the right side (the
    printed total), see parsers/checks.py: "本年新收 + 上年结转 = 21 ≠ 18 = 办理结果总计 + 结转下年度".
    """
    name, row, col = check["check_name"], check["row_key"], check["col_key"]
    expected, actual = _num(check["expected"]), _num(check["actual"])
    labels = table_spec()["tables"]
    if name == "requests.row_total":
        slots = tuple(("requests", row, c) for c in (*APPLICANT_COLS, "total"))
        where = _clean(labels["requests"]["rows"].get(row, row)).split("/")[-1]
        message = f"{where}：自然人 + 法人或其他组织各列 = {expected} ≠ {actual} = 总计"
    elif name == "requests.balance":
        slots = tuple(("requests", r, col) for r in ("received", "carried_over", "total_processed", "carried_forward"))
        where = _clean(labels["requests"]["cols"].get(col, col)).split("/")[-1]
        message = f"{where}列：本年新收 + 上年结转 = {expected} ≠ {actual} = 办理结果总计 + 结转下年度"
    elif name == "requests.outcome_total":
        slots = tuple(("requests", r, col) for r in (*_outcome_rows(template), "total_processed"))
        where = _clean(labels["requests"]["cols"].get(col, col)).split("/")[-1]
        message = f"{where}列：（一）至（六）各项办理结果之和 = {expected} ≠ {actual} = 办理结果总计"
    elif name == "appeals.row_total":
        slots = tuple(("appeals", row, c) for c in APPEALS_COLS)
        where = _clean(labels["appeals"]["rows"].get(row, row)).replace("/", "：")
        message = f"{where}：结果维持 + 结果纠正 + 其他结果 + 尚未审结 = {expected} ≠ {actual} = 总计"
    else:
        slots = tuple((check["table_name"], r, c) for r, c in [(row, col)] if r and c)
        message = f"{name}：{expected} ≠ {actual}"
    return Failure(name, message, slots)


def describe_carry_over(check: Mapping) -> Failure:
    """This year's 上年结转 against last year's 结转下年度, one applicant column."""
    where = _clean(check["col_label"]).split("/")[-1]
    message = (
        f"{where}列：本年上年结转 = {_num(check['carried_over'])} ≠ "
        f"{_num(check['previous_carried_forward'])} = {check['year'] - 1}年报告的结转下年度"
    )
    return Failure(check["check_name"], message, (("requests", "carried_over", check["col_key"]),))

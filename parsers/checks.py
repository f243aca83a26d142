"""The template's accounting identities: checked on every report, and used to recover a lost cell.

Each identity is "sum(left) == sum(right)" over canonical cells. A report whose figures
do not add up is reported as it is (a failing `Check`), never corrected. Only when exactly
one cell of an identity is blank does the identity fix that cell, and then the value is
filled and marked inferred (PDF extraction loses cells, e.g. seed 003's 自然人 column).
Blank cells read as 0 in checks, as the schema says.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from parsers.model import CanonicalTable, Cell, Check, Number
from parsers.tables import table_layout

Slot = tuple[str, str, str]  # (table, row, col)

REQUEST_PARTS = ("natural_person", "commercial", "research", "nonprofit", "legal_services", "other_org")
APPEALS_PARTS = ("upheld", "corrected", "other", "pending")
_OUTCOME_PREFIXES = ("denied.", "unavailable.", "not_processed.", "other.")


@dataclass(frozen=True)
class Identity:
    """sum(left) == sum(right); `expected` is the left side, `actual` the right."""

    check: str
    table: str
    left: tuple[Slot, ...]
    right: tuple[Slot, ...]
    row: str | None = None
    col: str | None = None


def _outcome_rows(rows: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(
        row for row in rows
        if row in ("granted", "partially_granted", "other") or row.startswith(_OUTCOME_PREFIXES)
    )


@cache
def identities(template: str) -> tuple[Identity, ...]:
    """Every identity family of the schema, one Identity per row or column it runs along."""
    layout = table_layout(template)
    request_rows = tuple(layout["requests"])
    found: list[Identity] = []
    for row in request_rows:
        found.append(Identity(
            "requests.row_total", "requests",
            tuple(("requests", row, col) for col in REQUEST_PARTS),
            (("requests", row, "total"),), row=row,
        ))
    columns = (*REQUEST_PARTS, "total")
    for col in columns:
        found.append(Identity(
            "requests.balance", "requests",
            (("requests", "received", col), ("requests", "carried_over", col)),
            (("requests", "total_processed", col), ("requests", "carried_forward", col)),
            col=col,
        ))
    outcomes = _outcome_rows(request_rows)
    for col in columns:
        found.append(Identity(
            "requests.outcome_total", "requests",
            tuple(("requests", row, col) for row in outcomes),
            (("requests", "total_processed", col),), col=col,
        ))
    for row in layout["appeals"]:
        found.append(Identity(
            "appeals.row_total", "appeals",
            tuple(("appeals", row, col) for col in APPEALS_PARTS),
            (("appeals", row, "total"),), row=row,
        ))
    return tuple(found)


def _get(tables: dict[str, CanonicalTable], slot: Slot) -> Number | None:
    table, row, col = slot
    return tables.get(table, {}).get(row, {}).get(col)


def _applicable(template: str | None, tables: dict[str, CanonicalTable]) -> Iterator[Identity]:
    if template not in ("2021", "2019") or not tables:
        return iter(())
    return iter(identities(template))


def check_identities(
    template: str | None, tables: dict[str, CanonicalTable], cells: list[Cell]
) -> list[Check]:
    """One Check per identity that has at least one printed or inferred figure.

    An identity over cells that are all blank says nothing about the report, so it is
    not listed (a blank row of the 2021 other.* block, for instance).
    """
    del cells  # the figures are in `tables`; cells only carry provenance
    checks: list[Check] = []
    for identity in _applicable(template, tables):
        left = [_get(tables, slot) for slot in identity.left]
        right = [_get(tables, slot) for slot in identity.right]
        if all(value is None for value in (*left, *right)):
            continue
        expected = sum(value or 0 for value in left)
        actual = sum(value or 0 for value in right)
        checks.append(Check(
            check=identity.check, table=identity.table, row=identity.row, col=identity.col,
            expected=expected, actual=actual, ok=expected == actual,
        ))
    return checks


def infer_missing(
    template: str | None,
    tables: dict[str, CanonicalTable],
    cells: list[Cell],
    keep_blank: set[Slot] | frozenset[Slot] = frozenset(),
) -> None:
    """Fill every cell that is the only blank of an identity, until nothing changes.

    A value that would have to be negative is not inferred: the identity then fails
    visibly instead of hiding a report's inconsistency behind an impossible count.
    Cells in `keep_blank` (printed, but as a digit run no split could be decided for)
    are never filled: their printed digits would contradict the inferred value.
    """
    rules = list(_applicable(template, tables))
    by_slot = {(cell.table, cell.row, cell.col): cell for cell in cells}
    changed = True
    while changed:
        changed = False
        for identity in rules:
            left = [_get(tables, slot) for slot in identity.left]
            right = [_get(tables, slot) for slot in identity.right]
            blanks = [
                slot for slot, value in zip(
                    (*identity.left, *identity.right), (*left, *right), strict=True
                ) if value is None
            ]
            if len(blanks) != 1 or blanks[0] in keep_blank:
                continue
            slot = blanks[0]
            known_left = sum(value for value in left if value is not None)
            known_right = sum(value for value in right if value is not None)
            value = known_left - known_right if slot in identity.right else known_right - known_left
            if value < 0:
                continue
            table, row, col = slot
            tables[table][row][col] = value
            cell = by_slot.get(slot)
            if cell is None:
                cell = Cell(table=table, row=row, col=col, value=value, raw=None, inferred=True)
                cells.append(cell)
                by_slot[slot] = cell
            else:
                cell.value = value
                cell.inferred = True
            changed = True

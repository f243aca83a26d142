"""The parser's output: one canonical report per document.

Every stage of `parsers` speaks these types, and the archive stores exactly what
`Report.to_json()` says, so the JSON printed by `zfxxgk parse` and the rows in
`archive.db` can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

Template = Literal["2021", "2019", "legacy"]
Number = int | Decimal

# One table in canonical form: {row_key: {col_key: value}}.
CanonicalTable = dict[str, dict[str, Number | None]]


@dataclass
class Cell:
    """Where one canonical value came from, so a user can check it against the source."""

    table: str
    row: str
    col: str
    value: Number | None
    raw: str | None
    inferred: bool = False
    ocr: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "row": self.row,
            "col": self.col,
            "value": self.value,
            "raw": self.raw,
            "inferred": self.inferred,
            "ocr": self.ocr,
        }


@dataclass
class Check:
    """One accounting identity of the template, evaluated on one row or column.

    `row` is set for identities that run along a row (the total column of a row),
    `col` for those that run down a column.
    """

    check: str
    table: str
    expected: Number
    actual: Number
    ok: bool
    row: str | None = None
    col: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"check": self.check, "table": self.table}
        if self.row is not None:
            out["row"] = self.row
        if self.col is not None:
            out["col"] = self.col
        out.update(expected=self.expected, actual=self.actual, ok=self.ok)
        return out


# Where a grid slot's text came from: (row, column) of the source cell in its table and
# its (rowspan, colspan). Two slots with the same source are one printed cell.
SourceCell = tuple[int, int, int, int]


class Slot(str):
    """A grid slot's text that remembers the source cell which filled it.

    A merged cell repeats its text in every slot it covers (the `Grid` contract), so two
    equal neighbouring figures are either one cell spanning two columns or two cells that
    happen to print the same number (the commonest row of a county report is all zeros).
    Only the source cell tells them apart; text equality never can.
    """

    __slots__ = ("source",)
    source: SourceCell

    def __new__(cls, text: str, source: SourceCell) -> Slot:
        slot = super().__new__(cls, text)
        slot.source = source
        return slot

    def __getnewargs__(self) -> tuple[str, SourceCell]:  # type: ignore[override]
        """Pickled with its source: reports cross process boundaries (the parse worker)."""
        return str(self), self.source


def source_of(text: str) -> SourceCell | None:
    """The source cell of a grid slot, or None for grids that do not record it."""
    return text.source if isinstance(text, Slot) else None


Grid = list[list[str]]  # one table as the matrix it shows: merged cells repeat their text


@dataclass
class Extracted:
    """What a format reader hands the report reader: body text and tables in document order.

    Every format (HTML, plain text, PDF, DOCX, OFD, spreadsheets, OCR) is reduced to this,
    so label matching, template detection and the identity checks exist once.
    `grids` may be empty when the tables survive only as text lines (a PDF's text layer,
    a plain-text extraction): the report reader then lays them out from `text`.
    """

    text: str
    grids: list[Grid] = field(default_factory=list)
    source_format: str = "text"
    title: str | None = None  # from document metadata, when the format has any
    published: str | None = None  # ISO date from document metadata
    pages: int | None = None
    ocr: bool = False
    warnings: list[str] = field(default_factory=list)


@dataclass
class Report:
    """A document read as an annual report, or the reason it is not one."""

    is_report: bool
    reason: str | None = None
    template: Template | None = None
    year: int | None = None
    agency: str | None = None
    title: str | None = None
    published: str | None = None  # ISO date, only when the page states it
    sections: dict[str, str] = field(default_factory=dict)  # "1".."6" -> section text
    tables: dict[str, CanonicalTable] = field(default_factory=dict)
    cells: list[Cell] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    text: str = ""  # the extracted body text, tables included: what full-text search sees
    source_format: str = "text"  # html, text, pdf, docx, doc, wps, ofd, xlsx, xls, image
    ocr: bool = False
    # Legacy (pre-2019) reports only: their own statistics table, never mapped onto the
    # canonical keys; one {"label_path", "value", "unit", "raw"} per indicator and column.
    legacy_statistics: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The `zfxxgk parse` record; Decimals stay exact (see `json_default`)."""
        return {
            "is_report": self.is_report,
            "reason": self.reason,
            "template": self.template,
            "year": self.year,
            "agency": self.agency,
            "title": self.title,
            "published": self.published,
            "sections": self.sections,
            "tables": self.tables,
            "cells": [cell.to_json() for cell in self.cells],
            "checks": [check.to_json() for check in self.checks],
            "warnings": self.warnings,
            "source_format": self.source_format,
            "ocr": self.ocr,
            "legacy_statistics": self.legacy_statistics,
        }


def json_default(obj: Any) -> Any:
    """`json.dumps(..., default=json_default)` for Decimal fees.

    A float's shortest repr round-trips every decimal of up to 15 significant digits,
    which covers every fee a report prints (0 to 6 decimals), so the JSON shows the
    report's own digits; the exact text stays in `Cell.raw`.
    """
    if isinstance(obj, Decimal):
        return float(obj)
    raise TypeError(f"{type(obj).__name__} is not JSON serializable")

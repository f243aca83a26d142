"""Grids (HTML tables, text-layout rows) -> the three canonical tables of one report.

Rows are read as one stream across all grids, because a table can be split over grids
(page breaks) and text layouts interleave titles and tables. Each row is either a header
(column labels: their positions say which cell is which column), a labelled data row, a
label whose figures follow on the next line(s), or bare figures. Figures are assigned to
columns only after the whole stream is read, so that a short row (fewer figures than
columns) can be aligned from evidence, strongest first: header positions when the header
agrees with every full row under it; the positions of the nearest full row above or below;
the row's own cells when exactly one per column follows its label (the empty one is the
blank); which side of the figures holds an explicit empty cell. Without any evidence a
requests row is aligned right (text extraction loses the first applicant column, 自然人,
not the totals) and an active row left. Every such decision is a warning, and nothing is
invented: a column nobody filled stays None until an identity fixes it (checks.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from parsers import labels
from parsers.digit_runs import (
    GLUED,
    AmbiguousRun,
    DigitRun,
    appeals_totals,
    one_digit_each,
    splits,
    total_last,
    unique_split,
)
from parsers.key_schema import load_key_schema
from parsers.model import CanonicalTable, Cell, Grid, Number, Slot, source_of
from parsers.text_normalize import normalize_cell
from parsers.values import NotAValue, is_value_text, parse_count, parse_fee, parse_number

APPEALS_ROWS = ("review", "litigation_direct", "litigation_after_review")
_NUMBERED_ITEM = re.compile(r"^\d{1,2}[.、]\D")


@cache
def table_layout(template: str) -> dict[str, dict[str, tuple[str, ...]]]:
    """{table: {row: cols}} with exactly the schema's keys for `template`.

    The requests table has the 2019 template's single `other` row or the 2021 template's
    other.* rows, never both: the schema describes `other` in 2021 reports as a sum, and a
    sum the report did not print is not a figure to store.
    """
    tables = load_key_schema()["tables"]
    active = {
        row: tuple(spec["cols"])
        for row, spec in tables["active"]["templates"][template]["rows"].items()
    }
    request_cols = tuple(tables["requests"]["cols"])
    request_rows = [
        row for row in tables["requests"]["rows"]
        if not (template == "2019" and row.startswith("other."))
        and not (template == "2021" and row == "other")
    ]
    appeals_cols = tuple(tables["appeals"]["cols"])
    return {
        "active": active,
        "requests": {row: request_cols for row in request_rows},
        "appeals": {row: appeals_cols for row in tables["appeals"]["rows"]},
    }


def empty_tables(template: str) -> dict[str, CanonicalTable]:
    """Every canonical key of `template`, every value None."""
    return {
        table: {row: dict.fromkeys(cols) for row, cols in rows.items()}
        for table, rows in table_layout(template).items()
    }


@dataclass
class TableReading:
    """What the grids of one document say, before inference and checks."""

    template: str | None
    tables: dict[str, CanonicalTable] = field(default_factory=dict)
    cells: list[Cell] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ambiguous_runs: list[AmbiguousRun] = field(default_factory=list)  # for run_resolution
    # (table, row, col) of figures printed as a digit run that could not be split: printed,
    # so never inferred from an identity (the run would contradict the inferred value)
    unread: set[tuple[str, str, str]] = field(default_factory=set)


@dataclass
class _Row:
    grid: int
    cells: list[str]
    values: list[tuple[int, str]]  # (position, text) of figures and blank markers
    labels: list[tuple[int, str]]  # (position, text) of other non-empty cells


@dataclass(eq=False)
class _Record:
    """One canonical row's figures as found, waiting for column assignment."""

    table: str
    row: str | None  # None: bare appeals figures (all three rows in one line)
    grid: int
    values: list[tuple[int, str]] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)
    block: int = 0  # header block: rows under the same header share its positions
    merged: bool = False  # figures gathered from several lines: positions mean nothing


@dataclass
class _Header:
    """Column labels of one header block: cell position -> column, column -> label text."""

    positions: dict[int, str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)


def _classify(grid_index: int, raw: list[str]) -> _Row | None:
    cells = [normalize_cell(cell) for cell in raw]
    values: list[tuple[int, str]] = []
    found: list[tuple[int, str]] = []
    for pos, cell in enumerate(cells):
        if not cell:
            continue
        if is_value_text(cell):
            source = source_of(raw[pos])  # kept through normalization: repeats are undone by it
            values.append((pos, cell if source is None else Slot(cell, source)))
        elif (glued := _glued_row(cell)) is not None:
            found.append((pos, glued[0]))
            values.append((pos, DigitRun(glued[1])))
        else:
            found.append((pos, cell))
    if not values and not found:
        return None
    return _Row(grid_index, cells, values, found)


def _is_appeals_run(text: str) -> bool:
    """The appeals line's 15 figures glued together: no single count is that long."""
    return len(text) >= 15 and text.isdigit()


def _glued_row(cell: str) -> tuple[str, str] | None:
    """(label, digit run) when a cell is a row label with its figures glued on."""
    if not cell[-1].isdigit():
        return None  # most label cells: no regex needed
    match = GLUED.match(cell)
    if match is None:
        return None
    label = match.group("label").strip()
    known = (
        labels.requests_row(label, None) or labels.requests_group(label)
        or labels.appeals_row(label) or labels.active_row(label, "2021")
        or labels.active_row(label, "2019") or _NUMBERED_ITEM.match(label)
    )
    return (label, match.group("run")) if known else None


def _detect_template(rows: list[_Row]) -> str | None:
    keys = "|".join(labels.label_key(text) for row in rows for _, text in row.labels)
    votes_2021, votes_2019 = labels.template_votes(keys)
    if votes_2021 != votes_2019:
        return "2021" if votes_2021 > votes_2019 else "2019"
    group = None
    bare_other = False
    found = False
    for row in rows:
        if not row.values:
            continue
        for _, text in row.labels:
            group = labels.requests_group(text) or group
        keys_found = {labels.requests_row(text, group) for _, text in row.labels}
        keys_found.add(labels.requests_row("".join(text for _, text in row.labels), group))
        keys_found.discard(None)
        if keys_found & {"other.no_correction", "other.unpaid_fee", "other.other"}:
            return "2021"
        bare_other = bare_other or keys_found == {"other"}
        found = found or bool(keys_found)
    if not found:
        return None
    return "2019" if bare_other else "2021"


class _StreamReader:
    """Walks the rows once, keeping the context a reader of the printed table keeps."""

    def __init__(self, template: str) -> None:
        self.template = template
        self.layout = table_layout(template)
        self.table: str | None = None
        self.group: str | None = None
        self.records: list[_Record] = []
        self.pending: _Record | None = None
        self.fragment: str | None = None
        self.headers: dict[tuple[str, int], _Header] = {}
        self.block = 0
        self.last_was_header = False
        self.appeals_buffer: _Record | None = None
        self.grid = -1
        self.appeals_block = 0
        self.warnings: list[str] = []

    # -- context

    def _switch(self, table: str | None) -> None:
        if table != self.table:
            self._close_pending()
            self._close_appeals()
            self.table = table
            self.group = None
            self.block += 1
            self.last_was_header = False

    def _close_pending(self) -> None:
        if self.pending is not None:
            self.records.append(self.pending)
            self.pending = None

    def _close_appeals(self) -> None:
        if self.appeals_buffer is not None:
            self.records.append(self.appeals_buffer)
            self.appeals_buffer = None

    def _expected(self, record: _Record) -> int:
        if record.row is None:
            return 15
        cols = self.layout[record.table].get(record.row)
        if cols is None:  # a row of the other template (a 2019 （六）其他处理 in a 2021 table)
            cols = next(iter(self.layout[record.table].values()))
        return len(cols)

    # -- matching

    def _row_key(self, table: str, found: list[tuple[int, str]]) -> str | None:
        if table == "requests":
            for _, text in found:
                group = labels.requests_group(text)
                if group is not None:
                    self.group = group
            for _, text in reversed(found):
                key = labels.requests_row(text, self.group)
                if key is not None:
                    return key
            if len(found) > 1:  # a label split over two cells (1.属于国家 | 秘密)
                return labels.requests_row("".join(text for _, text in found), self.group)
            return None
        if table == "active":
            for _, text in reversed(found):
                key = labels.active_row(text, self.template)
                if key is not None:
                    return key
            return None
        for _, text in reversed(found):
            key = labels.appeals_row(text)
            if key is not None:
                return key
        return None

    def _header_cols(self, table: str, found: list[tuple[int, str]]) -> dict[int, str]:
        cols: dict[int, str] = {}
        for pos, text in found:
            if table == "requests":
                col = labels.requests_col(text)
            elif table == "appeals":
                col = labels.appeals_col(text)
            else:
                col = labels.active_col(text, self.template)
            if col is not None:
                cols[pos] = col
        return cols

    def _guess_table(self, found: list[tuple[int, str]]) -> tuple[str | None, str | None]:
        """Table and row a row's labels name when the context does not say."""
        for table in ("requests", "active", "appeals"):
            saved_group = self.group
            key = self._row_key(table, found)
            if key is not None:
                return table, key
            self.group = saved_group
        return None, None

    # -- feeding

    def feed(self, row: _Row) -> None:
        if row.grid != self.grid:
            # a new grid starts unplaced: portal pages hold navigation and footer tables
            # whose stray numbers must not join the table read before them; only an
            # appeals header whose figures went to the next page (grid) is continued
            appeals_waiting = (
                self.table == "appeals" and self.appeals_buffer is None
                and not any(r.table == "appeals" and r.values for r in self.records)
            )
            self._switch(None)
            self.grid = row.grid
            self.block += 1
            one_run = len(row.values) == 1 and _is_appeals_run(row.values[0][1])
            if appeals_waiting and not row.labels and (len(row.values) >= 5 or one_run):
                self.table = "appeals"
                self.block = self.appeals_block
        found = [(pos, text) for pos, text in row.labels if labels.is_label_text(text)]
        if row.labels and not found and not row.values:
            self.fragment = None  # prose between tables
            return
        for _, text in found:
            heading = labels.table_of_heading(text)
            if heading is not None:
                self._switch(heading)
                break
            if labels.ends_tables(text):
                self._switch(None)
                self.fragment = None
                return
        if row.values:
            self._feed_values(row, found)
        else:
            self._feed_labels(row, found)

    def _feed_labels(self, row: _Row, found: list[tuple[int, str]]) -> None:
        table = self.table
        key = self._row_key(table, found) if table else None
        if table is None:
            table, key = self._guess_table(found)
            if table is not None:
                self._switch(table)
                key = self._row_key(table, found)
        if table is None:
            return
        cols = self._header_cols(table, found)
        if cols and (key is None or key == "total_processed" or len(cols) > 1):
            self._close_pending()
            if not self.last_was_header:
                self.block += 1
            header = self.headers.setdefault((table, self.block), _Header())
            if table == "appeals":
                self.appeals_block = self.block
            header.positions.update(cols)
            for pos, col in cols.items():
                header.texts[col] = dict(row.labels)[pos]
            self.last_was_header = True
            self.fragment = None
            return
        self.last_was_header = False
        if key is not None:
            self._close_pending()
            self.pending = _Record(table, key, row.grid, block=self.block)
            self.fragment = None
            return
        text = "".join(text for _, text in found)
        self.fragment = (self.fragment or "") + text if len(text) < 40 else None

    def _feed_values(self, row: _Row, found: list[tuple[int, str]]) -> None:
        self.last_was_header = False
        table = self.table
        key = self._row_key(table, found) if table and found else None
        if key is None and found and self.fragment:
            joined = [(found[0][0], self.fragment + "".join(text for _, text in found))]
            key = self._row_key(table, joined) if table else None
        if key is None and found and not self._open_for_more():
            guessed, _ = self._guess_table(found)
            if guessed is not None:
                self._switch(guessed)
                table, key = guessed, self._row_key(guessed, found)
        self.fragment = None
        if key is not None and table is not None:
            self._close_pending()
            record = _Record(table, key, row.grid, list(row.values), row.cells, self.block)
            if len(record.values) < self._expected(record):
                self.pending = record  # figures may continue on the next line
            else:
                self.records.append(record)
            return
        if table == "appeals" and len(row.values) > 5 and not found:
            self._close_pending()  # the template's one line of all 15 appeals figures
        if self._open_for_more():
            assert self.pending is not None
            if self.pending.values:
                self.pending.merged = True
                self.pending.values.extend(row.values)
            else:
                self.pending.values = list(row.values)
                self.pending.cells = row.cells
            if len(self.pending.values) >= self._expected(self.pending):
                self._close_pending()
            return
        if table == "appeals":
            if self.appeals_buffer is None:
                self.appeals_buffer = _Record(
                    "appeals", None, row.grid, list(row.values), row.cells, self.block
                )
            else:
                self.appeals_buffer.merged = True
                self.appeals_buffer.values.extend(row.values)
            if len(self.appeals_buffer.values) >= 15:
                self._close_appeals()
            return
        self._close_pending()
        if table is not None:
            shown = " ".join(text for _, text in row.values)[:40]
            self.warnings.append(f"{table}: figures without a row label ignored: {shown}")

    def _open_for_more(self) -> bool:
        return self.pending is not None and len(self.pending.values) < self._expected(
            self.pending
        )

    def finish(self) -> list[_Record]:
        self._close_pending()
        self._close_appeals()
        return self.records


# ---------------------------------------------------------------- column assignment


def _header_trusted(header: _Header, full_rows: list[_Record]) -> bool:
    """A header's positions count only if every full row under it sits on them."""
    return all(
        all(pos in header.positions for pos, _ in record.values) for record in full_rows
    )


def _side_name(positions: list[int], values: list[tuple[int, str]], expected: int) -> str:
    """How a short row's figures sit in the `expected` column positions, for warnings."""
    wanted = [positions.index(pos) for pos, _ in values]
    if wanted[0] == 0 and wanted[-1] == len(wanted) - 1:
        return "left"
    if wanted[-1] == expected - 1 and wanted[0] == expected - len(wanted):
        return "right"
    return "by position"


def _slots_after_label(record: _Record, expected: int) -> list[int] | None:
    """The row's own cell positions after its last label, when there are exactly `expected`.

    A row printed as label + one cell per column keeps an empty cell where the figure is
    missing: the empty cell itself says which column is blank.
    """
    figures = {pos for pos, _ in record.values}
    labels_at = [pos for pos, cell in enumerate(record.cells) if cell and pos not in figures]
    first_slot = (labels_at[-1] + 1) if labels_at else 0
    slots = list(range(first_slot, len(record.cells)))
    if len(slots) == expected and figures <= set(slots):
        return slots
    return None


def _side_evidence(record: _Record, values: list[tuple[int, str]]) -> str | None:
    """Which side lost the figures: the one with an explicit empty cell next to them."""
    first, last = values[0][0], values[-1][0]
    cells = record.cells
    blank_before = first > 0 and cells[first - 1] == ""
    blank_after = last + 1 < len(cells) and cells[last + 1] == ""
    if blank_before and not blank_after:
        return "right"
    if blank_after and not blank_before:
        return "left"
    return None


def _neighbour_positions(
    record: _Record,
    values: list[tuple[int, str]],
    same_grid: list[_Record],
    full: set[int],
    expected: int,
) -> list[int] | None:
    """Value positions of the nearest full row above, else below, that holds this row's."""
    index = next(i for i, other in enumerate(same_grid) if other is record)
    wanted = {pos for pos, _ in values}
    above = [r for r in same_grid[:index] if id(r) in full]
    below = [r for r in same_grid[index + 1:] if id(r) in full]
    for neighbour in (above[-1] if above else None, below[0] if below else None):
        if neighbour is None:
            continue
        positions = [pos for pos, _ in neighbour.values]
        if len(positions) == expected and wanted <= set(positions):
            return positions
    return None


def _dedupe_repeats(values: list[tuple[int, str]], expected: int) -> list[tuple[int, str]]:
    """Undo colspan repetition: the slots one source cell filled count once.

    HTML grids say which slots one cell filled (`Slot.source`), so equal neighbouring
    figures printed in separate cells (a row of zeros) all stay. Grids that do not record
    provenance (DOCX repeats a gridSpan cell's text in every slot without saying so) fall
    back to collapsing adjacent equal slots, and only when that fits the row.
    """
    sources = [source_of(text) for _, text in values]
    if all(source is not None for source in sources):
        seen: set[object] = set()
        kept: list[tuple[int, str]] = []
        for (pos, text), source in zip(values, sources, strict=True):
            if source not in seen:
                seen.add(source)
                kept.append((pos, text))
        return kept
    collapsed: list[tuple[int, str]] = []
    for pos, text in values:
        if collapsed and collapsed[-1][1] == text and collapsed[-1][0] == pos - 1:
            continue
        collapsed.append((pos, text))
    return collapsed if len(collapsed) <= expected else values


class _Assigner:
    """Turns the records into canonical values, deciding each figure's column."""

    def __init__(self, template: str, records: list[_Record], headers: dict) -> None:
        self.template = template
        self.layout = table_layout(template)
        self.records = records
        self.headers: dict[tuple[str, int], _Header] = headers
        self.tables = empty_tables(template)
        self.cells: list[Cell] = []
        self.warnings: list[str] = []
        self.filled: set[tuple[str, str]] = set()
        self.trusted: dict[tuple[int, str, int], bool] = {}
        self.ambiguous_runs: list[AmbiguousRun] = []
        self.unread: set[tuple[str, str, str]] = set()

    def run(self) -> None:
        by_grid_table: dict[tuple[int, str], list[_Record]] = {}
        for record in self.records:
            by_grid_table.setdefault((record.grid, record.table), []).append(record)
        for record in self.records:
            if not record.values:
                continue  # a label row the report left blank: its keys stay None
            if record.row is None:
                self._assign_appeals_line(record)
                continue
            cols = self.layout[record.table].get(record.row)
            if cols is None:
                self.warnings.append(
                    f"{record.table}: row {record.row} is not in the {self.template} template;"
                    " its figures are not stored"
                )
                continue
            same_grid = by_grid_table[(record.grid, record.table)]
            self._assign(record, cols, same_grid)

    def _full_rows(self, same_grid: list[_Record], expected: int) -> list[_Record]:
        return [
            r for r in same_grid
            if not r.merged and r.row is not None and len(r.values) == expected
        ]

    def _assign(self, record: _Record, cols: tuple[str, ...], same_grid: list[_Record]) -> None:
        expected = len(cols)
        values = record.values
        if len(values) == 1 and isinstance(values[0][1], DigitRun) and expected > 1:
            self._assign_run(record, cols, values[0][1])
            return
        header = self.headers.get((record.table, record.block))
        if len(values) > expected and record.table == "active":
            values = _dedupe_repeats(values, expected)
        mapping = self._by_header(record, values, cols, header, same_grid)
        if mapping is None:
            mapping = self._by_count(record, values, cols, same_grid)
        header_texts = header.texts if header else {}
        for col, (_, text) in mapping:
            self._store(record.table, record.row, col, text, header_texts.get(col))

    def _assign_run(self, record: _Record, cols: tuple[str, ...], run: str) -> None:
        """A row printed as one glued digit run: split only where the row total forces it."""
        name = f"{record.table}: row {record.row}"
        split = one_digit_each(str(run), len(cols))
        why = "one digit per column, the only split of a run that long"
        if split is None and not (record.table in ("requests", "appeals") and cols[-1] == "total"):
            self.warnings.append(
                f"{name} is printed as one digit run {str(run)!r} and has no row total to"
                " decide how to split it, so it is not read"
            )
            self.unread.update((record.table, record.row, col) for col in cols)
            return
        if split is None:
            candidates = splits(str(run), len(cols), total_last)
            if len(candidates) > 1:  # the column identities may decide (run_resolution)
                self.ambiguous_runs.append(
                    AmbiguousRun(record.table, record.row, tuple(cols), str(run), candidates)
                )
                return
            split = candidates[0] if candidates else None
            why = "the only split whose figures add up to the printed total"
        if split is None:
            self.warnings.append(
                f"{name} is printed as one digit run {str(run)!r}; no split of it into"
                f" {len(cols)} figures adds up to the row total, so it is not read"
            )
            self.unread.update((record.table, record.row, col) for col in cols)
            return
        self._store_split(record.table, [record.row] * len(cols), list(cols), split, str(run))
        shown = " ".join(str(value) for value in split)
        self.warnings.append(
            f"{name} is printed as one digit run {str(run)!r}; split as {shown}, {why}"
            " (cells marked inferred)"
        )

    def _store_split(
        self, table: str, rows: list[str], cols: list[str], split: list[int], run: str
    ) -> None:
        """Store the figures a digit run was split into, marked inferred, raw the run."""
        first = len(self.cells)
        for row, col, value in zip(rows, cols, split, strict=True):
            self._store(table, row, col, str(value), None)
        for cell in self.cells[first:]:
            cell.inferred = True
            cell.raw = run

    def _by_header(
        self,
        record: _Record,
        values: list[tuple[int, str]],
        cols: tuple[str, ...],
        header: _Header | None,
        same_grid: list[_Record],
    ) -> list[tuple[str, tuple[int, str]]] | None:
        """Columns from the header's cell positions, when the header can be trusted."""
        if header is None or record.merged or not values:
            return None
        if record.table == "requests":
            if set(header.positions.values()) != set(cols):
                return None
            trust_key = (record.grid, record.table, record.block)
            if trust_key not in self.trusted:
                block_rows = [r for r in same_grid if r.block == record.block]
                self.trusted[trust_key] = _header_trusted(
                    header, self._full_rows(block_rows, len(cols))
                )
            if not self.trusted[trust_key]:
                return None
        mapping = []
        seen: set[str] = set()
        for pos, text in values:
            col = header.positions.get(pos)
            if col is None or col not in cols:
                return None
            if col in seen:
                if source_of(text) is not None and text != dict(mapping)[col][1]:
                    self.warnings.append(
                        f"{record.table}: row {record.row} prints {text!r} in a second cell under"
                        f" the header of {col}; kept the first"
                    )
                continue  # one header cell spans two slots: its first figure is the column's
            seen.add(col)
            mapping.append((col, (pos, text)))
        if len(mapping) < len(cols):
            self.warnings.append(
                f"{record.table}: row {record.row} has {len(mapping)} values for {len(cols)}"
                " columns; placed by the header's cell positions"
            )
        return mapping

    def _by_count(
        self,
        record: _Record,
        values: list[tuple[int, str]],
        cols: tuple[str, ...],
        same_grid: list[_Record],
    ) -> list[tuple[str, tuple[int, str]]]:
        """Columns in the template's order; a short row is aligned from the evidence."""
        expected = len(cols)
        name = f"{record.table}: row {record.row}"
        if len(values) > expected:
            self.warnings.append(
                f"{name} has {len(values)} values for {expected} columns; kept the first {expected}"
            )
            values = values[:expected]
        if len(values) == expected:
            return list(zip(cols, values, strict=True))
        side, why, positions = self._short_row_side(record, values, expected, same_grid)
        self.warnings.append(
            f"{name} has {len(values)} values for {expected} columns; aligned {side} ({why})"
        )
        if positions is not None:
            return [(cols[positions.index(pos)], (pos, text)) for pos, text in values]
        if side == "right":
            return list(zip(cols[expected - len(values):], values, strict=True))
        return list(zip(cols, values, strict=False))

    def _short_row_side(
        self,
        record: _Record,
        values: list[tuple[int, str]],
        expected: int,
        same_grid: list[_Record],
    ) -> tuple[str, str, list[int] | None]:
        """Which columns a short row's figures belong to, and the evidence for it."""
        if not record.merged:
            full = {id(r) for r in self._full_rows(same_grid, expected)}
            positions = _neighbour_positions(record, values, same_grid, full, expected)
            if positions is not None:
                side = _side_name(positions, values, expected)
                return side, "cell positions of the nearest full row", positions
            slots = _slots_after_label(record, expected)
            if slots is not None:
                return _side_name(slots, values, expected), "the row's cells after its label", slots
            side = _side_evidence(record, values)
            if side is not None:
                return side, "explicit blank cell beside the figures", None
        if record.table == "requests":
            return "right", "no positional evidence; the first applicant column is the one lost", None
        return "left", "no positional evidence; trailing columns left blank", None

    def _assign_appeals_line(self, record: _Record) -> None:
        """The template prints all three appeals rows as one line of 15 figures."""
        cols = self.layout["appeals"]["review"]
        header = self.headers.get(("appeals", record.block))
        slots = sorted(header.positions) if header else []
        values = record.values
        if len(values) == 1 and _is_appeals_run(values[0][1]):
            self._assign_appeals_run(values[0][1])
            return
        if (
            not record.merged and len(slots) == 15
            and all(pos in header.positions for pos, _ in values)
        ):
            for pos, text in values:
                index = slots.index(pos)
                self._store("appeals", APPEALS_ROWS[index // 5], header.positions[pos], text, None)
            return
        if len(values) != 15:
            self.warnings.append(
                f"appeals: {len(values)} figures on the appeals line for 15 columns;"
                " aligned left"
            )
        for index, (_, text) in enumerate(values[:15]):
            self._store("appeals", APPEALS_ROWS[index // 5], cols[index % 5], text, None)

    def _assign_appeals_run(self, run: str) -> None:
        """The appeals line's 15 figures glued into one run: split where the totals force it."""
        cols = list(self.layout["appeals"]["review"])
        split = one_digit_each(run, 15) or unique_split(run, 15, appeals_totals)
        if split is None:
            self.warnings.append(
                f"appeals: the appeals line is printed as one digit run {run!r}; no single split"
                " into 15 figures fits the three totals, so it is not read"
            )
            self.unread.update(("appeals", row, col) for row in APPEALS_ROWS for col in cols)
            return
        rows = [APPEALS_ROWS[index // 5] for index in range(15)]
        self._store_split("appeals", rows, cols * 3, split, run)
        self.warnings.append(
            f"appeals: the appeals line is printed as one digit run {run!r}; split as"
            f" {' '.join(str(v) for v in split)} (cells marked inferred)"
        )

    def _store(self, table: str, row: str, col: str, text: str, header: str | None) -> None:
        if (table, f"{row}/{col}") in self.filled:
            self.warnings.append(f"{table}: {row}/{col} printed twice; kept the first")
            return
        self.filled.add((table, f"{row}/{col}"))
        try:
            value = self._parse(table, row, col, text, header)
        except NotAValue:
            self.warnings.append(f"{table}: {row}/{col} {text!r} is not a figure; left blank")
            value = None
        self.tables[table][row][col] = value
        self.cells.append(Cell(table=table, row=row, col=col, value=value, raw=str(text)))

    def _parse(self, table: str, row: str, col: str, text: str, header: str | None) -> Number | None:
        if table == "active":
            if col == "amount_10k_yuan":
                return parse_fee(text, header=header)
            if col == "amount":
                amount = parse_number(text)
                return None if amount is None else Decimal(amount)
            return parse_count(text, signed=col == "change")
        return parse_count(text)


def read_tables(grids: list[Grid]) -> TableReading:
    """Read the three canonical tables from a document's grids (any mix of layouts)."""
    rows = [
        row
        for index, grid in enumerate(grids)
        for raw in grid
        if (row := _classify(index, raw)) is not None
    ]
    template = _detect_template(rows)
    if template is None:
        return TableReading(template=None)
    reader = _StreamReader(template)
    for row in rows:
        reader.feed(row)
    records = reader.finish()
    assigner = _Assigner(template, records, reader.headers)
    assigner.run()
    return TableReading(
        template=template,
        tables=assigner.tables,
        cells=assigner.cells,
        warnings=reader.warnings + assigner.warnings,
        ambiguous_runs=assigner.ambiguous_runs,
        unread=assigner.unread,
    )

"""Glued rows that their own total cannot split, decided by the table's column identities.

`22 0 0 0 0 0 22` and `2 20 0 0 0 0 22` both add up to the printed total of the run
`220000022`; but down each column the outcomes must add up to （七）总计, and with the
other rows read, only one choice for every ambiguous row together satisfies all of them.
That choice is taken, its cells marked inferred with the reason; when no choice or more
than one does, or an identity the choice depends on holds a blank cell, the rows stay
blank with a warning. Never a guess.
"""

from __future__ import annotations

from itertools import product

from parsers.checks import identities
from parsers.digit_runs import AmbiguousRun
from parsers.model import CanonicalTable, Cell

MAX_COMBINATIONS = 20_000


def resolve_runs(
    template: str,
    tables: dict[str, CanonicalTable],
    cells: list[Cell],
    runs: list[AmbiguousRun],
    warnings: list[str],
    unread: set[tuple[str, str, str]],
) -> None:
    """Fill the ambiguous rows whose splits exactly one combination of choices admits;
    the cells of those it cannot decide join `unread`."""
    if not runs:
        return
    rows = {(run.table, run.row) for run in runs}
    relevant = [
        identity for identity in identities(template)
        if identity.row is None  # a column identity: the row totals already hold
        and any((table, row) in rows for table, row, _ in (*identity.left, *identity.right))
    ]
    choice = _only_choice(tables, runs, relevant)
    for index, run in enumerate(runs):
        name = f"{run.table}: row {run.row} is printed as one digit run {run.run!r}"
        if choice is None:
            shown = " or ".join(" ".join(map(str, split)) for split in run.candidates[:3])
            warnings.append(
                f"{name}; {len(run.candidates)} splits add up to the row total ({shown}) and"
                " the column identities do not single one out, so it is not read"
            )
            unread.update((run.table, run.row, col) for col in run.cols)
            continue
        split = choice[index]
        for col, value in zip(run.cols, split, strict=True):
            tables[run.table][run.row][col] = value
            cells.append(
                Cell(table=run.table, row=run.row, col=col, value=value, raw=run.run, inferred=True)
            )
        warnings.append(
            f"{name}; split as {' '.join(map(str, split))}, the only split that, with the other"
            " rows, makes every column add up (cells marked inferred)"
        )


def _only_choice(
    tables: dict[str, CanonicalTable], runs: list[AmbiguousRun], relevant: list
) -> tuple[list[int], ...] | None:
    """The one combination of splits under which every relevant identity holds."""
    combinations = 1
    for run in runs:
        combinations *= len(run.candidates)
    if combinations > MAX_COMBINATIONS or not relevant:
        return None
    position = {(run.table, run.row): index for index, run in enumerate(runs)}
    col_index = [{col: i for i, col in enumerate(run.cols)} for run in runs]

    def value(slot: tuple[str, str, str], choice: tuple[list[int], ...]) -> int | None:
        table, row, col = slot
        index = position.get((table, row))
        if index is not None:
            return choice[index][col_index[index][col]]
        found = tables.get(table, {}).get(row, {}).get(col)
        return None if found is None else int(found)

    survivors = []
    for choice in product(*(run.candidates for run in runs)):
        holds = True
        for identity in relevant:
            left = [value(slot, choice) for slot in identity.left]
            right = [value(slot, choice) for slot in identity.right]
            if None in left or None in right:
                return None  # a blank cell: the identity cannot decide
            if sum(left) != sum(right):  # type: ignore[arg-type]
                holds = False
                break
        if holds:
            survivors.append(choice)
            if len(survivors) > 1:
                return None
    return survivors[0] if survivors else None

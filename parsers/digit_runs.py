"""Rows whose figures were glued into one digit run, split only where the split is forced.

Flattened tables (a page's `text_content()`, portals' 文字版 text versions) print a row as
its label followed by its figures with nothing between them:
`一、本年新收政府信息公开申请数量640020470` is 64 0 0 2 0 4 70. The digits alone admit many
splits; the row's printed total (the template's row identity: the applicant columns add
up to 总计, the four outcomes of an appeal to its 总计) rules out almost all of them. A run
is split only when exactly one split satisfies the identity; otherwise it is not read.
Never a guess: the caller marks split cells `inferred` and says why.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

# A label glued to its figures: text ending in a non-digit, then two or more digits.
GLUED = re.compile(r"^(?P<label>.*[^\d\s.,，、])(?P<run>\d{2,})$")
MAX_RUN = 28  # longer runs are not split (C(27, 6) candidate splits is the most tried)


class DigitRun(str):
    """A value cell that is a glued run of several figures, not one figure."""

    __slots__ = ()


def _splits(run: str, parts: int) -> Iterator[list[int]]:
    """Every way to cut `run` into `parts` numbers written without leading zeros."""
    if parts == 1:
        if run and (run == "0" or run[0] != "0"):
            yield [int(run)]
        return
    longest = len(run) - (parts - 1)
    for size in range(1, longest + 1):
        head = run[:size]
        if size > 1 and head[0] == "0":
            break
        for rest in _splits(run[size:], parts - 1):
            yield [int(head), *rest]


def unique_split(run: str, parts: int, identity: Callable[[list[int]], bool]) -> list[int] | None:
    """The one split of `run` into `parts` figures that satisfies `identity`, or None when
    there is none, more than one, or the run is too long to try."""
    if len(run) > MAX_RUN or len(run) < parts:
        return None
    found: list[int] | None = None
    for split in _splits(run, parts):
        if identity(split):
            if found is not None:
                return None
            found = split
    return found


def total_last(split: list[int]) -> bool:
    """The row identity of the requests and appeals tables: the last figure is the sum."""
    return sum(split[:-1]) == split[-1]

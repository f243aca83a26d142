"""Table cell text -> a figure, or None when the report left the cell blank.

A blank is never a silent 0: "/", "—", "无" and empty cells mean the report gave no figure,
and the identity checks decide later whether one can be inferred. Counts are ints (the
2019 template's 本年增/减 column is signed), fees are exact Decimals in 万元 because the
template states 万元 but reports print anything from 0 to 6 decimals, or 元.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from parsers.model import Number
from parsers.text_normalize import normalize_cell

# Cell texts that explicitly say "no figure here".
BLANK_MARKERS = frozenset(
    {"", "/", "\\", "—", "——", "———", "-", "--", "---", "无", "空", "暂无", "…", "...", "×",
     "&nbsp;"}
)

_NUMBER = re.compile(
    r"""^(?P<sign>[+-])?\s*
        (?P<num>\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)
        \s*(?P<unit>万元|元|件|个|条|项|次|人次|宗|起|份)?$""",
    re.VERBOSE,
)
_YUAN_UNIT = re.compile(r"(?<!万)元")
_TEN_THOUSAND = Decimal(10000)


class NotAValue(ValueError):
    """The cell holds text (a label, prose), not a figure or a blank marker."""


@lru_cache(maxsize=16384)
def is_value_text(text: str) -> bool:
    """True when the cell is a figure or an explicit blank marker other than empty."""
    cell = normalize_cell(text)
    if not cell:
        return False
    return cell.lower() in BLANK_MARKERS or _NUMBER.match(cell) is not None


@lru_cache(maxsize=16384)
def parse_number(text: str, *, signed: bool = False) -> Number | None:
    """A count or amount as printed: int when integral, Decimal when it has decimals.

    `signed` allows "+5"/"-3" (the 2019 template's 本年增/减); anywhere else a sign is
    not a figure the template can hold, so it raises like any other text.
    """
    cell = normalize_cell(text)
    if cell.lower() in BLANK_MARKERS:
        return None
    match = _NUMBER.match(cell)
    if match is None:
        raise NotAValue(cell)
    sign = match.group("sign")
    if sign and not signed:
        raise NotAValue(cell)
    digits = match.group("num").replace(",", "").replace("，", "")
    try:
        value: Number = Decimal(digits) if "." in digits else int(digits)
    except (InvalidOperation, ValueError) as exc:  # pragma: no cover - regex guarantees digits
        raise NotAValue(cell) from exc
    if sign == "-":
        value = -value
    return value


def parse_count(text: str, *, signed: bool = False) -> Number | None:
    """A count; integral decimals ("12.0") become int, real fractions stay Decimal."""
    value = parse_number(text, signed=signed)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


def unit_is_yuan(text: str | None) -> bool:
    """True when a header or cell states the amount in 元 rather than 万元."""
    return bool(text) and _YUAN_UNIT.search(normalize_cell(text)) is not None


def parse_fee(text: str, *, header: str | None = None) -> Decimal | None:
    """A fee as exact Decimal 万元; 元 in the cell or its header divides by 10 000."""
    value = parse_number(text)
    if value is None:
        return None
    amount = Decimal(value)
    if unit_is_yuan(text) or (unit_is_yuan(header) and "万元" not in normalize_cell(text)):
        amount = amount / _TEN_THOUSAND
    return amount

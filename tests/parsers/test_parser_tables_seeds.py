"""The five seed extractions read into exactly the hand-checked figures of tests/expected/seeds.

Each expected file was typed by reading the seed text (its `notes` say how the odd rows
were read); amounts are written as strings and compared as exact Decimals.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from parsers.checks import check_identities, infer_missing
from parsers.layout_text import grids_from_text
from parsers.tables import read_tables, table_layout
from tests.support.seeds import seed_text

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = ROOT / "tests" / "expected" / "seeds"
AMOUNT_COLS = {"amount_10k_yuan", "amount"}


def _expected(number: str) -> dict:
    return json.loads((EXPECTED / f"{number}.json").read_text(encoding="utf-8"))


def _read(number: str):
    expected = _expected(number)
    reading = read_tables(grids_from_text(seed_text(expected["seed"])))
    infer_missing(reading.template, reading.tables, reading.cells)
    checks = check_identities(reading.template, reading.tables, reading.cells)
    return expected, reading, checks


SEEDS = ["000", "001", "002", "003", "004"]


@pytest.mark.parametrize("number", SEEDS)
def test_template_and_keys(number: str) -> None:
    expected, reading, _ = _read(number)
    assert reading.template == expected["template"]
    layout = table_layout(reading.template)
    assert set(reading.tables) == {"active", "requests", "appeals"}
    for table, rows in layout.items():
        assert list(reading.tables[table]) == list(rows), table
        for row, cols in rows.items():
            assert list(reading.tables[table][row]) == list(cols), (table, row)
    # the expected file itself covers every key of the template
    for table, rows in layout.items():
        assert set(expected["tables"][table]) == set(rows), table


@pytest.mark.parametrize("number", SEEDS)
def test_every_figure(number: str) -> None:
    expected, reading, _ = _read(number)
    wrong = []
    for table, rows in expected["tables"].items():
        for row, cols in rows.items():
            for col, want in cols.items():
                got = reading.tables[table][row][col]
                if col in AMOUNT_COLS:
                    ok = isinstance(got, Decimal) and got == Decimal(str(want))
                elif want is None:
                    ok = got is None
                else:
                    ok = type(got) is int and got == want
                if not ok:
                    wrong.append((table, row, col, want, got))
    assert wrong == []


@pytest.mark.parametrize("number", SEEDS)
def test_inferred_cells(number: str) -> None:
    expected, reading, _ = _read(number)
    inferred = sorted(
        (c.table, c.row, c.col, c.value) for c in reading.cells if c.inferred
    )
    want = sorted((c["table"], c["row"], c["col"], c["value"]) for c in expected["inferred"])
    assert inferred == want
    for cell in reading.cells:
        if cell.inferred:
            assert cell.raw is None  # nothing printed: the value comes from an identity


@pytest.mark.parametrize("number", SEEDS)
def test_failing_checks(number: str) -> None:
    expected, reading, checks = _read(number)
    failing = [c.to_json() for c in checks if not c.ok]
    assert failing == expected["failing_checks"]
    names = {c.check for c in checks}
    assert names == {
        "requests.row_total", "requests.balance", "requests.outcome_total", "appeals.row_total"
    }


def test_seed_001_blank_rows_stay_null_and_fee_keeps_digits() -> None:
    _, reading, _ = _read("001")
    fee_cells = [c for c in reading.cells if c.col == "amount_10k_yuan"]
    assert [c.raw for c in fee_cells] == ["180.338174"]
    assert all(v is None for v in reading.tables["requests"]["other.other"].values())


def test_seed_003_recovers_lost_column_in_dependency_order() -> None:
    _, reading, checks = _read("003")
    order = [(c.row, c.col) for c in reading.cells if c.inferred]
    # the row totals come first; (七)总计's cells need them and the column balance
    assert order.index(("received", "natural_person")) < order.index(
        ("total_processed", "natural_person")
    )
    balance = [c for c in checks if c.check == "requests.balance" and c.col == "natural_person"]
    assert [(c.expected, c.actual, c.ok) for c in balance] == [(35, 35, True)]


def test_seed_004_signed_changes_keep_their_printed_text() -> None:
    _, reading, _ = _read("004")
    raws = {
        c.row: c.raw for c in reading.cells if c.table == "active" and c.col == "change"
    }
    assert raws == {
        "licensing": "+5", "other_services": "+13", "penalty": "+4", "coercion": "+2",
        "fees": "0",
    }


def test_seed_000_explains_each_short_row() -> None:
    _, reading, _ = _read("000")
    short = [w for w in reading.warnings if "6 values for 7 columns" in w]
    assert len(short) == 21

"""Real published documents parse to the figures read off them by hand.

Each case under tests/fixtures/real/ is one folder: the document as published (`input.*`),
`expected.json` with every figure read off the document itself (never copied from the
parser's output), and the folder's README naming the source. The cell accuracy per
format is printed (`pytest -s`) and every expected cell must come out right, except the
ones a case lists in `known_gaps` with the reason: those must come out blank (None),
never as another figure, because a wrong figure is worse than a missing one.
"""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from parsers import parse_document
from parsers.model import Report
from parsers.tables import table_layout

REAL = Path(__file__).parents[1] / "fixtures" / "real"
CASES = sorted(path for path in REAL.iterdir() if (path / "expected.json").is_file())
METADATA = ("is_report", "template", "year", "agency", "title", "published")


def load(case: Path) -> tuple[dict, Report]:
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    (document,) = case.glob("input.*")
    return expected, parse_document(document.read_bytes(), filename=document.name)


def expected_cells(expected: dict) -> dict[str, object]:
    """{"requests.received.total": 21, ...}: rows are written as lists in column order."""
    cells: dict[str, object] = {}
    layout = table_layout(expected["template"])
    for table, rows in expected.get("tables", {}).items():
        for row, values in rows.items():
            cols = layout[table][row]
            assert len(values) == len(cols), f"{table}.{row}: {len(values)} values for {cols}"
            for col, value in zip(cols, values, strict=True):
                cells[f"{table}.{row}.{col}"] = Decimal(value) if isinstance(value, str) else value
    return cells


def compare(expected: dict, report: Report) -> tuple[list[str], list[str], list[str]]:
    """(right, blank, wrong) cell names."""
    right, blank, wrong = [], [], []
    for name, want in expected_cells(expected).items():
        table, row, col = name.split(".", 1)[0], *name.split(".", 1)[1].rsplit(".", 1)
        got = report.tables.get(table, {}).get(row, {}).get(col)
        if got == want and (got is None) == (want is None):
            right.append(name)
        elif got is None:
            blank.append(name)
        else:
            wrong.append(f"{name}: {got!r} != {want!r}")
    return right, blank, wrong


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.name)
def test_real_document(case):
    expected, report = load(case)
    for field in METADATA:
        if field in expected:
            assert getattr(report, field) == expected[field], field
    if expected.get("is_report") is False:
        assert report.reason and expected["reason"] in report.reason
        return
    right, blank, wrong = compare(expected, report)
    assert not wrong
    gaps = set(expected.get("known_gaps", {}))
    assert set(blank) == gaps, "blank cells differ from the documented gaps"
    for family, figures in expected.get("narrative", {}).items():
        found = [c for c in report.checks if c.check == "narrative" and c.row == family]
        assert found and found[0].expected == figures, family


def test_cell_accuracy_per_format(capsys):
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for case in CASES:
        expected, report = load(case)
        if expected.get("is_report") is False:
            totals[f"{expected['format']} (not a report)"][0] += 1
            totals[f"{expected['format']} (not a report)"][1] += int(not report.is_report)
            continue
        right, _blank, _wrong = compare(expected, report)
        row = totals[expected["format"]]
        row[0] += 1
        row[1] += len(right)
        row[2] += len(expected_cells(expected))
    with capsys.disabled():
        print("\nreal documents: format, documents, cells right / cells")
        for fmt, (documents, right, cells) in sorted(totals.items()):
            if "not a report" in fmt:
                print(f"  {fmt:28} {documents:3}  {right}/{documents} classified right")
            else:
                print(f"  {fmt:28} {documents:3}  {right}/{cells} = {right / cells:.1%}")
    assert len(CASES) >= 2

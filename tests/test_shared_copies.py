"""The project's copies of the user's shared material must match the originals.

parsers/report_tables.json is the canonical key list every table is read onto, and
tests/fixtures/seeds the reports every figure is checked against; both come from
../shared, which CI checks out beside the project.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parsers.key_schema import load_key_schema
from tests.support.seeds import SEEDS_DIR

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is not checked out here")


def test_schema_copy_matches_shared_schema() -> None:
    ours = load_key_schema()
    theirs = json.loads((SHARED / "schema" / "report_tables.json").read_text(encoding="utf-8"))
    assert ours == theirs


def test_seed_copies_match_shared_seeds() -> None:
    originals = sorted((SHARED / "seeds").glob("*.txt"))
    assert [p.name for p in originals] == sorted(p.name for p in SEEDS_DIR.glob("*.txt"))
    for original in originals:
        assert (SEEDS_DIR / original.name).read_bytes() == original.read_bytes(), original.name

"""The user's five seed reports, read from the copies under tests/fixtures/seeds.

The copies let the suite run from any checkout; tests/test_shared_copies.py fails when
they drift from ../shared, the user's originals.
"""

from __future__ import annotations

from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"


def seed_path(number: str) -> Path:
    """The seed file whose name starts with `number` ("000" ... "004") or is `number`."""
    exact = SEEDS_DIR / number
    if exact.exists():
        return exact
    matches = sorted(SEEDS_DIR.glob(f"{number}_*.txt"))
    if len(matches) != 1:
        raise FileNotFoundError(f"no single seed {number!r} in {SEEDS_DIR}")
    return matches[0]


def seed_text(number: str) -> str:
    return seed_path(number).read_text(encoding="utf-8")

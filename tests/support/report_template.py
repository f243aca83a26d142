"""The template's six section headings, for tests that check where sections start.

Taken from the canonical schema (parsers/report_tables.json, itself checked against
../shared by tests/test_shared_copies.py) so the headings are written down once.
"""

from __future__ import annotations

import json
from pathlib import Path

_SCHEMA = Path(__file__).resolve().parents[2] / "parsers" / "report_tables.json"

SECTION_HEADINGS: dict[str, str] = json.loads(_SCHEMA.read_text(encoding="utf-8"))["sections"]


def heading_starts(sections: dict[str, str]) -> dict[str, str]:
    """Each section's first line: the heading it was split on."""
    return {key: text.splitlines()[0] for key, text in sections.items()}

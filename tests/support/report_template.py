"""The template's six section headings, for tests that check where sections start.

Taken from the canonical schema (parsers/report_tables.json, itself checked against
../shared by tests/test_shared_copies.py) so the headings are written down once.
"""

from __future__ import annotations

from parsers.key_schema import load_key_schema

SECTION_HEADINGS: dict[str, str] = load_key_schema()["sections"]


def heading_starts(sections: dict[str, str]) -> dict[str, str]:
    """Each section's first line: the heading it was split on."""
    return {key: text.splitlines()[0] for key, text in sections.items()}

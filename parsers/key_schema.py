"""parsers/report_tables.json, read in one place: the canonical keys and their labels.

The key list (tables, rows, columns with the template's Chinese labels, the six section
headings, the identities) is read by the table reader, the command line's table view,
the archive's `key_labels` table and views, the Datasette plugin's labels and the tests.
They all go through `load_key_schema()`, so there is one reader to change if the file's
location or shape does. Only the standard library is imported here (and `import parsers`
loads no document reader), so the Datasette process and the crawler may use it freely.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).with_name("report_tables.json")


@cache
def load_key_schema() -> dict[str, Any]:
    """The parsed key list, read once per process; callers must not modify it."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))

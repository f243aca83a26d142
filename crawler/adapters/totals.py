"""What a list says about its own size: the declared total a crawl checks itself against.

List pages state how many documents the column holds — in the pager's script
(``recordCount: '20'``, ``totalRecord:62``, Hanweb's ``<totalrecord>``), in its text
(共20条), in a JSON API's ``total``. A crawl that lists fewer documents than that has met
a pager it does not understand, so the number is read wherever it is written and compared
with what was listed (`crawler.coverage`).
"""

from __future__ import annotations

import re

# Script and XML forms, case-insensitive: recordCount: '20', totalRecord = 62, <totalrecord>62<.
SCRIPT_TOTAL = re.compile(
    r"""\b(?:recordCount|totalRecords?|totalCount|recordTotal)\b['"]?\s*[:=]\s*['"]?(\d{1,7})\b"""
    r"|<totalrecord>\s*(\d{1,7})\s*</totalrecord>",
    re.I,
)
# Printed beside a pager: 共20条, 共 20 条记录, 共有20条.
TEXT_TOTAL = re.compile(r"共(?:有)?\s*(\d{1,7})\s*条")


def declared_in_text(text: str) -> int | None:
    """The largest total the page's source declares, or None when it states none.

    The largest, because a page may also declare the size of a sidebar's list; the column
    is the page's main list.
    """
    found = [int(a or b) for a, b in SCRIPT_TOTAL.findall(text)]
    found += [int(n) for n in TEXT_TOTAL.findall(text)]
    return max(found) if found else None

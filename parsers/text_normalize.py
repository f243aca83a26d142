"""One text normalization for every label, value and body text the parsers read.

Reports reach us through Word, PDF fonts and portal editors that each spell the same
character differently: full-width digits and brackets, Kangxi-radical look-alikes from
PDF fonts, ideographic spaces, zero-width joiners, `&nbsp;` that survived as literal text.
NFKC folds most of them; the table below adds what NFKC leaves alone, so that a label or a
figure compares equal however the source typed it. Line breaks, tabs and runs of spaces are
kept: they are the structure of text-layout tables.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Characters NFKC does not fold but that stand for something it does.
_EXTRA_MAP: dict[int, str | None] = {
    # zero-width and invisible characters: dropped
    0x200B: None, 0x200C: None, 0x200D: None, 0x2060: None, 0xFEFF: None, 0x00AD: None,
    # CJK Radicals Supplement look-alikes that stand alone as characters (NFKC folds
    # only ⺟ and ⻳); the Kangxi Radicals block is folded by NFKC itself
    0x2E8C: "小", 0x2E8D: "小", 0x2E9D: "月", 0x2EA0: "民", 0x2EA7: "牛", 0x2EAE: "竹",
    0x2EB7: "羊", 0x2EC4: "西", 0x2EC5: "见", 0x2EC6: "角", 0x2EC8: "讠", 0x2EC9: "贝",
    0x2ECB: "车", 0x2ED0: "钅", 0x2ED3: "长", 0x2ED4: "门", 0x2ED7: "雨", 0x2ED8: "青",
    0x2EDA: "页", 0x2EDB: "风", 0x2EDC: "飞", 0x2EDD: "食", 0x2EE0: "饣", 0x2EE2: "马",
    0x2EE3: "骨", 0x2EE4: "鬼", 0x2EE5: "鱼", 0x2EE6: "鸟", 0x2EE7: "卤", 0x2EE8: "麦",
    0x2EE9: "黄", 0x2EEA: "黾", 0x2EEC: "齐", 0x2EEE: "齿", 0x2EF0: "龙",
    # dash look-alikes: one em dash (a blank-cell marker), minus signs: ASCII
    0x2010: "-", 0x2011: "-", 0x2012: "—", 0x2013: "—", 0x2015: "—", 0x2500: "—",
    0x2501: "—", 0x2212: "-", 0x30FC: "—",
    # ideographic punctuation variants NFKC keeps
    0x3008: "<", 0x3009: ">", 0x3014: "〔", 0x3015: "〕", 0x2018: "“", 0x2019: "”",
    0x201C: "“", 0x201D: "”", 0x300C: "“", 0x300D: "”", 0x3001: "、", 0xFF64: "、",
    0x3002: "。", 0xFF61: "。", 0x00B7: "·", 0x30FB: "·",
    # spaces NFKC keeps as themselves
    0x3000: " ", 0x00A0: " ", 0x2002: " ", 0x2003: " ", 0x2009: " ", 0x200A: " ",
}

_NBSP_ENTITY = re.compile(r"&(?:nbsp|#160|#xa0|ensp|emsp|#12288);", re.IGNORECASE)
_ALL_WS = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """NFKC plus the look-alikes NFKC misses; whitespace layout is kept as it was."""
    if not text:
        return ""
    if "&" in text:
        text = _NBSP_ENTITY.sub(" ", text)
    if text.isascii():
        return text  # NFKC and the table above leave ASCII unchanged
    return unicodedata.normalize("NFKC", text).translate(_EXTRA_MAP)


@lru_cache(maxsize=16384)
def normalize_cell(text: str) -> str:
    """A table cell as one line: normalized, inner whitespace squeezed, ends stripped.

    Cached: table cells repeat ("0", the template's labels) across rows and documents.
    """
    return _ALL_WS.sub(" ", normalize_text(text)).strip()

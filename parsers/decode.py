"""Bytes of a fetched page -> text, whatever the page claims about its encoding.

Chinese government portals declare their charset in the HTTP header, in a meta tag,
in both (disagreeing), wrongly, or not at all, and a page declared gb2312 routinely
holds GBK-only characters (镕, 堃...) that a strict gb2312 codec rejects and that
trafilatura's own detection garbles. So the declaration is a hint, never an order:
valid UTF-8 wins (GBK text of any length is practically never valid UTF-8), the GB
family is always decoded as gb18030 (a superset of gb2312 and GBK), and a declaration
that fails to decode the bytes strictly is overruled.
"""

from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# <meta charset="gbk"> and <meta http-equiv="Content-Type" content="text/html; charset=gb2312">
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)

# Declarations that decode any byte string, so a strict trial proves nothing: Chinese
# pages that say so are mislabelled GB or UTF-8 far more often than really Western.
_PERMISSIVE = {"latin-1", "iso8859-1", "cp1252", "ascii"}


def _codec_name(label: str) -> str | None:
    """The Python codec for a declared label; the GB family is widened to gb18030."""
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    if name in {"gb2312", "gbk", "gb18030", "hz"} or label.lower().startswith(("gb", "x-gb")):
        return "gb18030"
    return name


def declared_in_html(body: bytes) -> str | None:
    """The charset a page's meta tag declares, looked for in its head only."""
    match = _META_CHARSET.search(body[:8192])
    return match.group(1).decode("ascii", "replace") if match else None


def charset_from_content_type(content_type: str | None) -> str | None:
    """`text/html; charset=GBK` -> `GBK`."""
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return match.group(1) if match else None


def _strict(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_bytes(
    body: bytes | str, *, http_encoding: str | None = None, html: bool = True
) -> tuple[str, str, list[str]]:
    """Decode a page: (text, codec used, warnings).

    `http_encoding` is the charset from the response's Content-Type (a bare label or a
    whole header value). A warning says when the bytes overruled a declaration or when
    nothing decoded them strictly, so a garbled report is never silent.
    """
    if isinstance(body, str):
        return body, "str", []
    for bom, codec in _BOMS:
        if body.startswith(bom):
            text = body.decode(codec, errors="replace")
            return text.lstrip("\ufeff"), codec, []

    declared_labels = [
        label
        for label in (
            charset_from_content_type(http_encoding) or http_encoding,
            declared_in_html(body) if html else None,
        )
        if label
    ]
    declared = [c for c in (_codec_name(label) for label in declared_labels) if c]

    text = _strict(body, "utf-8")
    if text is not None:
        return text, "utf-8", _overruled(declared, "utf-8")
    for codec in declared:
        if codec in _PERMISSIVE or codec == "utf-8":
            continue
        text = _strict(body, codec)
        if text is not None:
            return text, codec, _overruled(declared, codec)
    text = _strict(body, "gb18030")
    if text is not None:
        return text, "gb18030", _overruled(declared, "gb18030")

    from charset_normalizer import from_bytes  # only for pages nothing else decodes

    best = from_bytes(body).best()
    if best is not None and best.encoding not in _PERMISSIVE:
        return str(best), best.encoding, [
            f"encoding: guessed {best.encoding}; declared {declared_labels or 'nothing'}"
        ]
    return (
        body.decode("gb18030", errors="replace"),
        "gb18030",
        ["encoding: bytes are neither UTF-8 nor GB18030; undecodable bytes replaced"],
    )


def _overruled(declared: list[str], used: str) -> list[str]:
    wrong = [c for c in declared if c != used and c not in _PERMISSIVE]
    if not wrong:
        return []
    return [f"encoding: page declared {', '.join(wrong)} but the bytes are {used}"]

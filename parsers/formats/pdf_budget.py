"""What one PDF page will cost to read, estimated before pdfplumber lays it out.

A PDF's work is not bounded by its size: a page can draw one form XObject thousands
of times, and pdfminer interprets (and lays out every character of) each drawing, so
a 20 KB file holds millions of characters. Two cheap counts bound a page first:

- objects drawn, counted by PDFium, which parses each drawing of a form on its own, so
  a repeated form counts as often as it is drawn (stopping as soon as the count is over);
- the bytes of the strings the page shows (an upper bound on its glyphs: every glyph is
  at least one byte of a string operand), counted in the content streams with each
  form's count multiplied by the times it is drawn, without laying anything out.
"""

from __future__ import annotations

import re
from typing import Any

import pypdfium2
from pdfminer.pdftypes import PDFStream, resolve1

from parsers.errors import UnreadableDocument
from parsers.formats import limits

_STRING = re.compile(rb"\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>", re.DOTALL)
_DO = re.compile(rb"/([^\s/<>\[\]()%{}]+)\s*Do\b")
_MAX_FORM_DEPTH = 12  # forms drawing forms; deeper is a loop or a bomb


def check_page(plumber_page: Any, pdfium_page: pypdfium2.PdfPage, number: int) -> None:
    """Refuse a page that draws more objects or glyphs than any report page has."""
    what = f"PDF page {number}"
    for objects, _ in enumerate(pdfium_page.get_objects(max_depth=_MAX_FORM_DEPTH), start=1):
        if objects > limits.MAX_PAGE_OBJECTS:
            raise UnreadableDocument(
                f"{what} draws more than {limits.MAX_PAGE_OBJECTS} objects"
            )
    page = plumber_page.page_obj
    glyphs = _drawn_glyphs(_streams(page.contents), page.resources, {}, 0, what)
    if glyphs > limits.MAX_PAGE_CHARS:
        raise UnreadableDocument(
            f"{what} shows up to {glyphs} characters (limit {limits.MAX_PAGE_CHARS}); "
            "forms drawn repeatedly?"
        )


def _streams(contents: Any) -> list[PDFStream]:
    contents = resolve1(contents)
    if isinstance(contents, PDFStream):
        return [contents]
    if isinstance(contents, list):
        return [s for s in (resolve1(c) for c in contents) if isinstance(s, PDFStream)]
    return []


def _drawn_glyphs(
    streams: list[PDFStream], resources: Any, memo: dict[int, int], depth: int, what: str
) -> int:
    if depth > _MAX_FORM_DEPTH:
        raise UnreadableDocument(f"{what} nests forms more than {_MAX_FORM_DEPTH} deep")
    xobjects = resolve1((resolve1(resources) or {}).get("XObject")) or {}
    total = 0
    for stream in streams:
        data = stream.get_data() or b""
        total += sum(_string_bytes(m.group()) for m in _STRING.finditer(data))
        for match in _DO.finditer(data):
            form = resolve1(xobjects.get(match.group(1).decode("latin-1")))
            if not isinstance(form, PDFStream) or getattr(form.get("Subtype"), "name", "") != "Form":
                continue
            key = id(form) if form.objid is None else form.objid
            if key not in memo:
                memo[key] = 0  # a form drawing itself counts once, then the depth stops it
                memo[key] = _drawn_glyphs(
                    [form], form.get("Resources") or resources, memo, depth + 1, what
                )
            total += memo[key]
            if total > limits.MAX_PAGE_CHARS:
                return total
    return total


def _string_bytes(token: bytes) -> int:
    if token.startswith(b"<"):
        return sum(1 for ch in token if chr(ch) in "0123456789abcdefABCDEF") // 2
    return len(token) - 2

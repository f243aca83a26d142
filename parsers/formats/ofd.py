"""OFD (GB/T 33190, China's fixed-layout format): a zip of XML pages of positioned text.

There is no maintained Python OFD library, and the part needed is small: OFD.xml names the
document root, Document.xml lists the pages, and each page's Content.xml holds
TextObjects (a Boundary box plus TextCode runs at X/Y inside it) and PathObjects (the
ruling lines). Text is laid out by position. A table drawn with ruling lines is rebuilt
from them: the lines give the slot grid, a missing line between two slots means a merged
cell, and each run of text lands in the slot that holds its centre. Where there are no
lines, rows still come out as lines with wide gaps turned into tabs.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from lxml import etree

from parsers.errors import UnreadableDocument
from parsers.formats import limits
from parsers.formats.pagination import Page, TableBlock, join_split_tables
from parsers.model import Extracted, Grid

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
_TOLERANCE = 0.8  # mm: lines this close are the same ruling line
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_MAX_DELTAS = 10_000  # glyph advances read from one TextCode


@dataclass
class _Run:
    x: float  # left edge, mm from the page's left
    y: float  # baseline, mm from the page's top
    width: float
    size: float
    text: str

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + self.width / 2, self.y - self.size / 3


def extract(body: bytes) -> Extracted:
    archive = limits.open_zip(body, "OFD")
    names = {n.lower(): n for n in archive.namelist()}

    def load(path: str) -> etree._Element:
        name = names.get(path.lstrip("/").lower())
        if name is None:
            raise UnreadableDocument(f"OFD lacks {path}")
        try:
            return etree.fromstring(limits.read_member(archive, name, "OFD"), _PARSER)
        except etree.XMLSyntaxError as exc:
            raise UnreadableDocument(f"OFD part {path} is not well-formed XML: {exc}") from exc

    if "ofd.xml" not in names:
        raise UnreadableDocument("OFD lacks OFD.xml")
    root = load("OFD.xml")
    doc_body = _first(root, "DocBody")
    doc_root = _first(doc_body, "DocRoot") if doc_body is not None else None
    if doc_root is None or not (doc_root.text or "").strip():
        raise UnreadableDocument("OFD.xml names no DocRoot")
    doc_path = _resolve("", doc_root.text.strip())
    document = load(doc_path)
    page_refs = [el for el in document.iter() if _local(el) == "Page" and el.get("BaseLoc")]
    limits.check_pages(len(page_refs), "OFD")
    pages = []
    for ref in page_refs:
        content = load(_resolve(posixpath.dirname(doc_path), ref.get("BaseLoc")))
        pages.append(_read_page(content))
    blocks = join_split_tables(pages)
    info = _first(doc_body, "DocInfo")
    return Extracted(
        text="\n".join(
            b if isinstance(b, str) else "\n".join("\t".join(row) for row in b) for b in blocks
        ).strip("\n"),
        grids=[b for b in blocks if not isinstance(b, str)],
        source_format="ofd",
        title=_info(info, "Title"),
        published=_iso_date(_info(info, "CreationDate")),
        pages=len(pages),
    )


def _resolve(base_dir: str, location: str) -> str:
    """OFD locations are relative to the referring part's folder unless they start with /."""
    if location.startswith("/"):
        return posixpath.normpath(location.lstrip("/"))
    return posixpath.normpath(posixpath.join(base_dir, location))


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _first(element: etree._Element | None, name: str) -> etree._Element | None:
    if element is None:
        return None
    return next((child for child in element if _local(child) == name), None)


def _info(info: etree._Element | None, name: str) -> str | None:
    found = _first(info, name)
    if found is None:
        return None
    return (found.text or "").strip() or None


def _iso_date(value: str | None) -> str | None:
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", value or "")
    return "-".join(match.groups()) if match else None


def _numbers(value: str | None) -> list[float]:
    try:
        return [float(v) for v in (value or "").split()]
    except ValueError:
        return []


def _read_page(content: etree._Element) -> Page:
    runs: list[_Run] = []
    horizontal: list[tuple[float, float, float]] = []  # y, x0, x1
    vertical: list[tuple[float, float, float]] = []  # x, y0, y1
    for element in content.iter():
        kind = _local(element)
        if kind == "TextObject":
            runs.extend(_text_runs(element))
            if len(runs) > limits.MAX_TEXT_RUNS:
                raise UnreadableDocument(
                    f"OFD page holds more than {limits.MAX_TEXT_RUNS} text runs"
                )
        elif kind == "PathObject":
            _path_segments(element, horizontal, vertical)
            # ruling lines are matched pairwise: their number bounds the table work
            if len(horizontal) + len(vertical) > limits.MAX_PATH_SEGMENTS:
                raise UnreadableDocument(
                    f"OFD page draws more than {limits.MAX_PATH_SEGMENTS} line segments"
                )
    tables = _tables(horizontal, vertical, runs)
    placed: list[tuple[float, str | TableBlock]] = []
    remaining = runs
    for top, grid, inside in tables:
        placed.append((top, grid))
        remaining = [r for r in remaining if not inside(r)]
    placed.extend((y, line) for y, line in _lines(remaining))
    placed.sort(key=lambda item: item[0])
    blocks: list[str | TableBlock] = []
    for _, block in placed:
        if isinstance(block, str) and blocks and isinstance(blocks[-1], str):
            blocks[-1] += "\n" + block
        else:
            blocks.append(block)
    return Page(blocks=blocks)


def _text_runs(obj: etree._Element) -> list[_Run]:
    box = _numbers(obj.get("Boundary"))
    if len(box) != 4:
        return []
    size = (_numbers(obj.get("Size")) or [box[3]])[0]
    runs = []
    x = y = 0.0
    for code in obj:
        if _local(code) != "TextCode" or not code.text:
            continue
        x = (_numbers(code.get("X")) or [x])[0]
        y = (_numbers(code.get("Y")) or [y])[0]
        text = code.text
        deltas = _deltas(code.get("DeltaX"))
        width = sum(deltas[: len(text) - 1]) + size if deltas else _natural_width(text, size)
        runs.append(_Run(box[0] + x, box[1] + y, width, size, text))
        x += width
    return runs


def _deltas(value: str | None) -> list[float]:
    """DeltaX with its `g COUNT VALUE` shorthand expanded."""
    tokens = (value or "").split()
    out: list[float] = []
    i = 0
    try:
        while i < len(tokens):
            if tokens[i] == "g" and i + 2 < len(tokens):
                # a run needs one delta per glyph: `g 1000000000000 1` must not allocate
                count = min(int(tokens[i + 1]), _MAX_DELTAS - len(out))
                out.extend([float(tokens[i + 2])] * max(count, 0))
                i += 3
            else:
                out.append(float(tokens[i]))
                i += 1
    except ValueError:
        return []
    return out


def _natural_width(text: str, size: float) -> float:
    return sum(size if _CJK.match(ch) else size / 2 for ch in text)


def _path_segments(obj: etree._Element, horizontal: list, vertical: list) -> None:
    """Straight horizontal and vertical strokes of a path (M/L/Z commands) in page mm."""
    box = _numbers(obj.get("Boundary"))
    data = _first(obj, "AbbreviatedData")
    if len(box) != 4 or data is None:
        return
    tokens = (data.text or "").split()
    start = current = None
    i = 0
    while i < len(tokens):
        op = tokens[i]
        if op in ("M", "L") and i + 2 < len(tokens):
            try:
                point = (box[0] + float(tokens[i + 1]), box[1] + float(tokens[i + 2]))
            except ValueError:
                return  # a damaged path: its lines are not drawn
            if op == "L" and current is not None:
                _segment(current, point, horizontal, vertical)
                if len(horizontal) + len(vertical) > limits.MAX_PATH_SEGMENTS:
                    return  # the caller refuses the page
            if op == "M":
                start = point
            current = point
            i += 3
        elif op in ("Z", "C", "z") and start is not None and current is not None:
            _segment(current, start, horizontal, vertical)
            current = start
            i += 1
        else:
            i += 1


def _segment(a, b, horizontal: list, vertical: list) -> None:
    if abs(a[1] - b[1]) < 0.1 and abs(a[0] - b[0]) > _TOLERANCE:
        horizontal.append((a[1], min(a[0], b[0]), max(a[0], b[0])))
    elif abs(a[0] - b[0]) < 0.1 and abs(a[1] - b[1]) > _TOLERANCE:
        vertical.append((a[0], min(a[1], b[1]), max(a[1], b[1])))


def _cluster(values: list[float]) -> list[float]:
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > _TOLERANCE:
            out.append(value)
    return out


def _tables(horizontal, vertical, runs):
    """Ruled tables: (top, grid, contains-run test) for each group of joined lines."""
    groups = _connected(horizontal, vertical)
    tables = []
    for hs, vs in groups:
        ys = _cluster([h[0] for h in hs])
        xs = _cluster([v[0] for v in vs])
        if len(ys) < 3 or len(xs) < 3:
            continue
        limits.check_table(len(ys) - 1, len(xs) - 1, "OFD table")
        tables.append(_table(ys, xs, hs, vs, runs))
    return tables


def _connected(horizontal, vertical):
    """Group ruling lines into tables: lines that touch belong to the same table."""
    segments = [("h", s) for s in horizontal] + [("v", s) for s in vertical]
    parent = list(range(len(segments)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (kind_i, (hy, hx0, hx1)) in enumerate(segments):
        if kind_i != "h":
            continue
        for j, (kind_j, (vx, vy0, vy1)) in enumerate(segments):
            if kind_j == "v" and hx0 - _TOLERANCE <= vx <= hx1 + _TOLERANCE and (
                vy0 - _TOLERANCE <= hy <= vy1 + _TOLERANCE
            ):
                parent[find(i)] = find(j)
    groups: dict[int, tuple[list, list]] = {}
    for i, (kind, segment) in enumerate(segments):
        hs, vs = groups.setdefault(find(i), ([], []))
        (hs if kind == "h" else vs).append(segment)
    return list(groups.values())


def _table(ys, xs, hs, vs, runs):
    rows, cols = len(ys) - 1, len(xs) - 1

    def has_vertical(x: float, y_mid: float) -> bool:
        return any(abs(v[0] - x) <= _TOLERANCE and v[1] - _TOLERANCE <= y_mid <= v[2] + _TOLERANCE for v in vs)

    def has_horizontal(y: float, x_mid: float) -> bool:
        return any(abs(h[0] - y) <= _TOLERANCE and h[1] - _TOLERANCE <= x_mid <= h[2] + _TOLERANCE for h in hs)

    owner = {(r, c): (r, c) for r in range(rows) for c in range(cols)}

    def find(slot):
        while owner[slot] != slot:
            slot = owner[slot]
        return slot

    for r in range(rows):
        y_mid = (ys[r] + ys[r + 1]) / 2
        for c in range(cols):
            x_mid = (xs[c] + xs[c + 1]) / 2
            if c + 1 < cols and not has_vertical(xs[c + 1], y_mid):
                owner[find((r, c + 1))] = find((r, c))
            if r + 1 < rows and not has_horizontal(ys[r + 1], x_mid):
                owner[find((r + 1, c))] = find((r, c))

    def inside(run: _Run) -> bool:
        cx, cy = run.centre
        return xs[0] <= cx <= xs[-1] and ys[0] <= cy <= ys[-1]

    cell_runs: dict[tuple[int, int], list[_Run]] = {}
    for run in runs:
        if not inside(run):
            continue
        cx, cy = run.centre
        r = max(i for i in range(rows) if ys[i] <= cy) if cy < ys[-1] else rows - 1
        c = max(i for i in range(cols) if xs[i] <= cx) if cx < xs[-1] else cols - 1
        cell_runs.setdefault(find((r, c)), []).append(run)
    texts = {slot: _join_lines([line for _, line in _lines(rs)]) for slot, rs in cell_runs.items()}
    grid: Grid = [[texts.get(find((r, c)), "") for c in range(cols)] for r in range(rows)]
    return ys[0], TableBlock(grid, xs), inside


def _lines(runs: list[_Run]) -> list[tuple[float, str]]:
    """Runs grouped into lines by baseline, left to right; wide gaps become tabs."""
    lines: list[list[_Run]] = []
    for run in sorted(runs, key=lambda r: (r.y, r.x)):
        if lines and abs(lines[-1][0].y - run.y) <= 0.5 * run.size:
            lines[-1].append(run)
        else:
            lines.append([run])
    out = []
    for line in lines:
        line.sort(key=lambda r: r.x)
        text = line[0].text
        for previous, run in zip(line, line[1:], strict=False):
            gap = run.x - (previous.x + previous.width)
            if gap > 1.5 * run.size:
                text += "\t"
            elif gap > 0.3 * run.size and not (_CJK.match(text[-1]) or _CJK.match(run.text[0])):
                text += " "
            text += run.text
        out.append((line[0].y, text))
    return out


def _join_lines(lines: list[str]) -> str:
    out = ""
    for line in (line.strip() for line in lines):
        if out and line and not (_CJK.match(out[-1]) or _CJK.match(line[0])):
            out += " "
        out += line
    return out

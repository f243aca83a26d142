"""The portal registry: which government portals to crawl, read from CSV files.

A registry is a plain CSV so that researchers can edit it in a spreadsheet and review
changes in a diff. The loader is strict because a silently skipped or mangled row means a
county silently missing from the archive: every problem is reported as a `RegistryError`
naming the file and line, and nothing is loaded from a file with a bad row.

Columns (header names, any order):
    id, name, region_code, level, url                  required
    province, city, disclosure_url, report_column_url  optional (blank = unknown)
    cms                                                optional: the list family to try
                                                       first on the portal's list pages
                                                       (an adapter name, see
                                                       `crawler.adapters.ADAPTERS`)
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

# The data folder crawler/registry/ beside this module (CSV and the script that builds it;
# not a package, so `import crawler.registry` always means this module).
BUNDLED_REGISTRY = Path(__file__).with_name("registry") / "county_portals.csv"

REQUIRED_COLUMNS = ("id", "name", "region_code", "level", "url")
OPTIONAL_COLUMNS = ("province", "city", "disclosure_url", "report_column_url", "cms")

# Administrative levels of the government that owns a portal. "county" covers every
# county-level unit (县, 自治县, 县级市, 市辖区, 旗, 自治旗, 特区, 林区); "prefecture" covers
# 地级市, 地区, 自治州 and 盟.
LEVELS = frozenset({"province", "prefecture", "county"})

# Ids end up in `-a only=ID,...` on a shell command line and in archive keys, so no
# separators or whitespace; word characters (Chinese included), dots and dashes are fine.
_ID_PATTERN = re.compile(r"[\w.-]+")
_REGION_CODE_PATTERN = re.compile(r"\d{6}")
_YEAR_RANGE_PATTERN = re.compile(r"(\d{4})\s*-\s*(\d{4})")
# Annual disclosure reports exist from 2008 (the Regulations took effect that May).
_FIRST_REPORT_YEAR = 2008
_LAST_PLAUSIBLE_YEAR = 2100


class RegistryError(ValueError):
    """A registry file or a selection from it cannot be used as given."""


@dataclass(frozen=True)
class Portal:
    """One government portal to crawl."""

    id: str
    name: str
    region_code: str
    level: str
    url: str
    province: str | None = None
    city: str | None = None
    disclosure_url: str | None = None
    report_column_url: str | None = None
    cms: str | None = None

    def as_row(self) -> dict[str, str | None]:
        """The portal as a flat dict, the shape `Archive.upsert_portals` takes."""
        return asdict(self)


def load_registry(path: str | Path | None = None) -> list[Portal]:
    """Read and validate a registry CSV (None = the bundled county registry).

    The file may be UTF-8 with or without a byte-order mark (Excel writes one).
    """
    path = Path(path) if path is not None else BUNDLED_REGISTRY
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RegistryError(f"{path}: cannot read registry: {exc.strerror or exc}") from exc
    text = _decode(raw, path)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    _check_header(reader.fieldnames, path)

    portals: list[Portal] = []
    first_line_of_id: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if None in row:  # DictReader files surplus cells under the key None
            raise RegistryError(f"{path}:{line}: more cells than header columns")
        if all(not (value or "").strip() for value in row.values()):
            continue
        portal = _portal_from_row(row, f"{path}:{line}")
        if portal.id in first_line_of_id:
            raise RegistryError(
                f"{path}:{line}: duplicate id {portal.id!r} "
                f"(first used on line {first_line_of_id[portal.id]})"
            )
        first_line_of_id[portal.id] = line
        portals.append(portal)
    return portals


def select_portals(portals: Iterable[Portal], only: set[str] | None) -> list[Portal]:
    """The portals whose ids are in `only` (all of them if `only` is None), registry order.

    An id that matches nothing is an error rather than an empty crawl, because the usual
    cause is a typo in `-a only=`.
    """
    portals = list(portals)
    if only is None:
        return portals
    known = {portal.id for portal in portals}
    unknown = sorted(set(only) - known)
    if unknown:
        raise RegistryError(f"unknown portal id(s): {', '.join(unknown)}")
    return [portal for portal in portals if portal.id in only]


def parse_only(spec: str | None) -> set[str] | None:
    """Parse the spider argument `-a only=ID,ID,...`; None or blank means every portal."""
    if spec is None or not spec.strip():
        return None
    ids = {part.strip() for part in spec.split(",") if part.strip()}
    return ids or None


def parse_years(spec: str | None) -> set[int] | None:
    """Parse the spider argument `-a years=`: `2023`, `2021-2024`, `2019,2021` or a mix
    such as `2014,2019-2021`. None or blank means every year.

    Raises ValueError on anything else, so a mistyped range fails before the crawl starts
    instead of quietly selecting nothing.
    """
    if spec is None or not spec.strip():
        return None
    years: set[int] = set()
    for part in (piece.strip() for piece in spec.split(",")):
        if not part:
            continue
        if match := _YEAR_RANGE_PATTERN.fullmatch(part):
            first, last = int(match[1]), int(match[2])
            if first > last:
                raise ValueError(f"years: range {part!r} runs backwards")
            span = range(first, last + 1)
        elif part.isdecimal() and len(part) == 4:
            first = last = int(part)
            span = range(first, first + 1)
        else:
            raise ValueError(f"years: {part!r} is not a year (2023) or a range (2021-2024)")
        if first < _FIRST_REPORT_YEAR or last > _LAST_PLAUSIBLE_YEAR:
            raise ValueError(
                f"years: {part!r} is outside {_FIRST_REPORT_YEAR}-{_LAST_PLAUSIBLE_YEAR}"
            )
        years.update(span)
    if not years:
        raise ValueError(f"years: no year in {spec!r}")
    return years


def _decode(raw: bytes, path: Path) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise RegistryError(
            f"{path}:{line}: not UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
        ) from exc


def _check_header(fieldnames: list[str] | None, path: Path) -> None:
    if not fieldnames:
        raise RegistryError(f"{path}:1: empty file, expected a header row")
    names = [name.strip() for name in fieldnames]
    if names != fieldnames:
        raise RegistryError(f"{path}:1: header names must not have surrounding spaces")
    missing = [column for column in REQUIRED_COLUMNS if column not in names]
    if missing:
        raise RegistryError(f"{path}:1: missing column(s): {', '.join(missing)}")
    unknown = [name for name in names if name not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        raise RegistryError(f"{path}:1: unknown column(s): {', '.join(unknown)}")
    if len(set(names)) != len(names):
        raise RegistryError(f"{path}:1: a column appears twice")


def _portal_from_row(row: dict[str, str | None], where: str) -> Portal:
    values = {key: (value or "").strip() for key, value in row.items()}
    for column in REQUIRED_COLUMNS:
        if not values[column]:
            raise RegistryError(f"{where}: {column} is empty")
    if not _ID_PATTERN.fullmatch(values["id"]):
        raise RegistryError(
            f"{where}: id {values['id']!r} may hold only letters, digits, '_', '.' and '-'"
        )
    if not _REGION_CODE_PATTERN.fullmatch(values["region_code"]):
        raise RegistryError(f"{where}: region_code {values['region_code']!r} is not 6 digits")
    if values["level"] not in LEVELS:
        raise RegistryError(
            f"{where}: level {values['level']!r} is not one of {', '.join(sorted(LEVELS))}"
        )
    for column in ("url", "disclosure_url", "report_column_url"):
        if values.get(column):
            _check_url(values[column], column, where)
    if values.get("cms"):
        _check_cms(values["cms"], where)
    return Portal(
        id=values["id"],
        name=values["name"],
        region_code=values["region_code"],
        level=values["level"],
        url=values["url"],
        **{column: values.get(column) or None for column in OPTIONAL_COLUMNS},
    )


def _check_cms(cms: str, where: str) -> None:
    from crawler.adapters import adapter_names  # the adapters import Scrapy: only when needed

    if cms not in adapter_names():
        raise RegistryError(f"{where}: cms {cms!r} is not one of {', '.join(adapter_names())}")


def _check_url(url: str, column: str, where: str) -> None:
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # e.g. an unbalanced "[" in an IPv6 host
        host = None
    if host is None or parts.scheme not in ("http", "https") or " " in url:
        raise RegistryError(f"{where}: {column} {url!r} is not an http(s) URL with a host")

"""Rebuild county_portals.csv from a division-code list and a list of portal homepages.

Usage (from the project root):

    .venv/bin/python crawler/registry/build_registry.py \\
        --codes areacodes-2025.txt \\
        --portals gov-flat.json \\
        --out crawler/registry/county_portals.csv

Inputs (see "Where the bundled registry comes from" in README.md; neither is committed):
  --codes    "CODE NAME" lines, one per division: the format of yescallop/areacodes data/YYYY.txt.
  --portals  JSON list of {"key": "省/市/县", "url": ...}: the format of
             anyi-econ/china-public-debt scripts/website_management/gov-flat.json.

Portals are keyed by name only, and county names repeat across the country (新华区, 桥西区,
东风区...), so a portal is joined to a code only within its own province and, for three-part
keys, its own prefecture. Anything that does not resolve to exactly one county-level code, or
whose homepage looks wrong, is left out and listed on stderr with the reason, never guessed.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

# Municipalities: their districts and counties hang directly under the province in portal
# keys ("北京市/东城区") and have no prefecture level of their own.
MUNICIPALITY_PREFIXES = frozenset({"11", "12", "31", "50"})

# Names in the portal list that differ from the official code list.
NAME_ALIASES = {("河南省", "济源示范区"): "济源市"}

# Rows checked by hand and found wrong in the portal list; left out rather than corrected.
KNOWN_BAD = {
    "四川省/内江市/市中区": "homepage host lsszq.gov.cn is Leshan's 市中区 (swapped with Leshan)",
    "四川省/乐山市/市中区": "homepage host neijiangshizhongqu.gov.cn is Neijiang's 市中区 (swapped)",
}

CSV_COLUMNS = ("id", "name", "region_code", "level", "url", "province", "city", "cms")
# Hosts whose list platform was confirmed against public material (host, cms, evidence).
PLATFORMS = Path(__file__).with_name("platforms.csv")


@dataclass(frozen=True)
class Division:
    code: str
    name: str

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"

    @property
    def prefecture_code(self) -> str:
        return self.code[:4] + "00"

    @property
    def is_province(self) -> bool:
        return self.code.endswith("0000")

    @property
    def is_prefecture(self) -> bool:
        return self.code.endswith("00") and not self.is_province


class CodeList:
    """The division codes, indexed for name lookups inside a parent."""

    def __init__(self, divisions: list[Division]):
        self.by_code = {d.code: d for d in divisions}
        self.provinces = {d.name: d for d in divisions if d.is_province}
        self.counties_by_prefix: dict[str, list[Division]] = defaultdict(list)
        for d in divisions:
            if not d.is_province and not d.is_prefecture:
                self.counties_by_prefix[d.code[:2]].append(d)

    def prefecture_in(self, province: Division, name: str) -> Division | None:
        matches = [
            d
            for d in self.by_code.values()
            if d.is_prefecture and d.code[:2] == province.code[:2] and d.name == name
        ]
        return matches[0] if len(matches) == 1 else None

    def counties_named(self, province: Division, name: str) -> list[Division]:
        return [d for d in self.counties_by_prefix[province.code[:2]] if d.name == name]

    def parent_prefecture(self, county: Division) -> Division | None:
        parent = self.by_code.get(county.prefecture_code)
        return parent if parent is not None and parent.is_prefecture else None


def read_codes(path: Path) -> CodeList:
    divisions = []
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        if not line.strip():
            continue
        code, _, name = line.strip().partition(" ")
        if len(code) != 6 or not code.isdigit() or not name:
            raise SystemExit(f"{path}:{number}: expected 'CODE NAME', got {line!r}")
        divisions.append(Division(code, name.strip()))
    return CodeList(divisions)


def read_portals(path: Path) -> list[tuple[str, str]]:
    entries = json.loads(path.read_text(encoding="utf-8-sig"))
    return [(entry["key"], entry["url"]) for entry in entries]


def resolve(key: str, codes: CodeList) -> tuple[Division | None, str]:
    """The county-level division a portal key names, or None and the reason it does not."""
    parts = key.split("/")
    province = codes.provinces.get(parts[0])
    if province is None:
        return None, f"unknown province {parts[0]!r}"
    if len(parts) == 1:
        return None, "province-level portal"
    name = NAME_ALIASES.get((parts[0], parts[-1]), parts[-1])
    candidates = codes.counties_named(province, name)
    if len(parts) == 3:
        prefecture = codes.prefecture_in(province, parts[1])
        if prefecture is not None:
            candidates = [d for d in candidates if d.code[:4] == prefecture.code[:4]]
        else:
            # Units the code list files under no prefecture (兵团 cities, 省直辖 units).
            candidates = [d for d in candidates if codes.parent_prefecture(d) is None]
    elif province.code[:2] not in MUNICIPALITY_PREFIXES:
        if codes.prefecture_in(province, parts[1]) is not None:
            return None, "prefecture-level portal"
        candidates = [d for d in candidates if codes.parent_prefecture(d) is None]
    if len(candidates) == 1:
        return candidates[0], ""
    if not candidates:
        return None, f"no county-level code named {name!r} in that place"
    return None, "ambiguous: " + ", ".join(d.code for d in candidates)


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")


def read_platforms(path: Path = PLATFORMS) -> dict[str, str]:
    """host (without www.) -> the cms family confirmed for it."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["host"]: row["cms"] for row in csv.DictReader(handle)}


def build(codes: CodeList, portals: list[tuple[str, str]]) -> tuple[list[dict], list[str]]:
    """The registry rows and the list of left-out keys with their reasons."""
    problems: list[str] = []
    # A key with keys under it is a province or prefecture (or the 兵团): its homepage turning
    # up as a county's homepage means the county row points at the wrong government.
    parents = {key.rpartition("/")[0] for key, _ in portals if "/" in key}
    parent_hosts = {host_of(url) for key, url in portals if key in parents}
    resolved: list[tuple[str, str, Division]] = []
    for key, url in portals:
        if key in parents:
            continue
        division, reason = resolve(key, codes)
        if division is None:
            if reason not in ("province-level portal", "prefecture-level portal"):
                problems.append(f"{key}: {reason}")
            continue
        if key in KNOWN_BAD:
            problems.append(f"{key}: {KNOWN_BAD[key]}")
            continue
        host = host_of(url)
        if not host.endswith("gov.cn"):
            problems.append(f"{key}: homepage {url} is not a gov.cn host")
            continue
        if host in parent_hosts:
            problems.append(f"{key}: homepage {url} is a province or prefecture portal")
            continue
        resolved.append((key, url, division))

    host_counts = Counter(host_of(url) for _, url, _ in resolved)
    code_counts = Counter(d.code for _, _, d in resolved)
    platforms = read_platforms()
    rows = []
    for key, url, division in resolved:
        if host_counts[host_of(url)] > 1:
            problems.append(f"{key}: homepage host {host_of(url)} is shared with another county")
            continue
        if code_counts[division.code] > 1:
            problems.append(f"{key}: several portals claim code {division.code}")
            continue
        prefecture = codes.parent_prefecture(division)
        rows.append(
            {
                "id": division.code,
                "name": division.name,
                "region_code": division.code,
                "level": "county",
                "url": url,
                "province": codes.by_code[division.province_code].name,
                "city": prefecture.name if prefecture else "",
                "cms": platforms.get(host_of(url), ""),
            }
        )
    rows.sort(key=lambda row: row["region_code"])
    return rows, problems


def write_csv(rows: list[dict], out: Path) -> None:
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--codes", type=Path, required=True)
    parser.add_argument("--portals", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)

    codes = read_codes(args.codes)
    rows, problems = build(codes, read_portals(args.portals))
    write_csv(rows, args.out)
    county_codes = sum(len(v) for v in codes.counties_by_prefix.values())
    for problem in problems:
        print(f"left out: {problem}", file=sys.stderr)
    print(
        f"{len(rows)} portals written to {args.out}; {len(problems)} left out; "
        f"{county_codes} county-level codes in the code list",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The import graph the layout promises: each package imports only what its job allows.

parsers know nothing of Scrapy, SQLite or the archive; the crawler hands fetches to the
archive and never touches SQLite itself; the archive never imports the crawler; no package
of the product imports `cli` or `demo`, which sit above them all; and no module reaches
another of the project's packages through `importlib`, which would hide an edge.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT_PACKAGES = {"parsers", "archive", "crawler", "cli", "demo"}

FORBIDDEN: dict[str, set[str]] = {
    "parsers": {"scrapy", "twisted", "sqlite3", "sqlite_utils", "datasette", "archive",
                "crawler", "cli", "demo"},
    "archive": {"scrapy", "twisted", "crawler", "cli", "demo"},
    "crawler": {"sqlite3", "sqlite_utils", "datasette", "cli", "demo"},
    "demo": {"cli"},
}


def imported_roots(path: Path) -> set[str]:
    """Top-level names a module imports, wherever the import statement sits."""
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def dynamic_project_imports(path: Path) -> list[str]:
    """`importlib.import_module("archive...")`-style calls naming one of our packages."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", ""))
                in {"import_module", "__import__"} and node.args
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
                and node.args[0].value.split(".")[0] in PROJECT_PACKAGES):
            found.append(node.args[0].value)
    return found


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_nothing_its_job_forbids(package: str) -> None:
    offences = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & FORBIDDEN[package])
        for path in modules(package)
    }
    assert {path: names for path, names in offences.items() if names} == {}


@pytest.mark.parametrize("package", sorted(PROJECT_PACKAGES))
def test_no_hidden_imports_between_packages(package: str) -> None:
    hidden = {str(p.relative_to(ROOT)): dynamic_project_imports(p) for p in modules(package)}
    assert {path: names for path, names in hidden.items() if names} == {}


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    """The rule is not vacuous: a parser module importing sqlite3 is caught."""
    module = tmp_path / "leaky.py"
    module.write_text("def f():\n    import sqlite3\n    return sqlite3\n", encoding="utf-8")
    assert imported_roots(module) & FORBIDDEN["parsers"] == {"sqlite3"}

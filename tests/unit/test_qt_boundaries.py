"""The layer rules that import-linter cannot express: who may touch QtWidgets and Qt at all."""

from __future__ import annotations

import ast
from pathlib import Path

PANEL = Path(__file__).resolve().parents[2] / "panel"
FRONT_DOORS = {"app.py", "cli.py"}


def imported_modules(path: Path) -> set[str]:
    """Every module a Python file imports, anywhere in it."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_only_views_and_front_doors_import_qtwidgets() -> None:
    offenders = [
        str(path.relative_to(PANEL))
        for path in PANEL.rglob("*.py")
        if "views" not in path.relative_to(PANEL).parts
        and path.relative_to(PANEL).as_posix() not in FRONT_DOORS
        and any(name.startswith("PySide6.QtWidgets") for name in imported_modules(path))
    ]
    assert offenders == []

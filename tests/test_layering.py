"""Imports run one way (DESIGN.md section 4): rules and conversation stay pure, storage knows
nothing of Telegram. Checked on the source, so a stray import fails here, not in review."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "rules": {
        "bot",
        "conversation",
        "storage",
        "telegram",
        "sqlmodel",
        "sqlalchemy",
        "aiohttp",
        "asyncio",
    },
    "conversation": {"bot", "storage", "telegram", "sqlmodel", "sqlalchemy", "aiohttp", "asyncio"},
    "storage": {"bot", "conversation", "telegram"},
}


def imported_packages(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_run_one_way(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
    }
    assert {path: bad for path, bad in offenders.items() if bad} == {}

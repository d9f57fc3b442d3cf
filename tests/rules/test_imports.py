"""Inside rules, imports run one way: words and facts, then schema, engine, the proof and lookups,
and loading last. No module imports inside a function to get around a cycle."""

from __future__ import annotations

import ast
from pathlib import Path

RULES = Path(__file__).resolve().parents[2] / "rules"
# A module may import only modules of a lower layer; one not named here is at the bottom.
LAYERS = {
    "words": 0,
    "facts": 0,
    "schema": 1,
    "engine": 2,
    "graph": 2,
    "completeness": 3,
    "query": 3,
    "loading": 4,
}


def test_rules_modules_import_downwards_only() -> None:
    upward = []
    for path in RULES.glob("*.py"):
        if path.stem == "__init__":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("rules."):
                imported = (node.module or "").removeprefix("rules.")
                if LAYERS.get(imported, 0) >= LAYERS.get(path.stem, 0):
                    upward.append(f"{path.stem} imports {imported}")
    assert upward == []


def test_no_imports_inside_functions() -> None:
    nested = []
    for path in RULES.glob("*.py"):
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef) and any(
                isinstance(n, ast.Import | ast.ImportFrom) for n in ast.walk(function)
            ):
                nested.append(f"{path.name}: {function.name}")
    assert nested == []

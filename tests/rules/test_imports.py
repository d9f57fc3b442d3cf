"""Inside rules, imports run one way (an import-linter contract in pyproject.toml says which way);
no module imports inside a function to get around a cycle. The one import in a function is the
package's own `__getattr__`, which loads the schema parser when first asked for: for the time a
short command takes (rules/__init__.py), not for a cycle."""

from __future__ import annotations

import ast
from pathlib import Path

RULES = Path(__file__).resolve().parents[2] / "rules"


def test_no_imports_inside_functions() -> None:
    nested = []
    for path in RULES.glob("*.py"):
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef) and any(
                isinstance(n, ast.Import | ast.ImportFrom) for n in ast.walk(function)
            ):
                nested.append(f"{path.name}: {function.name}")
    assert nested == ["__init__.py: __getattr__"]

"""Imports run one way (docs/architecture.md, "The layers"): the contracts in pyproject.toml,
checked by import-linter here too, so a stray import fails the test suite and not only
`make lint`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_hold() -> None:
    linter = Path(sys.executable).with_name("lint-imports")
    checked = subprocess.run(
        [str(linter), "--no-logo", "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "0 broken" in checked.stdout

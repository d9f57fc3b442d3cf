"""The repository holds the project and only the project: no tracked file points at a path outside
it (a reader of a fresh clone has nothing else), and nothing large is tracked by accident."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
THIS_FILE = Path(__file__).resolve().relative_to(ROOT).as_posix()  # it names the paths it bans
OUTSIDE = ("../shared", "/work/", "DESIGN.md")
LARGEST = 1024 * 1024  # bytes


@pytest.fixture(scope="module")
def tracked() -> list[Path]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: nothing tracked to check")
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    # A file deleted in the work tree but not yet in the index is not the repository's any more.
    return [ROOT / name for name in listed.split("\0") if name and (ROOT / name).is_file()]


def test_no_tracked_file_points_outside_the_repository(tracked: list[Path]) -> None:
    found = [
        f"{path.relative_to(ROOT)}: {outside}"
        for path in tracked
        if path.relative_to(ROOT).as_posix() != THIS_FILE
        for outside in OUTSIDE
        if outside.encode() in path.read_bytes()
    ]
    assert found == [], "the docs are in docs/; point there"


def test_nothing_large_is_tracked(tracked: list[Path]) -> None:
    large = [
        f"{path.relative_to(ROOT)}: {path.stat().st_size:,} bytes"
        for path in tracked
        if path.stat().st_size > LARGEST
    ]
    assert large == [], "build artefacts and downloads stay out of git (.gitignore)"

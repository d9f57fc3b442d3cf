from __future__ import annotations

from pathlib import Path

import pytest

from rules import DEFAULT_SCHEMA_PATH, Schema, load_schema


@pytest.fixture(scope="session")
def schema() -> Schema:
    return load_schema()


@pytest.fixture
def default_yaml() -> str:
    return DEFAULT_SCHEMA_PATH.read_text(encoding="utf-8")


@pytest.fixture
def write_schema(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write schema text to a file in a temporary folder and return its path."""

    def write(text: str, name: str = "regio.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write

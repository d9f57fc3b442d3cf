"""A short command reads the schema the previous one parsed, and parses again whenever the file,
or regiebot's rules code, is not what the cache was made from."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.schema_cache import read_schema
from rules import DEFAULT_SCHEMA_PATH, SchemaError

PROJECT = Path(__file__).resolve().parents[2]
# A lookup in a fresh process, saying afterwards whether it imported the schema's parser.
LOOKUP = (
    "import sys; from bot.cli import main; main(['lookup', 'ots', '15', 'lvb']); "
    "print('parsed' if 'rules.loading' in sys.modules else 'cached')"
)


def lookup(cache: Path, rules: Path = DEFAULT_SCHEMA_PATH) -> list[str]:
    environment = {
        **os.environ,
        "XDG_CACHE_HOME": str(cache),
        "REGIEBOT_RULES": str(rules),
        "PYTHONPATH": str(PROJECT),
    }
    done = subprocess.run(
        [sys.executable, "-c", LOOKUP], env=environment, capture_output=True, text=True, check=True
    )
    return done.stdout.splitlines()


def test_the_second_lookup_reads_the_cache_and_answers_alike(tmp_path: Path) -> None:
    first, second = lookup(tmp_path), lookup(tmp_path)
    assert first[-1] == "parsed" and second[-1] == "cached"
    assert first[:-1] == second[:-1]
    assert first[0].startswith("Advies: casusregie bij William Schrikker Groep")
    assert oct((tmp_path / "regiebot").stat().st_mode & 0o777) == "0o700"


def test_a_changed_schema_is_parsed_again(tmp_path: Path, default_yaml: str) -> None:
    copy = tmp_path / "regio.yaml"
    copy.write_text(default_yaml, encoding="utf-8")
    assert lookup(tmp_path / "cache", copy)[-1] == "parsed"
    assert lookup(tmp_path / "cache", copy)[-1] == "cached"
    copy.write_text(default_yaml.replace("partij: gi-wsg\n", "partij: mee\n", 1), "utf-8")
    answer = lookup(tmp_path / "cache", copy)
    assert answer[-1] == "parsed" and answer[0].startswith("Advies: casusregie bij MEE")


def test_a_broken_or_unwritable_cache_only_means_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    text = DEFAULT_SCHEMA_PATH.read_text(encoding="utf-8")
    parsed = read_schema(DEFAULT_SCHEMA_PATH, text)
    (cached,) = (tmp_path / "regiebot").iterdir()
    cached.write_bytes(b"not a pickle")
    assert read_schema(DEFAULT_SCHEMA_PATH, text).rules == parsed.rules
    blocked = tmp_path / "a-file"  # the cache directory cannot be made below a file
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert read_schema(DEFAULT_SCHEMA_PATH, text).rules == parsed.rules


def test_an_invalid_schema_is_refused_every_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    for _ in range(2):
        with pytest.raises(SchemaError):
            read_schema(tmp_path / "kapot.yaml", "questions: []\n")
    assert not (tmp_path / "regiebot").exists()

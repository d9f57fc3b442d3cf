"""`regiebot export`: the figures on the server as CSV or JSON, without personal data; a bad
date or range is one line and exit status 2."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.cli import main
from storage import Database
from tests.bot.test_figures import FREE_TEXT, NAMES, TELEGRAM_IDS, known_casussen


@pytest.fixture
def configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A database file with the known casussen of test_figures, as REGIEBOT_DATABASE_URL."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'regio.db'}"
    monkeypatch.setenv("REGIEBOT_DATABASE_URL", url)

    async def fill() -> None:
        database = Database(url)
        await database.upgrade()
        await known_casussen(database)
        await database.dispose()

    asyncio.run(fill())
    return url


def test_export_prints_the_csv(configured: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--from", "2026-01-01", "--to", "2026-03-31"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("periode,2026-01-01,2026-03-31\n")
    assert "\n2026-03,1,1,1,3\n" in out and "\nalle,4,4.5,30.0\n" in out
    for secret in (*FREE_TEXT, *NAMES, *map(str, TELEGRAM_IDS)):
        assert secret not in out


def test_export_writes_json_to_a_file(
    configured: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "cijfers.json"
    argv = ["export", "--from", "2026-01-01", "--to", "2026-01-31", "--format", "json", "-o"]
    assert main([*argv, str(target)]) == 0
    assert capsys.readouterr().out == ""
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["aanmeldingen_per_maand"] == [
        {"maand": "2026-01", "reguliere_regie": 2, "screening": 0, "oov": 0, "totaal": 2}
    ]
    assert document["casussen_per_partij"] == [{"partij": "gi-wsg", "aantal": 2}]


@pytest.mark.parametrize(
    ("start", "end", "error"),
    [
        ("2026-13-01", "2026-12-31", "--from '2026-13-01' is not a date; expected YYYY-MM-DD.\n"),
        ("2026-01-01", "31-12-2026", "--to '31-12-2026' is not a date; expected YYYY-MM-DD.\n"),
        ("2026-02-01", "2026-01-01", "--from 2026-02-01 is after --to 2026-01-01.\n"),
    ],
)
def test_a_bad_date_or_range_is_one_line_and_exit_2(
    start: str, end: str, error: str, configured: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--from", start, "--to", end]) == 2
    assert capsys.readouterr().err == error

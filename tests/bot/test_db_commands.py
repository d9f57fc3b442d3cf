"""`regiebot db upgrade` and `regiebot db retention` against a SQLite file."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from storage import Casussen, Database

ADVICE = {
    "partij": "wijkteam",
    "partij_name": "Wijkteam",
    "rule": "vrijwillig",
    "outcome": "screening",
    "next_step": "Screening.",
}


def test_db_upgrade_then_retention(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'regio.db'}"
    monkeypatch.setenv("REGIEBOT_DATABASE_URL", url)
    monkeypatch.setenv("REGIEBOT_RETENTION_DAYS", "30")
    assert main(["db", "upgrade"]) == 0
    assert capsys.readouterr().out == f"Database {url} is up to date.\n"

    async def close_two_casussen() -> None:
        database = Database(url)
        async with database.transaction() as session:
            casussen = Casussen(session)
            for age, closed_days_ago in ((15, 60), (40, 10)):
                casus = await casussen.create(
                    answers={"kader": "vrijwillig", "leeftijd": age, "omschrijving": "x"},
                    advice=ADVICE,
                )
                await casussen.close(casus, now=datetime.now(UTC) - timedelta(days=closed_days_ago))
        await database.dispose()

    asyncio.run(close_two_casussen())
    assert main(["db", "retention"]) == 0
    assert capsys.readouterr().out == "Anonymised 1 casussen closed more than 30 days ago.\n"

    async def answers() -> list[dict[str, object]]:
        database = Database(url)
        async with database.transaction() as session:
            found = [
                await Casussen(session).by_reference(f"ZVH-{datetime.now(UTC).year}-000{n}")
                for n in (1, 2)
            ]
        await database.dispose()
        return [c.answers for c in found if c]

    assert asyncio.run(answers()) == [
        {"kader": "vrijwillig", "leeftijd": "minderjarig"},
        {"kader": "vrijwillig", "leeftijd": 40, "omschrijving": "x"},
    ]

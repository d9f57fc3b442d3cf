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
                    now=datetime.now(UTC),
                )
                await casussen.close(casus, now=datetime.now(UTC) - timedelta(days=closed_days_ago))
        await database.dispose()

    asyncio.run(close_two_casussen())
    assert main(["db", "retention"]) == 0
    year = datetime.now(UTC).year
    assert capsys.readouterr().out == (
        f"Anonymised 1 casussen closed more than 30 days ago:\n  ZVH-{year}-0001\n"
    )
    assert main(["db", "retention"]) == 0
    assert capsys.readouterr().out == "Anonymised 0 casussen closed more than 30 days ago.\n"

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


def test_retention_keeps_what_a_region_schema_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'regio.db'}"
    monkeypatch.setenv("REGIEBOT_DATABASE_URL", url)
    monkeypatch.setenv("REGIEBOT_RULES", str(Path(__file__).parents[1] / "rules" / "renamed.yaml"))
    monkeypatch.setenv("REGIEBOT_RETENTION_DAYS", "30")
    assert main(["db", "upgrade"]) == 0
    given = {"regime": "maatregel", "age_years": 40, "clientprofiel": ["lvb"], "toelichting": "x"}

    async def close_one_casus() -> str:
        database = Database(url)
        async with database.transaction() as session:
            casus = await Casussen(session).create(
                answers=given, advice=ADVICE, now=datetime.now(UTC)
            )
            await Casussen(session).close(casus, now=datetime.now(UTC) - timedelta(days=60))
        await database.dispose()
        return casus.reference

    async def answers(reference: str) -> dict[str, object] | None:
        database = Database(url)
        async with database.transaction() as session:
            casus = await Casussen(session).by_reference(reference)
        await database.dispose()
        return casus.answers if casus else None

    reference = asyncio.run(close_one_casus())
    capsys.readouterr()
    assert main(["db", "retention"]) == 0
    assert capsys.readouterr().out == (
        f"Anonymised 1 casussen closed more than 30 days ago:\n  {reference}\n"
    )
    assert asyncio.run(answers(reference)) == {"regime": "maatregel", "age_years": "volwassen"}

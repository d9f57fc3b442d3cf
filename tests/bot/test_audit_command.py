"""`regiebot audit REF`: a casus's history for an operator, from the audit log."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.cli import main
from bot.services.assignment import AssignmentService, Who
from bot.services.intake import IntakeService
from conversation.messages import Command, Pressed, Typed
from rules import load_schema
from rules.vocabulary import Role
from storage import Assignments, Database
from storage.models import Person
from tests.aanmeldingen import OTS_LVB
from tests.clock import TestClock
from tests.texts import reference_in


async def accepted_casus(url: str, clock: TestClock) -> str:
    """A casus reported by a melder and accepted by a regisseur of the GI; its reference."""
    database = Database(url)
    schema = load_schema()
    service = AssignmentService(database, schema, clock=clock)
    async with database.transaction() as session:
        ans = Person(telegram_id=11, display_name="Ans", role=Role.REGISSEUR, partij="gi-wsg")
        melder = Person(telegram_id=12, display_name="Mo", role=Role.MELDER, partij="politie")
        session.add_all([ans, melder])
        await session.flush()
    intake = IntakeService(database, schema, service, clock=clock)
    await intake.handle(12, Command("aanmelden"))
    for text in OTS_LVB:
        await intake.handle(12, Typed(text), melder_id=melder.id)
    turn = await intake.handle(12, Pressed("summary", "bevestig"), melder_id=melder.id)
    reference = reference_in(turn.replies[0].text)
    async with database.transaction() as session:
        [offer] = await Assignments(session).of_casus(1)
    assert ans.id is not None
    await service.press(Who(ans.id, Role.REGISSEUR, 11), "accept", str(offer.id))
    await database.dispose()
    return reference


def test_audit_prints_the_history_without_free_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'regio.db'}"
    monkeypatch.setenv("REGIEBOT_DATABASE_URL", url)
    assert main(["db", "upgrade"]) == 0
    reference = asyncio.run(accepted_casus(url, TestClock()))
    capsys.readouterr()
    assert main(["audit", reference.lower()]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        f"{reference}: opgepakt, advised gi-wsg (reguliere_regie), "
        "held by #1 Ans (regisseur gi-wsg)"
    )
    actions = [line.split()[3] for line in lines[1:]]
    assert actions == ["casus_aangemeld", "aangeboden", "geaccepteerd"]
    assert "#2 Mo (melder politie)" in lines[1] and "regiebot" in lines[2]
    assert "Zorgen om school" not in "\n".join(lines)


def test_audit_of_an_unknown_casus_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REGIEBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'r.db'}")
    assert main(["db", "upgrade"]) == 0
    capsys.readouterr()
    assert main(["audit", "ZVH-2026-9999"]) == 2
    assert capsys.readouterr().err == "No casus 'ZVH-2026-9999' in this database.\n"

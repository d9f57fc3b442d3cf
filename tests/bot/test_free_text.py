"""Free text goes to the dialogue the chat's state row names as waiting for it; the intake when
none is named. On SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.free_text import FreeTextService
from bot.services.intake import IntakeService
from bot.services.turn import Turn
from conversation.messages import Command, Reply, Typed
from rules import Schema
from storage import Database, Intake, IntakeStates
from tests.clock import START, TestClock

CHAT = 5151


class DeclineReason:
    """A stand-in for a regisseur's decline reason: records the text, then waits no more."""

    name = "afwijzing"

    def __init__(self) -> None:
        self.heard: list[str] = []

    async def step(
        self, session: AsyncSession, saved: Intake, event: Typed, melder_id: int | None
    ) -> Turn:
        self.heard.append(event.text)
        await IntakeStates(session).save(replace(saved, awaiting=None), now=START)
        return Turn((Reply("Dank u, de reden is bewaard."),))


async def test_text_goes_to_the_dialogue_that_waits_for_it(
    database: Database, schema: Schema, clock: TestClock
) -> None:
    intake = IntakeService(database, schema, clock=clock)
    decline = DeclineReason()
    free_text = FreeTextService(database, intake, [decline], clock=clock)
    await intake.handle(CHAT, Command("aanmelden"))
    turn = await free_text.typed(CHAT, "ja")
    assert turn.replies[-1].step == "omvang", "nothing named: the intake's answer"
    await free_text.typed(CHAT, "een persoon")

    async with database.transaction() as session:
        saved = await IntakeStates(session).lock(CHAT)
        assert saved is not None
        await IntakeStates(session).save(replace(saved, awaiting=DeclineReason.name), now=START)
    turn = await free_text.typed(CHAT, "Geen capaciteit deze maand")
    assert turn.replies[0].text == "Dank u, de reden is bewaard."
    assert decline.heard == ["Geen capaciteit deze maand"]

    turn = await free_text.typed(CHAT, "vrijwillig")
    assert turn.replies[-1].step == "leeftijd", "the intake again, where it was"
    async with database.transaction() as session:
        saved = await IntakeStates(session).lock(CHAT)
    assert saved is not None and saved.answers == {"criteria": "ja", "kader": "vrijwillig"}

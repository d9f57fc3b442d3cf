"""A Telegram update applied once: its id is saved with the step it caused, in the chat's state
row (the last REMEMBERED_UPDATES of them), and the same id again changes nothing. On SQLite and
PostgreSQL, through the services every channel uses."""

from __future__ import annotations

from bot.services.free_text import FreeTextService
from bot.services.intake import REMEMBERED_UPDATES, IntakeService
from conversation.intake_texts import RESUMED
from conversation.messages import Command
from rules import Schema
from storage import Database, IntakeStates
from tests.clock import TestClock

CHAT = 6161


async def test_a_redelivered_update_changes_nothing(
    database: Database, schema: Schema, clock: TestClock
) -> None:
    intake = IntakeService(database, schema, clock=clock)
    free_text = FreeTextService(database, intake, clock=clock)
    await intake.handle(CHAT, Command("aanmelden"), update_id=1)
    await free_text.typed(CHAT, "ja", update_id=2)
    await free_text.typed(CHAT, "een persoon", update_id=3)
    await free_text.typed(CHAT, "maatregel", update_id=4)
    again = await free_text.typed(CHAT, "maatregel", update_id=4)
    assert again.replies[0].text == RESUMED and again.replies[-1].step == "maatregel"
    again = await intake.handle(CHAT, Command("aanmelden"), update_id=1)
    assert again.replies[-1].step == "maatregel", "not restarted"
    async with database.transaction() as session:
        saved = await IntakeStates(session).lock(CHAT)
    assert saved is not None
    assert (saved.state, saved.answers) == ("maatregel", {"criteria": "ja", "kader": "maatregel"})
    assert saved.handled_updates == (1, 2, 3, 4)


async def test_a_chat_remembers_its_last_updates_only(
    database: Database, schema: Schema, clock: TestClock
) -> None:
    intake = IntakeService(database, schema, clock=clock)
    for update_id in range(1, REMEMBERED_UPDATES + 6):
        await intake.handle(CHAT, Command("stoppen"), update_id=update_id)
    async with database.transaction() as session:
        saved = await IntakeStates(session).lock(CHAT)
    assert saved is not None
    assert saved.handled_updates == tuple(range(6, REMEMBERED_UPDATES + 6))


async def test_an_update_after_its_intake_ended_gets_no_answer(
    database: Database, schema: Schema, clock: TestClock
) -> None:
    intake = IntakeService(database, schema, clock=clock)
    await intake.handle(CHAT, Command("aanmelden"), update_id=1)
    await intake.handle(CHAT, Command("stoppen"), update_id=2)
    assert (await intake.handle(CHAT, Command("stoppen"), update_id=2)).replies == ()


async def test_a_redelivery_during_the_name_check_shows_it_again(
    database: Database, schema: Schema, clock: TestClock
) -> None:
    intake = IntakeService(database, schema, clock=clock)
    free_text = FreeTextService(database, intake, clock=clock)
    await intake.handle(CHAT, Command("aanmelden"), update_id=1)
    for update_id, text in enumerate(
        ("ja", "een persoon", "vrijwillig", "30", "geen", "zorg", "geen"), 2
    ):
        await free_text.typed(CHAT, text, update_id=update_id)
    asked = await free_text.typed(CHAT, "Woont bij Pietje Puk", update_id=9)
    assert asked.replies[-1].step == "omschrijving-naam"
    again = await free_text.typed(CHAT, "Woont bij Pietje Puk", update_id=9)
    assert again.replies[-1].step == "omschrijving-naam", "the question again, not silence"

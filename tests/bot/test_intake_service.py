"""The intake through the service: every step committed, the casus stored with its advice in the
same transaction, and a new process resumes where the chat was."""

from __future__ import annotations

from bot.services.intake import IntakeService
from conversation import intake
from conversation.messages import Command, Pressed, Typed
from rules import Schema
from storage import AuditLog, Casussen, Database, IntakeStates
from tests.texts import reference_in

CHAT = 4242


async def test_whole_aanmelding_stores_the_casus(database: Database, schema: Schema) -> None:
    service = IntakeService(database, schema)
    await service.handle(CHAT, Command("aanmelden"))
    for text in (
        "ja",
        "een persoon",
        "maatregel",
        "ots",
        "15",
        "lvb",
        "jeugdbescherming",
        "geen",
        "overslaan",
    ):
        replies = (await service.handle(CHAT, Typed(text), melder_id=None)).replies
    assert replies[-1].step == "summary"
    replies = (await service.handle(CHAT, Pressed("summary", "bevestig"))).replies
    reference = reference_in(replies[0].text)
    assert reference.startswith("ZVH-") and reference.endswith("-0001")
    async with database.transaction() as session:
        casus = await Casussen(session).by_reference(reference)
        audit = await AuditLog(session).of_casus(reference)
        state = await IntakeStates(session).lock(CHAT)
    assert casus is not None
    assert (casus.partij, casus.rule, casus.outcome, casus.chat_id) == (
        "gi-wsg",
        "gi-lvb",
        "reguliere_regie",
        CHAT,
    )
    assert casus.answers["maatregel"] == "ots" and casus.answers["profiel"] == ["lvb"]
    assert casus.advice["partij_name"].startswith("William Schrikker Groep")
    assert [r["aspect"] for r in casus.advice["reasons"]] == [
        "regime",
        "leeftijd",
        "profiel",
        "interventie",
    ]
    assert [(a.action, a.details) for a in audit] == [
        ("casus_aangemeld", {"partij": "gi-wsg", "rule": "gi-lvb", "outcome": "reguliere_regie"}),
        # Nobody of the GI is registered (nor of OOV): the casus waits at OOV at once.
        ("naar_oov", {"holder_id": None}),
    ]
    assert state is not None and (state.state, state.answers) == ("done", {})


async def test_a_new_service_resumes_at_the_same_question(
    database: Database, schema: Schema
) -> None:
    first = IntakeService(database, schema)
    await first.handle(CHAT, Command("aanmelden"))
    await first.handle(CHAT, Typed("ja"))
    await first.handle(CHAT, Typed("een persoon"))
    await first.handle(CHAT, Typed("vrijwillig"))
    await first.handle(CHAT, Typed("30"))
    await first.handle(CHAT, Pressed("profiel", "lvb"))  # toggled, not yet confirmed
    restarted = IntakeService(database, schema)  # as after a restart of the process
    replies = (await restarted.handle(CHAT, Command("aanmelden"))).replies
    assert replies[0].text == intake.RESUMED
    assert replies[-1].step == "profiel"
    assert [b.id for b in replies[-1].options if b.selected] == ["lvb"]
    replies = (await restarted.handle(CHAT, Pressed("profiel", "verder"))).replies
    assert replies[-1].step == "interventie"


async def test_chats_do_not_see_each_other(database: Database, schema: Schema) -> None:
    service = IntakeService(database, schema)
    await service.handle(1, Command("aanmelden"))
    await service.handle(1, Typed("ja"))
    replies = (await service.handle(2, Command("aanmelden"))).replies
    assert replies[0].text == intake.WELCOME and replies[-1].step == "criteria"

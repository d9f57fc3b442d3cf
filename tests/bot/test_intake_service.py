"""The intake through the service: every step committed, the casus stored with its advice in the
same transaction, and a new process resumes where the chat was."""

from __future__ import annotations

from bot.services.intake import IntakeService
from conversation import intake_texts
from conversation.messages import Command, Pressed, Typed
from rules import Schema
from storage import AuditLog, Casussen, Database, Groups, IntakeStates
from tests.aanmeldingen import OTS_LVB
from tests.clock import TestClock
from tests.texts import reference_in


def reference_of_group(text: str) -> str:
    return text.split("groepsnummer ")[1].split(".")[0]


CHAT = 4242


async def test_whole_aanmelding_stores_the_casus(
    database: Database, schema: Schema, clock: TestClock
) -> None:
    service = IntakeService(database, schema, clock=clock)
    await service.handle(CHAT, Command("aanmelden"))
    for text in OTS_LVB:
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
    database: Database, schema: Schema, clock: TestClock
) -> None:
    first = IntakeService(database, schema, clock=clock)
    await first.handle(CHAT, Command("aanmelden"))
    await first.handle(CHAT, Typed("ja"))
    await first.handle(CHAT, Typed("een persoon"))
    await first.handle(CHAT, Typed("vrijwillig"))
    await first.handle(CHAT, Typed("30"))
    await first.handle(CHAT, Pressed("profiel", "lvb"))  # toggled, not yet confirmed
    restarted = IntakeService(database, schema, clock=clock)  # as after a restart of the process
    replies = (await restarted.handle(CHAT, Command("aanmelden"))).replies
    assert replies[0].text == intake_texts.RESUMED
    assert replies[-1].step == "profiel"
    assert [b.id for b in replies[-1].options if b.selected] == ["lvb"]
    replies = (await restarted.handle(CHAT, Pressed("profiel", "verder"))).replies
    assert replies[-1].step == "interventie"


async def test_chats_do_not_see_each_other(
    database: Database, schema: Schema, clock: TestClock
) -> None:
    service = IntakeService(database, schema, clock=clock)
    await service.handle(1, Command("aanmelden"))
    await service.handle(1, Typed("ja"))
    replies = (await service.handle(2, Command("aanmelden"))).replies
    assert replies[0].text == intake_texts.WELCOME and replies[-1].step == "criteria"


GROUP_OF_THREE = (
    "ja",
    "een groep",
    *("maatregel", "jeugdreclassering", "16", "lvb", "veiligheid", "politie", "overslaan"),
    *("toevoegen", "maatregel", "reclassering", "19", "geen"),
    *("toevoegen", "vrijwillig", "17", "geen"),
)


async def test_a_group_stores_one_casus_per_person_under_one_reference(
    database: Database, schema: Schema, clock: TestClock
) -> None:
    service = IntakeService(database, schema, clock=clock)
    await service.handle(CHAT, Command("aanmelden"))
    for text in GROUP_OF_THREE:
        await service.handle(CHAT, Typed(text))
    async with database.transaction() as session:
        state = await IntakeStates(session).lock(CHAT)
        assert await Casussen(session).by_reference("ZVH-2026-0001") is None  # nothing yet
    assert state is not None and state.group is not None and len(state.group["persons"]) == 3
    turn = await service.handle(CHAT, Typed("bevestig"))
    assert turn.replies[0].text.startswith("Uw groepsaanmelding is ontvangen: 3 personen")
    again = await service.handle(CHAT, Typed("bevestig"))  # after the advice: nothing more
    assert again.replies[-1].text == intake_texts.FINISHED_HINT
    async with database.transaction() as session:
        state = await IntakeStates(session).lock(CHAT)
        group = await Groups(session).by_reference(reference_of_group(turn.replies[0].text))
        assert group is not None
        members = await Groups(session).members(group.id or 0)
        audits = [await AuditLog(session).of_casus(m.reference) for m in members]
    assert [(m.partij, m.outcome, m.chat_id) for m in members] == [
        ("gi-wsg", "reguliere_regie", CHAT),
        ("rn", "reguliere_regie", CHAT),
        ("wijkteam", "screening", CHAT),
    ]
    assert [m.answers["leeftijd"] for m in members] == [16, 19, 17]
    assert all(m.answers["interventie"] == "veiligheid" for m in members)
    assert [
        [e.details.get("groep") for e in a if e.action == "casus_aangemeld"] for a in audits
    ] == [[group.reference]] * 3
    assert state is not None and state.group is None and state.answers == {}


async def test_stopping_a_group_keeps_nothing(
    database: Database, schema: Schema, clock: TestClock
) -> None:
    service = IntakeService(database, schema, clock=clock)
    await service.handle(CHAT, Command("aanmelden"))
    for text in GROUP_OF_THREE[:-2]:
        await service.handle(CHAT, Typed(text))
    await service.handle(CHAT, Command("stoppen"))
    async with database.transaction() as session:
        state = await IntakeStates(session).lock(CHAT)
        assert await Groups(session).by_reference("ZVH-2026-G001") is None
    assert state is not None and (state.state, state.answers, state.group) == (
        "cancelled",
        {},
        None,
    )

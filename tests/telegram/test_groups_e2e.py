"""Groups over the real PTB stack against the loopback fake Bot API: a group of five like the
source text's example (two under jeugdreclassering, one with LVB; one under
reclasseringstoezicht; two without maatregel). A ZVH regisseur opens /groep, sees all five with
advice, state and holder and which already have reguliere casusregie, records the signalerende
functie with a typed note, and the melder hears it once; the member's card shows it and leads
back to the group; a regisseur of another partij and a melder are refused; stale and forged
buttons change nothing; the melder's /status shows the group as a group."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import col, select
from telegram.ext import Application

from bot.telegram import texts
from bot.telegram.callbacks import GroupButton
from conversation import group_texts as say
from rules.vocabulary import GroupFinding, Role
from storage import Groups, People
from storage.models import OutboxMessage
from tests.groups import group_of
from tests.telegram.conftest import Running
from tests.telegram.fake_bot_api import FakeBotAPI
from tests.telegram.helpers import channel, wait_for_text

App = Application[Any, Any, Any, Any, Any, Any]
MELDER, ZITA, ANS, MO = 601, 602, 603, 604
NOTE = "Alle vijf wonen in of bezoeken dezelfde jeugdinstelling."


async def join(fake: FakeBotAPI, app: App, user: int, role: Role, partij: str | None) -> None:
    invitation = await channel(app).admission.invite(role=role, partij=partij)
    await fake.send_text(user, f"/start {invitation.code}")
    await wait_for_text(fake, user, "Welkom bij regiebot!")


def button(message: dict[str, Any], label: str) -> str:
    for row in message["reply_markup"]["inline_keyboard"]:
        for key in row:
            if key["text"] == label:
                return str(key["callback_data"])
    raise AssertionError(f"no button {label!r} in {message['text']!r}")


async def press(
    fake: FakeBotAPI, user: int, message: dict[str, Any], data: str, shows: str
) -> dict[str, Any]:
    """Presses a button (its callback data); the message turns into what the press answers."""
    key = (user, message["message_id"])
    await fake.press(user, message["message_id"], data)
    await fake.wait_for(lambda: fake.messages[key]["text"].startswith(shows))
    return fake.messages[key]


@pytest.fixture
async def app(fake: FakeBotAPI, running: Running) -> App:
    assert running.app is not None
    await join(fake, running.app, MELDER, Role.MELDER, "politie")
    await join(fake, running.app, ZITA, Role.REGISSEUR, "zvh")
    await join(fake, running.app, ANS, Role.REGISSEUR, "gi-wsg")
    await join(fake, running.app, MO, Role.MELDER, "wijkteam")
    return running.app


async def test_a_zvh_regisseur_sees_the_group_and_records_the_signalerende_functie(
    fake: FakeBotAPI, app: App
) -> None:
    bot = channel(app)
    async with bot.database.transaction() as session:
        melder = await People(session).by_telegram_id(MELDER)
    assert melder is not None
    group, members = await group_of(
        bot.database, bot.assignments, melder_id=melder.id, chat_id=MELDER
    )
    refs = [m.reference for m in members]
    # the LVB member is offered to Ans (William Schrikker Groep), who accepts
    offer = await wait_for_text(fake, ANS, f"Nieuwe casus voor u: {refs[0]}")
    await press(fake, ANS, offer, button(offer, "Accepteren"), f"U heeft casus {refs[0]}")
    await wait_for_text(fake, MELDER, f"Casus {refs[0]} is opgepakt door")

    await fake.send_text(ZITA, f"/groep {group.reference}")
    view = await wait_for_text(fake, ZITA, f"Groep {group.reference}: 5 personen")
    text = view["text"]
    assert "Aangemeld op" in text and "door Politie." in text
    assert f"Professional {MELDER}" not in text  # the melder's organisation, never their name
    for entry in (
        f"✔ {refs[0]}: Jeugdreclassering · 16 jaar · LVB\n   Advies William Schrikker Groep "
        f"(reguliere casusregie). Opgepakt, bij Professional {ANS}.",
        f"• {refs[1]}: Jeugdreclassering · 17 jaar\n   Advies Jeugdbescherming Regio Amsterdam "
        "(reguliere casusregie). Bij OOV.",
        f"• {refs[2]}: Reclasseringstoezicht · 19 jaar\n   Advies Reclassering Nederland "
        "(reguliere casusregie). Bij OOV.",
        f"• {refs[3]}: Vrijwillig kader · 15 jaar\n   Advies Wijkteam / Samen DOEN "
        "(screening ZVH). Aangeboden.",
        f"• {refs[4]}: Vrijwillig kader · Minderjarig · Psychische problematiek\n   Advies GGZ / "
        "GGD bemoeizorg (screening ZVH). Aangeboden.",
    ):
        assert entry in text
    assert "Nog geen groepsbevinding." in text

    chosen = await press(
        fake, ZITA, view, button(view, "Groepsbevinding vastleggen"), "Wat vonden de regisseurs"
    )
    signalerend = say.FINDING_LABEL[GroupFinding.SIGNALEREND]
    asked = await press(
        fake, ZITA, chosen, button(chosen, signalerend), f"Groepsbevinding voor {group.reference}"
    )
    await fake.send_text(ZITA, NOTE)
    done = await wait_for_text(fake, ZITA, "De groepsbevinding is vastgelegd bij alle 5 casussen")
    closed = fake.messages[(ZITA, asked["message_id"])]  # its Zonder toelichting is gone
    assert closed["text"] == f"✓ Uw antwoord: {NOTE}" and "reply_markup" not in closed
    assert f"Professional {ZITA}): {signalerend}." in done["text"]
    assert f"Toelichting: {NOTE}" in done["text"]

    told = await wait_for_text(fake, MELDER, f"Groepsbevinding voor groep {group.reference}")
    assert told["text"].endswith(f"Het gaat om uw casussen {', '.join(refs)}.")
    assert f"Toelichting: {NOTE}" in told["text"]
    async with bot.database.transaction() as session:
        rows = (
            await session.exec(
                select(OutboxMessage).where(col(OutboxMessage.casus_reference) == group.reference)
            )
        ).all()
    assert [row.chat_id for row in rows] == [MELDER]  # one message, to the melder's chat
    assert [m["text"] for m in fake.sent(MELDER)].count(told["text"]) == 1

    # the old note question's "Zonder toelichting" is stale now: the finding stays
    await press(fake, ZITA, asked, button(asked, "Zonder toelichting"), say.STALE)
    # a forged button for a group that does not exist
    await press(fake, ZITA, asked, GroupButton(say.VIEW, "99999").pack(), say.STALE)
    async with bot.database.transaction() as session:
        stored = await Groups(session).by_reference(group.reference)
    assert stored is not None and stored.finding_note == NOTE

    # a member's card shows the group's finding and leads back to the group
    card = await press(fake, ZITA, done, button(done, refs[3]), f"Casus {refs[3]}")
    assert f"Groep: {group.reference}\nGroepsbevinding: {signalerend}" in card["text"]
    again = await press(fake, ZITA, card, button(card, say.BUTTON), f"Groep {group.reference}")
    assert "Groepsbevinding wijzigen" in str(again["reply_markup"])

    # /status of the melder: the group as a group
    await fake.send_text(MELDER, "/status")
    listed = await wait_for_text(fake, MELDER, texts.YOUR_CASUSSEN)
    assert f"Groep {group.reference} (" in listed["text"]
    assert (
        f", 5 personen):\nGroepsbevinding: {signalerend}\n  • {refs[0]}: opgepakt"
        in (listed["text"])
    )
    await fake.send_text(MELDER, f"/status {group.reference}")
    one = await wait_for_text(fake, MELDER, f"Groep {group.reference} (")
    assert f"Toelichting: {NOTE}" in one["text"] and all(ref in one["text"] for ref in refs)


async def test_others_are_refused_and_forged_buttons_change_nothing(
    fake: FakeBotAPI, app: App
) -> None:
    bot = channel(app)
    async with bot.database.transaction() as session:
        melder = await People(session).by_telegram_id(MELDER)
    assert melder is not None
    group, _ = await group_of(bot.database, bot.assignments, melder_id=melder.id, chat_id=MELDER)
    # a regisseur of another partij: the service's refusal
    await fake.send_text(ANS, f"/groep {group.reference}")
    refused = await wait_for_text(fake, ANS, say.NOT_ALLOWED)
    await press(
        fake,
        ANS,
        refused,
        GroupButton(say.FIND + GroupFinding.GEEN_VERBAND, str(group.id)).pack(),
        say.NOT_ALLOWED,
    )
    # a melder: the gate's refusal, for the command and for a forged button
    await fake.send_text(MO, f"/groep {group.reference}")
    await wait_for_text(fake, MO, texts.NOT_FOR_YOUR_ROLE)
    mine = fake.last(MO)
    await fake.press(MO, mine["message_id"], GroupButton(say.CHOOSE, str(group.id)).pack())
    await fake.wait_for(
        lambda: any(
            c.method == "answerCallbackQuery" and c.params.get("text") == texts.NOT_FOR_YOUR_ROLE
            for c in fake.calls
        )
    )
    async with bot.database.transaction() as session:
        stored = await Groups(session).by_reference(group.reference)
    assert stored is not None and stored.finding is None
    assert not [m for m in fake.sent(MELDER) if m["text"].startswith("Groepsbevinding")]
    # /help names /groep to whom it is for
    for user, named in ((ZITA, True), (ANS, False), (MO, False)):
        await fake.send_text(user, "/help")
        shown = await wait_for_text(fake, user, "Wat u kunt doen:")
        assert ("/groep" in shown["text"]) is named

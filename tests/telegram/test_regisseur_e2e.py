"""The regisseur's half over the real PTB stack against the loopback fake Bot API, several chats
at once: an aanmelding reaches the matched regisseur through the outbox, who accepts, and the
melder is told; a decline with a reason goes to the next candidate; the reminder and the timeout
go on to the next one and at last to OOV; a partij without regisseurs; screening with each
outcome, including procesregie's offer; someone else's offer is refused; /mijn."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest
from telegram.ext import Application

from bot.services.assignment import AssignmentService
from rules.vocabulary import CasusStatus, Role
from storage import Casussen
from tests.aanmeldingen import OTS_LVB, VRIJWILLIG_LVB
from tests.clock import TestClock
from tests.telegram.conftest import Running
from tests.telegram.fake_bot_api import FakeBotAPI
from tests.telegram.helpers import channel, wait_for_text
from tests.texts import reference_in

App = Application[Any, Any, Any, Any, Any, Any]
MELDER, ANS, BAS, OLGA, ZITA, MEES, COBY = 501, 502, 503, 504, 505, 506, 507
WSG = "William Schrikker Groep (gecertificeerde instelling, beperking/LVB)"


@pytest.fixture
async def app(fake: FakeBotAPI, running: Running) -> App:
    """The running bot, with a melder of the politie admitted."""
    assert running.app is not None
    await join(fake, running.app, MELDER, Role.MELDER, "politie")
    return running.app


async def join(
    fake: FakeBotAPI,
    app: App,
    user: int,
    role: Role = Role.REGISSEUR,
    partij: str | None = None,
    expertise: Sequence[str] = (),
) -> None:
    invitation = await channel(app).admission.invite(role=role, partij=partij, expertise=expertise)
    await fake.send_text(user, f"/start {invitation.code}")
    await wait_for_text(fake, user, "Welkom bij regiebot!")


async def aanmelden(fake: FakeBotAPI, user: int, answers: Sequence[str]) -> str:
    """A whole aanmelding, typed; its reference."""
    for text in ("/aanmelden", *answers, "bevestig"):
        last = max((m["message_id"] for m in fake.sent(user)), default=0)
        await fake.send_text(user, text)
        await fake.wait_for_message(user, last)
    advice = await wait_for_text(fake, user, "Advies: casusregie bij")
    return reference_in(advice["text"])


async def offer_to(fake: FakeBotAPI, user: int, reference: str) -> dict[str, Any]:
    return await wait_for_text(fake, user, f"Nieuwe casus voor u: {reference}")


def button(message: dict[str, Any], label: str) -> str:
    for row in message["reply_markup"]["inline_keyboard"]:
        for key in row:
            if key["text"] == label:
                return str(key["callback_data"])
    raise AssertionError(f"no button {label!r} in {message['text']!r}")


async def press(
    fake: FakeBotAPI, user: int, message: dict[str, Any], label: str, shows: str
) -> dict[str, Any]:
    """Presses a button; the pressed message turns into what the press answers."""
    key = (user, message["message_id"])
    await fake.press(user, message["message_id"], button(message, label))
    await fake.wait_for(lambda: fake.messages[key]["text"].startswith(shows))
    return fake.messages[key]


async def status(app: App, reference: str) -> CasusStatus:
    async with channel(app).database.transaction() as session:
        casus = await Casussen(session).by_reference(reference)
    assert casus is not None
    return casus.status


def assignments(app: App) -> AssignmentService:
    return channel(app).assignments


async def test_an_aanmelding_reaches_the_regisseur_who_accepts_and_the_melder_hears(
    fake: FakeBotAPI, app: App
) -> None:
    await join(fake, app, ANS, partij="gi-wsg", expertise=["lvb"])
    await join(fake, app, BAS, partij="gi-wsg")
    reference = await aanmelden(fake, MELDER, OTS_LVB)
    offer = await offer_to(fake, ANS, reference)
    assert f"door {'Politie'}" in offer["text"] or "Aangemeld op" in offer["text"]
    assert "Advies: casusregie bij William Schrikker Groep" in offer["text"]
    assert [key["text"] for key in offer["reply_markup"]["inline_keyboard"][0]] == [
        "Accepteren",
        "Afwijzen",
    ]
    # Bas forges Ans's offer button on a message of his own: refused, nothing changes
    await fake.send_text(BAS, "/mijn")
    mine = await wait_for_text(fake, BAS, "U heeft nu geen open casussen")
    await fake.press(BAS, mine["message_id"], button(offer, "Accepteren"))
    key = (BAS, mine["message_id"])
    await fake.wait_for(lambda: fake.messages[key]["text"].startswith("Deze casus is niet aan u"))
    assert await status(app, reference) == CasusStatus.AANGEBODEN

    accepted = await press(
        fake, ANS, offer, "Accepteren", f"U heeft casus {reference} geaccepteerd"
    )
    assert "Sluiten" in str(accepted["reply_markup"])
    told = await wait_for_text(fake, MELDER, f"Casus {reference} is opgepakt door")
    assert told["text"] == f"Casus {reference} is opgepakt door Professional {ANS}, {WSG}."
    assert await status(app, reference) == CasusStatus.OPGEPAKT
    # a second press on the old offer changes nothing
    await fake.press(ANS, offer["message_id"], button(offer, "Accepteren"))
    await fake.wait_for(
        lambda: fake.messages[(ANS, offer["message_id"])]["text"].startswith(
            f"U heeft casus {reference} al geaccepteerd"
        )
    )
    await fake.send_text(MELDER, "/status")
    listed = await wait_for_text(fake, MELDER, "Uw aanmeldingen:")
    assert f"bij Professional {ANS}, {WSG} sinds" in listed["text"]


async def test_a_decline_with_reason_goes_to_the_next_and_at_last_to_oov(
    fake: FakeBotAPI, app: App
) -> None:
    await join(fake, app, ANS, partij="gi-wsg", expertise=["lvb"])
    await join(fake, app, BAS, partij="gi-wsg")
    await join(fake, app, OLGA, partij="oov")
    reference = await aanmelden(fake, MELDER, OTS_LVB)
    offer = await offer_to(fake, ANS, reference)
    asked = await press(fake, ANS, offer, "Afwijzen", f"Waarom wijst u casus {reference} af?")
    await press(
        fake, ANS, asked, "Geen ruimte in mijn caseload", f"U heeft casus {reference} afgewezen"
    )
    offer = await offer_to(fake, BAS, reference)
    await press(fake, BAS, offer, "Afwijzen", "Waarom wijst u")
    await fake.send_text(BAS, "Casus hoort in een andere regio")
    await wait_for_text(fake, BAS, f"U heeft casus {reference} afgewezen")
    held = await wait_for_text(fake, OLGA, f"Casus {reference} is bij u ondergebracht")
    assert "Advies: casusregie bij" in held["text"]
    told = await wait_for_text(fake, MELDER, f"Voor casus {reference} is nu geen geschikte")
    assert "afdeling Openbare Orde en Veiligheid" in told["text"]
    assert await status(app, reference) == CasusStatus.BIJ_OOV


async def test_reminder_then_timeout_to_the_next_then_oov_with_the_clock(
    fake: FakeBotAPI, app: App, clock: TestClock
) -> None:
    await join(fake, app, ANS, partij="gi-wsg", expertise=["lvb"])
    await join(fake, app, BAS, partij="gi-wsg")
    await join(fake, app, COBY, Role.COORDINATOR)
    reference = await aanmelden(fake, MELDER, OTS_LVB)
    await offer_to(fake, ANS, reference)
    start = clock()
    clock.now = start + timedelta(hours=12, minutes=1)
    await assignments(app).run_timers()
    await wait_for_text(fake, ANS, f"Herinnering: casus {reference} wacht nog op uw antwoord.")
    clock.now = start + timedelta(hours=24, minutes=1)
    await assignments(app).run_timers()
    await wait_for_text(fake, ANS, f"Casus {reference} is niet op tijd beantwoord")
    await offer_to(fake, BAS, reference)
    clock.now = start + timedelta(hours=50)
    await assignments(app).run_timers()
    # nobody left and nobody at OOV: the coördinator hears, the melder hears what OOV means
    await wait_for_text(fake, COBY, f"Casus {reference} heeft geen regisseur")
    await wait_for_text(fake, MELDER, f"Voor casus {reference} is nu geen geschikte")
    assert await status(app, reference) == CasusStatus.BIJ_OOV


async def test_the_last_offer_says_what_follows_and_its_expiry_that_oov_has_it(
    fake: FakeBotAPI, app: App, clock: TestClock
) -> None:
    await join(fake, app, ANS, partij="gi-wsg", expertise=["lvb"])
    await join(fake, app, BAS, partij="gi-wsg")
    await join(fake, app, OLGA, partij="oov")
    reference = await aanmelden(fake, MELDER, OTS_LVB)
    first = await offer_to(fake, ANS, reference)
    assert first["text"].endswith("daarna gaat de casus naar de volgende regisseur.")
    start = clock()
    clock.now = start + timedelta(hours=24, minutes=1)
    await assignments(app).run_timers()
    expired = await wait_for_text(fake, ANS, f"Casus {reference} is niet op tijd beantwoord")
    assert "aan een andere regisseur aangeboden" in expired["text"]
    last = await offer_to(fake, BAS, reference)
    assert "volgende regisseur" not in last["text"]
    assert last["text"].endswith(
        "Er is nu geen andere regisseur beschikbaar: zonder antwoord gaat de casus daarna naar "
        "de afdeling Openbare Orde en Veiligheid van de gemeente."
    )
    clock.now = start + timedelta(hours=50)
    await assignments(app).run_timers()
    told = await wait_for_text(fake, BAS, f"Casus {reference} is niet op tijd beantwoord")
    assert told["text"] == (
        f"Casus {reference} is niet op tijd beantwoord. Er was geen andere geschikte regisseur "
        "beschikbaar, dus de casus is naar de afdeling Openbare Orde en Veiligheid van de "
        "gemeente gegaan. U hoeft niets meer te doen."
    )
    await wait_for_text(fake, OLGA, f"Casus {reference} is bij u ondergebracht")
    assert await status(app, reference) == CasusStatus.BIJ_OOV


async def test_a_partij_without_regisseurs_and_oov_hands_over_when_one_comes(
    fake: FakeBotAPI, app: App
) -> None:
    await join(fake, app, OLGA, partij="oov")
    reference = await aanmelden(fake, MELDER, OTS_LVB)
    await wait_for_text(fake, OLGA, f"Casus {reference} is bij u ondergebracht")
    # the melder reads it with the advice, in the same message, not as a message of its own
    advice = await wait_for_text(fake, MELDER, "Advies: casusregie bij")
    assert f"Uw casusnummer: {reference}\n\nVoor casus {reference} is nu geen" in advice["text"]
    assert not [m for m in fake.sent(MELDER) if m["text"].startswith("Voor casus")]
    await join(fake, app, ANS, partij="gi-wsg")
    await assignments(app).run_timers()
    available = await wait_for_text(fake, OLGA, f"Voor casus {reference} is weer een geschikte")
    await press(fake, OLGA, available, "Overdragen", f"Casus {reference} is overgedragen")
    await offer_to(fake, ANS, reference)
    await wait_for_text(fake, MELDER, f"Casus {reference} is door de afdeling OOV overgedragen")


async def test_screening_with_each_outcome_and_procesregie_offers_a_casusregisseur(
    fake: FakeBotAPI, app: App
) -> None:
    await join(fake, app, ZITA, partij="zvh")
    await join(fake, app, MEES, partij="mee")
    for outcome, label in (
        ("geen_inzet", "Geen inzet"),
        ("signalerend", "Signalerend"),
        ("procesregie", "Procesregie"),
    ):
        reference = await aanmelden(fake, MELDER, VRIJWILLIG_LVB)
        offer = await offer_to(fake, ZITA, reference)
        card = await press(fake, ZITA, offer, "Accepteren", f"U heeft casus {reference}")
        await wait_for_text(fake, MELDER, f"Casus {reference} wordt gescreend door")
        if outcome == "signalerend":
            toggles = await press(fake, ZITA, card, "Betrokkenen aanvullen", "Welke organisaties")
            toggles = await press(fake, ZITA, toggles, "GGZ / GGD bemoeizorg", "Welke organisaties")
            card = await press(fake, ZITA, toggles, "Klaar", f"Casus {reference}")
            assert "Betrokken (aangevuld): GGZ / GGD bemoeizorg" in card["text"]
        asked = await press(fake, ZITA, card, label, "Uitkomst van de screening")
        if outcome == "geen_inzet":
            await press(fake, ZITA, asked, "Zonder toelichting", "De uitkomst van de screening")
        else:
            await fake.send_text(ZITA, "Besproken in het casusoverleg")
            await wait_for_text(fake, ZITA, f"De uitkomst van de screening van casus {reference}")
        told = await wait_for_text(fake, MELDER, f"De screening van casus {reference} is afgerond")
        assert await status(app, reference) == CasusStatus(outcome)
        if outcome == "signalerend":  # the melder sees the organisations found, too
            await fake.send_text(MELDER, f"/status {reference}")
            detail = await wait_for_text(fake, MELDER, f"Casus {reference}\nAangemeld")
            assert "Ook betrokken (uit de screening): GGZ / GGD bemoeizorg" in detail["text"]
    assert "Een casusregisseur van" in told["text"]
    offer = await offer_to(fake, MEES, reference)
    assert "procesregie gestart en vraagt u de casusregie te voeren" in offer["text"]
    await press(fake, MEES, offer, "Accepteren", f"U heeft casus {reference} geaccepteerd")
    await wait_for_text(fake, MELDER, f"Casus {reference} is opgepakt door Professional {MEES}")


async def test_a_zvh_regisseur_who_accepts_a_screening_reads_that_they_screen_it(
    fake: FakeBotAPI, app: App
) -> None:
    await join(fake, app, ZITA, partij="zvh")
    reference = await aanmelden(fake, MELDER, VRIJWILLIG_LVB)
    offer = await offer_to(fake, ZITA, reference)
    card = await press(fake, ZITA, offer, "Accepteren", f"U heeft casus {reference}")
    assert card["text"].startswith(
        f"U heeft casus {reference} geaccepteerd om te screenen. De melder hoort dat u de "
        "aanmelding screent.\n\n"
    )
    assert "opgepakt" not in card["text"]
    await wait_for_text(fake, MELDER, f"Casus {reference} wordt gescreend door")


def has_buttons(message: dict[str, Any]) -> bool:
    return bool(message.get("reply_markup", {}).get("inline_keyboard"))


async def test_a_typed_reason_closes_its_question_and_an_empty_one_is_asked_as_offered(
    fake: FakeBotAPI, app: App
) -> None:
    await join(fake, app, ANS, partij="gi-wsg", expertise=["lvb"])
    await join(fake, app, BAS, partij="gi-wsg")
    reference = await aanmelden(fake, MELDER, OTS_LVB)
    offer = await offer_to(fake, ANS, reference)
    asked = await press(fake, ANS, offer, "Afwijzen", f"Waarom wijst u casus {reference} af?")
    await fake.send_text(ANS, "   ")
    await wait_for_text(fake, ANS, "Typ een korte toelichting, of kies een van de redenen.")
    assert has_buttons(fake.messages[(ANS, asked["message_id"])]), "the question stands"
    await fake.send_text(ANS, "Ken het gezin privé")
    await wait_for_text(fake, ANS, f"U heeft casus {reference} afgewezen")
    closed = fake.messages[(ANS, asked["message_id"])]
    assert closed["text"] == "✓ Uw antwoord: Ken het gezin privé" and not has_buttons(closed)

    offer = await offer_to(fake, BAS, reference)
    card = await press(fake, BAS, offer, "Accepteren", f"U heeft casus {reference} geaccepteerd")
    asked = await press(fake, BAS, card, "Sluiten", f"Waarom sluit u casus {reference}?")
    assert [k["text"] for row in asked["reply_markup"]["inline_keyboard"] for k in row] == ["Terug"]
    await fake.send_text(BAS, " ")
    said = await wait_for_text(fake, BAS, "Typ een korte reden")
    assert said["text"] == "Typ een korte reden; zonder reden wordt de casus niet gesloten."
    await fake.send_text(BAS, "Hulp loopt via de GI")
    await wait_for_text(fake, BAS, f"Casus {reference} is gesloten. De melder is ingelicht.")
    assert not has_buttons(fake.messages[(BAS, asked["message_id"])])
    assert await status(app, reference) == CasusStatus.GESLOTEN


async def test_several_melders_at_once_and_mine_lists_them(fake: FakeBotAPI, app: App) -> None:
    melders = [MELDER + 100 + n for n in range(5)]
    for melder in melders:
        await join(fake, app, melder, Role.MELDER, "politie")
    await join(fake, app, ANS, partij="gi-wsg", expertise=["lvb"])
    await join(fake, app, BAS, partij="gi-wsg", expertise=["lvb"])
    references = await asyncio.gather(*(aanmelden(fake, m, OTS_LVB) for m in melders))
    assert len(set(references)) == 5
    for reference in references:
        await fake.wait_for(
            lambda r=reference: any(  # type: ignore[misc]
                m["text"].startswith(f"Nieuwe casus voor u: {r}")
                for user in (ANS, BAS)
                for m in fake.sent(user)
            )
        )
    offered = {
        user: [m for m in fake.sent(user) if m["text"].startswith("Nieuwe casus voor u")]
        for user in (ANS, BAS)
    }
    assert sorted(len(o) for o in offered.values()) == [2, 3]  # the lower caseload first
    await fake.send_text(ANS, "/mijn")
    mine = await wait_for_text(fake, ANS, "Uw open casussen")
    labels = [key["text"] for row in mine["reply_markup"]["inline_keyboard"] for key in row]
    assert len(labels) == len(offered[ANS])
    card = await press(fake, ANS, mine, labels[0], f"Casus {labels[0]}")
    assert "Status: aangeboden aan een regisseur" in card["text"]
    assert [k["text"] for k in card["reply_markup"]["inline_keyboard"][0]] == [
        "Accepteren",
        "Afwijzen",
    ]


async def test_a_command_ends_an_asked_reason_so_small_talk_never_closes_a_casus(
    fake: FakeBotAPI, app: App
) -> None:
    await join(fake, app, ANS, partij="gi-wsg")
    reference = await aanmelden(fake, MELDER, OTS_LVB)
    offer = await offer_to(fake, ANS, reference)
    card = await press(fake, ANS, offer, "Accepteren", f"U heeft casus {reference} geaccepteerd")
    await press(fake, ANS, card, "Sluiten", f"Waarom sluit u casus {reference}?")
    await fake.send_text(ANS, "/mijn")
    await wait_for_text(fake, ANS, "Uw open casussen")
    last = max(m["message_id"] for m in fake.sent(ANS))
    await fake.send_text(ANS, "dank je")
    await fake.wait_for_message(ANS, last)
    assert await status(app, reference) == CasusStatus.OPGEPAKT

"""The coördinator's /casussen and afwijken over the real PTB stack against the loopback fake Bot
API: a casus given to another partij's regisseur with a typed reason reaches them and the melder,
and the audit log keeps old advice, new choice and no reason; 300 casussen page correctly within
Telegram's limits; a melder and a regisseur asking for a casus not theirs are refused."""

from __future__ import annotations

from typing import Any

from bot.telegram import texts
from rules.vocabulary import Role
from storage import AuditLog, Casussen, People
from tests.telegram.fake_bot_api import FakeBotAPI
from tests.telegram.helpers import channel, wait_for_text
from tests.telegram.test_regisseur_e2e import (
    ANS,
    COBY,
    MELDER,
    OLGA,
    OTS_LVB,
    ZITA,
    App,
    aanmelden,
    app,  # noqa: F401  (the fixture)
    join,
    offer_to,
    press,
)

REASON = "Afgestemd met het wijkteam: zij kennen het gezin al"
WSG = "William Schrikker Groep (gecertificeerde instelling, beperking/LVB)"


def labels(message: dict[str, Any]) -> list[str]:
    return [key["text"] for row in message["reply_markup"]["inline_keyboard"] for key in row]


async def test_afwijken_reaches_the_new_holder_and_the_melder_and_is_audited(
    fake: FakeBotAPI,
    app: App,  # noqa: F811
) -> None:
    await join(fake, app, ANS, partij="gi-wsg", expertise=["lvb"])
    await join(fake, app, ZITA, partij="wijkteam")
    await join(fake, app, COBY, Role.COORDINATOR)
    reference = await aanmelden(fake, MELDER, OTS_LVB)
    await offer_to(fake, ANS, reference)
    await fake.send_text(COBY, "/casussen")
    listed = await wait_for_text(fake, COBY, "Casussen: 1-1 van 1")
    card = await press(fake, COBY, listed, reference, f"Casus {reference}")
    assert "Geschiedenis:" in card["text"] and "Afwijken" in labels(card)
    partijen = await press(fake, COBY, card, "Afwijken", "Aan welke partij")
    who = await press(fake, COBY, partijen, "Wijkteam / Samen DOEN", "Aan wie van Wijkteam")
    asked = await press(fake, COBY, who, f"Professional {ZITA}, Wijkteam / Samen DOEN", "Waarom")
    assert "verplicht" in asked["text"]
    await fake.send_text(COBY, REASON)
    await wait_for_text(fake, COBY, f"Casus {reference} is in overleg elders belegd")
    await offer_to(fake, ZITA, reference)
    told = await wait_for_text(fake, MELDER, f"Casus {reference} is in overleg door een")
    assert f"Reden: {REASON}" in told["text"]
    await wait_for_text(fake, ANS, f"Het aanbod van casus {reference} is ingetrokken")
    async with channel(app).database.transaction() as session:
        entries = await AuditLog(session).of_casus(reference)
    [afgeweken] = [e.details for e in entries if e.action == "afgeweken"]
    assert afgeweken["old_partij"] == "gi-wsg" and afgeweken["new_partij"] == "wijkteam"
    assert afgeweken["old_rule"] and afgeweken["new_regisseur_id"]
    assert afgeweken["reden"] == REASON  # the audit log keeps why the advice was not followed
    assert [e.action for e in entries if REASON in str(e.details)] == ["afgeweken"]
    assert "kaart_bekeken" in [e.action for e in entries]


async def test_after_afwijken_the_offer_and_the_status_say_who_chose_what_and_why(
    fake: FakeBotAPI,
    app: App,  # noqa: F811
) -> None:
    await join(fake, app, ANS, partij="gi-wsg", expertise=["lvb"])
    await join(fake, app, ZITA, partij="wijkteam")
    await join(fake, app, COBY, Role.COORDINATOR)
    reference = await aanmelden(fake, MELDER, OTS_LVB)
    await offer_to(fake, ANS, reference)
    card = await card_of(fake, COBY, reference)
    partijen = await press(fake, COBY, card, "Afwijken", "Aan welke partij")
    who = await press(fake, COBY, partijen, "Wijkteam / Samen DOEN", "Aan wie van Wijkteam")
    await press(fake, COBY, who, "Eerstvolgende beschikbare", "Waarom")
    await fake.send_text(COBY, REASON)
    offer = await offer_to(fake, ZITA, reference)
    chosen = (
        "In onderling overleg: een coördinator heeft de casusregie bij Wijkteam / Samen DOEN "
        "belegd, anders dan het advies."
    )
    assert (
        f"{chosen}\nReden van de coördinator: {REASON}\n\nOorspronkelijk advies: "
        in (offer["text"])
    )
    assert "\nAdvies: casusregie bij" not in offer["text"]

    await fake.send_text(MELDER, f"/status {reference}")
    detail = await wait_for_text(fake, MELDER, f"Casus {reference}\nAangemeld")
    assert detail["text"].endswith(
        f"Advies: casusregie bij {WSG}\n{chosen}\nReden van de coördinator: {REASON}\n"
        "Volgende stap: Een casusregisseur van Wijkteam / Samen DOEN is in onderling overleg "
        "gevraagd de casusregie te voeren. U hoort wie de casus oppakt."
    )
    await press(fake, ZITA, offer, "Accepteren", f"U heeft casus {reference} geaccepteerd")
    await fake.send_text(MELDER, "/status")
    listed = await wait_for_text(fake, MELDER, "Uw aanmeldingen:")
    assert f"; advies {WSG}; in onderling overleg bij Wijkteam / Samen DOEN" in listed["text"]
    last = fake.last(MELDER)["message_id"]
    await fake.send_text(MELDER, f"/status {reference}")
    detail = await wait_for_text(fake, MELDER, f"Casus {reference}\nAangemeld", after=last)
    assert detail["text"].endswith(
        "Volgende stap: Wijkteam / Samen DOEN voert in onderling overleg de casusregie."
    )


async def card_of(fake: FakeBotAPI, user: int, reference: str) -> dict[str, Any]:
    """The coördinator's card of a casus, opened from a fresh /casussen."""
    last = max((m["message_id"] for m in fake.sent(user)), default=0)
    await fake.send_text(user, "/casussen")
    listed = await wait_for_text(fake, user, "Casussen: ", after=last)
    return await press(fake, user, listed, reference, f"Casus {reference}")


async def test_a_coordinator_hands_over_from_oov_only_when_someone_can_take_it(
    fake: FakeBotAPI,
    app: App,  # noqa: F811
) -> None:
    await join(fake, app, OLGA, partij="oov")
    await join(fake, app, COBY, Role.COORDINATOR)
    reference = await aanmelden(fake, MELDER, OTS_LVB)  # nobody of the WSG: OOV holds it
    await wait_for_text(fake, OLGA, f"Casus {reference} is bij u ondergebracht")
    card = await card_of(fake, COBY, reference)
    assert "Status: bij de gemeente (afdeling OOV)" in card["text"]
    assert "Overdragen" not in labels(card), "nobody could take it"

    await join(fake, app, ANS, partij="gi-wsg", expertise=["lvb"])
    card = await card_of(fake, COBY, reference)
    assert "Overdragen" in labels(card)
    async with channel(app).database.transaction() as session:
        ans = await People(session).by_telegram_id(ANS)
    assert ans is not None and ans.id is not None
    await channel(app).profile.absent_for(ans.id, 7)  # meanwhile, the only one is away
    refused = await press(fake, COBY, card, "Overdragen", "Er is nu geen geschikte")
    assert refused["text"].startswith(
        "Er is nu geen geschikte casusregisseur van William Schrikker Groep (gecertificeerde "
        f"instelling, beperking/LVB) beschikbaar die casus {reference} kan krijgen; de casus "
        "blijft bij de gemeente (afdeling OOV)."
    )
    assert f"Casus {reference}\nStatus: bij de gemeente" in refused["text"], "and the card"
    assert "Overdragen" not in labels(refused)

    await channel(app).profile.present_again(ans.id)
    card = await card_of(fake, COBY, reference)
    await press(fake, COBY, card, "Overdragen", f"Casus {reference} is overgedragen")
    await offer_to(fake, ANS, reference)
    await wait_for_text(fake, MELDER, f"Casus {reference} is door de afdeling OOV overgedragen")


async def test_300_casussen_page_within_telegrams_limits(
    fake: FakeBotAPI,
    app: App,  # noqa: F811
) -> None:
    await join(fake, app, COBY, Role.COORDINATOR)
    advice = {"partij": "wijkteam", "rule": "r", "outcome": "reguliere_regie", "next_step": "-"}
    async with channel(app).database.transaction() as session:
        references = {
            (
                await Casussen(session).create(answers={}, advice=advice, now=channel(app).clock())
            ).reference
            for _ in range(300)
        }
    await fake.send_text(COBY, "/casussen")
    page = await wait_for_text(fake, COBY, "Casussen: 1-10 van 300")
    seen: list[str] = []
    for number in range(30):
        assert len(page["text"]) < 4096 and len(labels(page)) <= 100
        seen += [label for label in labels(page) if label in references]
        if number == 29:
            assert "Volgende »" not in labels(page)
            break
        first = 10 * (number + 1) + 1
        page = await press(fake, COBY, page, "Volgende »", f"Casussen: {first}-")
    assert len(seen) == len(set(seen)) == 300 and set(seen) == references


async def test_a_melder_and_a_regisseur_are_refused_a_casus_not_theirs(
    fake: FakeBotAPI,
    app: App,  # noqa: F811
) -> None:
    await join(fake, app, ANS, partij="gi-wsg", expertise=["lvb"])
    await join(fake, app, ZITA, partij="wijkteam")
    await join(fake, app, COBY, Role.COORDINATOR)
    other = 508
    await join(fake, app, other, Role.MELDER, "politie")
    reference = await aanmelden(fake, MELDER, OTS_LVB)
    await offer_to(fake, ANS, reference)
    await fake.send_text(other, f"/status {reference}")
    await wait_for_text(fake, other, texts.CASUS_NOT_FOUND)
    await fake.send_text(other, "/casussen")
    await wait_for_text(fake, other, texts.NOT_FOR_YOUR_ROLE)
    # Zita forges a card button for this casus on a message of her own
    await fake.send_text(ZITA, "/mijn")
    mine = await wait_for_text(fake, ZITA, "U heeft nu geen open casussen")
    async with channel(app).database.transaction() as session:
        casus = await Casussen(session).by_reference(reference)
    assert casus is not None
    card_data = f"a|card|{casus.id}"
    await fake.press(ZITA, mine["message_id"], card_data)
    key = (ZITA, mine["message_id"])
    await fake.wait_for(lambda: fake.messages[key]["text"].startswith("Deze casus is niet aan u"))
    await fake.send_text(ZITA, "/casussen")
    await wait_for_text(fake, ZITA, texts.NOT_FOR_YOUR_ROLE)

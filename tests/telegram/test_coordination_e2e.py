"""/uitnodigen and /mensen over the real PTB stack against the loopback fake Bot API: a coördinator
invites a regisseur with buttons and that person is admitted with the chosen partij and expertise;
deactivating a regisseur moves their open offer on and refuses their next command; a pending
invitation is revoked; melders and regisseurs are refused."""

from __future__ import annotations

import re
from typing import Any

from bot.telegram import texts
from rules.vocabulary import CasusStatus, Role
from storage import Casussen, People
from storage.models import Person
from tests.telegram.conftest import Running
from tests.telegram.fake_bot_api import FakeBotAPI
from tests.telegram.helpers import channel, wait_for_text
from tests.telegram.test_profile_e2e import press
from tests.telegram.test_regisseur_e2e import OTS_LVB, aanmelden, join, offer_to

COBY, NINA, MELDER, ANS, BAS, OLGA = 901, 902, 903, 904, 905, 906
LVB = "Licht verstandelijke beperking (LVB)"
WSG = "William Schrikker Groep (gecertificeerde instelling, beperking/LVB)"


async def command(fake: FakeBotAPI, user: int, text: str, shows: str) -> dict[str, Any]:
    last = max((m["message_id"] for m in fake.sent(user)), default=0)
    await fake.send_text(user, text)
    return await wait_for_text(fake, user, shows, after=last)


async def test_a_coordinator_invites_a_regisseur_who_is_admitted_as_chosen(
    fake: FakeBotAPI, running: Running
) -> None:
    assert running.app is not None
    app = running.app
    await join(fake, app, COBY, Role.COORDINATOR)
    asked = await command(fake, COBY, "/uitnodigen", "Wie nodigt u uit?")
    asked = await press(fake, COBY, asked, "Regisseur")
    assert asked["text"] == "Voor welke partij werkt de nieuwe regisseur?"
    asked = await press(fake, COBY, asked, WSG)
    assert asked["text"].startswith(f"Uitnodiging voor een regisseur van {WSG}.")
    asked = await press(fake, COBY, asked, f"▫️ {LVB}")
    asked = await press(fake, COBY, asked, "▫️ Wonen")
    asked = await press(fake, COBY, asked, "✅ Wonen")  # and off again
    asked = await press(fake, COBY, asked, "▫️ Jeugdbescherming")
    made = await press(fake, COBY, asked, "Maak uitnodiging")
    assert made["text"].startswith(
        f"Uitnodiging gemaakt voor een regisseur van {WSG}, expertise: {LVB}, Jeugdbescherming."
    )
    assert "reply_markup" not in made or not made["reply_markup"].get("inline_keyboard")
    found = re.search(r"https://t\.me/regiebot_test_bot\?start=(\S+)", made["text"])
    assert found is not None
    code = found.group(1)
    assert f"/start {code}" in made["text"]

    await fake.send_text(NINA, f"/start {code}")
    await wait_for_text(fake, NINA, "Welkom bij regiebot!")
    async with channel(app).database.transaction() as session:
        nina = await People(session).by_telegram_id(NINA)
    assert nina is not None
    assert (nina.role, nina.partij) == (Role.REGISSEUR, "gi-wsg")
    assert sorted(nina.expertise) == ["jeugdbescherming", "lvb"]
    await fake.send_text(COBY + 50, f"/start {code}")  # one-time
    await wait_for_text(fake, COBY + 50, "Deze uitnodiging is al gebruikt")


async def test_deactivating_a_regisseur_moves_their_offer_on_and_refuses_them(
    fake: FakeBotAPI, running: Running
) -> None:
    assert running.app is not None
    app = running.app
    await join(fake, app, COBY, Role.COORDINATOR)
    await join(fake, app, MELDER, Role.MELDER, "politie")
    await join(fake, app, ANS, Role.REGISSEUR, "gi-wsg", ["lvb", "jeugdbescherming"])
    await join(fake, app, BAS, Role.REGISSEUR, "gi-wsg")
    reference = await aanmelden(fake, MELDER, OTS_LVB)
    await offer_to(fake, ANS, reference)

    listed = await command(fake, COBY, "/mensen", "Mensen met toegang tot regiebot")
    assert f"Regisseurs – {WSG}" in listed["text"]
    assert f"• Professional {ANS}: 1 van 10 open" in listed["text"]
    card = await press(fake, COBY, listed, f"Professional {ANS}")
    assert card["text"].startswith(f"Professional {ANS}\nRol: regisseur\nPartij: {WSG}")
    card = await press(fake, COBY, card, "➖ Capaciteit 9")
    assert "Capaciteit: 9 casussen tegelijk" in card["text"]
    asking = await press(fake, COBY, card, "Deactiveren")
    assert asking["text"].startswith(f"Weet u zeker dat u Professional {ANS} wilt deactiveren?")
    done = await press(fake, COBY, asking, "Ja, deactiveren")
    assert done["text"] == (
        f"Professional {ANS} is gedeactiveerd en heeft geen toegang meer.\n\n"
        "Deze casussen zijn daardoor verder gegaan:\n"
        f"• {reference} (was aan Professional {ANS} aangeboden): nu aangeboden aan een "
        f"regisseur van {WSG}"
    )

    await offer_to(fake, BAS, reference)
    await command(fake, ANS, "/mijn", texts.REFUSED)
    listed = await press(fake, COBY, done, "Terug naar de lijst")
    assert f"Professional {ANS}" not in listed["text"]


async def deactivate(fake: FakeBotAPI, coordinator: int, user: int) -> dict[str, Any]:
    """The coördinator deactivates `user` through /mensen; what the message then says."""
    listed = await command(fake, coordinator, "/mensen", "Mensen met toegang tot regiebot")
    card = await press(fake, coordinator, listed, f"Professional {user}")
    asking = await press(fake, coordinator, card, "Deactiveren")
    return await press(fake, coordinator, asking, "Ja, deactiveren")


async def test_casussen_a_deactivated_regisseur_held_go_on_and_the_melder_hears(
    fake: FakeBotAPI, running: Running
) -> None:
    assert running.app is not None
    app = running.app
    await join(fake, app, COBY, Role.COORDINATOR)
    await join(fake, app, MELDER, Role.MELDER, "politie")
    await join(fake, app, ANS, Role.REGISSEUR, "gi-wsg", ["lvb", "jeugdbescherming"])
    await join(fake, app, BAS, Role.REGISSEUR, "gi-wsg")
    await join(fake, app, OLGA, Role.REGISSEUR, "oov")
    reference = await aanmelden(fake, MELDER, OTS_LVB)
    offer = await offer_to(fake, ANS, reference)
    await press(fake, ANS, offer, "Accepteren")
    await wait_for_text(fake, MELDER, f"Casus {reference} is opgepakt door Professional {ANS}")

    done = await deactivate(fake, COBY, ANS)
    assert done["text"].endswith(
        "Deze casussen zijn daardoor verder gegaan:\n"
        f"• {reference} (was in handen van Professional {ANS}): nu aangeboden aan een "
        f"regisseur van {WSG}"
    )
    offer = await offer_to(fake, BAS, reference)
    told = await wait_for_text(fake, MELDER, f"De regisseur die casus {reference} had")
    assert told["text"] == (
        f"De regisseur die casus {reference} had, werkt niet meer met regiebot. De casus is "
        f"opnieuw aangeboden aan een regisseur van {WSG}. U hoort wie hem oppakt."
    )
    await press(fake, BAS, offer, "Accepteren")
    await wait_for_text(fake, MELDER, f"Casus {reference} is opgepakt door Professional {BAS}")

    last = fake.last(MELDER)["message_id"]
    done = await deactivate(fake, COBY, BAS)  # nobody of the WSG is left: OOV holds it
    assert done["text"].endswith(
        f"• {reference} (was in handen van Professional {BAS}): nu bij de gemeente (afdeling OOV)"
    )
    await wait_for_text(fake, OLGA, f"Casus {reference} is bij u ondergebracht")
    told = await wait_for_text(fake, MELDER, f"De regisseur die casus {reference}", after=last)
    assert "geen andere geschikte regisseur" in told["text"]
    async with channel(app).database.transaction() as session:
        casus = await Casussen(session).by_reference(reference)
        olga = await People(session).by_telegram_id(OLGA)
    assert casus is not None and olga is not None
    assert (casus.status, casus.holder_id) == (CasusStatus.BIJ_OOV, olga.id)


async def test_a_pending_invitation_is_revoked(fake: FakeBotAPI, running: Running) -> None:
    assert running.app is not None
    app = running.app
    await join(fake, app, COBY, Role.COORDINATOR)
    asked = await command(fake, COBY, "/uitnodigen", "Wie nodigt u uit?")
    asked = await press(fake, COBY, asked, "Melder")
    asked = await press(fake, COBY, asked, "Politie")
    assert asked["text"].startswith("Uitnodiging voor een melder van Politie.")
    made = await press(fake, COBY, asked, "Maak uitnodiging")
    found = re.search(r"\?start=(\S+)", made["text"])
    assert found is not None
    listed = await command(fake, COBY, "/mensen", "Mensen met toegang")
    pending = await press(fake, COBY, listed, "Uitnodigingen")
    assert "1. Melder van Politie, geldig tot " in pending["text"]
    revoked = await press(fake, COBY, pending, "Intrekken 1")
    assert revoked["text"].startswith("De uitnodiging is ingetrokken")
    assert "Er staan geen uitnodigingen open." in revoked["text"]
    await fake.send_text(NINA, f"/start {found.group(1)}")
    await wait_for_text(fake, NINA, "Deze uitnodiging is verlopen")


async def test_melders_and_regisseurs_are_refused(fake: FakeBotAPI, running: Running) -> None:
    assert running.app is not None
    app = running.app
    await join(fake, app, MELDER, Role.MELDER, "politie")
    await join(fake, app, ANS, Role.REGISSEUR, "gi-wsg")
    for user, text in ((MELDER, "/uitnodigen"), (ANS, "/mensen")):
        await command(fake, user, text, texts.NOT_FOR_YOUR_ROLE)


async def test_mensen_pages_through_any_number_of_people(
    fake: FakeBotAPI, running: Running
) -> None:
    assert running.app is not None
    app = running.app
    await join(fake, app, COBY, Role.COORDINATOR)
    async with channel(app).database.transaction() as session:
        for n in range(60):
            await People(session).add(
                Person(
                    telegram_id=50_000 + n,
                    display_name=f"Regisseur {n:02d}",
                    role=Role.REGISSEUR,
                    partij="wijkteam",
                )
            )
    listed = await command(fake, COBY, "/mensen", "Mensen met toegang")
    seen: list[str] = []
    for page in (1, 2, 3):
        assert f"(blad {page} van 3)" in listed["text"]
        names = [
            key["text"]
            for row in listed["reply_markup"]["inline_keyboard"]
            for key in row
            if key["text"].startswith("Regisseur ")
        ]
        assert len(listed["text"]) < 4096 and len(names) <= 25
        seen += names
        if page < 3:
            listed = await press(fake, COBY, listed, "Volgende »")
    assert sorted(seen) == [f"Regisseur {n:02d}" for n in range(60)]

"""A group aanmelding by buttons over the real PTB stack against the loopback fake Bot API: the
politie aanmeldt five jongeren as the source text's example has it; each becomes a casus with its
own advice under one group reference, and each is offered, once, to a regisseur of its partij."""

from __future__ import annotations

from collections import Counter
from typing import Any

from telegram.ext import Application

from rules.vocabulary import Role
from storage import Casussen, Groups, People
from tests.telegram.conftest import Running
from tests.telegram.fake_bot_api import FakeBotAPI
from tests.telegram.helpers import asking, channel, data_of, wait_for_text, wait_until_asking

App = Application[Any, Any, Any, Any, Any, Any]
MELDER = 801
REGISSEURS = {"gi-wsg": 811, "gi-jbra": 812, "rn": 813, "zvh": 814}
OOV = 815
# Per person, the buttons: two under jeugdreclassering (one with LVB), one under
# reclasseringstoezicht, two without a maatregel.
FIVE = (
    ("maatregel", "jeugdreclassering", "jongvolwassen", "lvb", "verder"),
    ("maatregel", "jeugdreclassering", "jongvolwassen", "geen"),
    ("maatregel", "reclassering", "jongvolwassen", "geen"),
    ("vrijwillig", "minderjarig", "geen"),
    ("vrijwillig", "minderjarig", "psychisch", "verder"),
)
SHARED = ("veiligheid", "politie", "verder", "overslaan")  # interventie, betrokken, omschrijving
ADVISED = ["gi-wsg", "gi-jbra", "rn", "wijkteam", "ggz"]


async def join(fake: FakeBotAPI, app: App, user: int, role: Role, partij: str) -> None:
    invitation = await channel(app).admission.invite(role=role, partij=partij)
    await fake.send_text(user, f"/start {invitation.code}")
    await wait_for_text(fake, user, "Welkom bij regiebot!")


async def press_all(fake: FakeBotAPI, message: dict[str, Any], buttons: tuple[str, ...]) -> None:
    """Presses buttons one after the other on the message that asks; each press turns it into
    the next question (or, for a toggle, the same question ticked)."""
    key = (MELDER, message["message_id"])

    def shown() -> tuple[str, object]:
        return fake.messages[key]["text"], fake.messages[key].get("reply_markup")

    for button in buttons:
        before = shown()
        await fake.press(MELDER, message["message_id"], data_of(fake.messages[key], button))
        await fake.wait_for(lambda before=before: shown() != before)  # type: ignore[misc]


async def the_five_up_to_their_overview(fake: FakeBotAPI) -> dict[str, Any]:
    """The melder aanmeldt the five by buttons, up to the group's overview: the message that
    asked the first question, which has become the overview."""
    await fake.send_text(MELDER, "/aanmelden")
    question = await wait_until_asking(fake, MELDER, "criteria")
    key = (MELDER, question["message_id"])
    await press_all(fake, question, ("ja", "groep"))
    assert asking(fake.messages[key]) == "kader#1"
    assert fake.messages[key]["text"].startswith("✓ Omvang: een groep\n\nPersoon 1, vraag 3 van")
    await press_all(fake, question, FIVE[0] + SHARED)
    for number, person in enumerate(FIVE[1:], start=2):
        assert asking(fake.messages[key]) == f"groep#{number - 1}"
        await press_all(fake, question, ("toevoegen", *person))
    return question


async def test_a_group_of_five_by_buttons(fake: FakeBotAPI, running: Running) -> None:
    app = running.app
    assert app is not None
    await join(fake, app, MELDER, Role.MELDER, "politie")
    for partij, user in REGISSEURS.items():
        await join(fake, app, user, Role.REGISSEUR, partij)
    question = await the_five_up_to_their_overview(fake)
    key = (MELDER, question["message_id"])
    overview = fake.messages[key]
    assert asking(overview) == "groep#5"
    assert "Controleer uw groepsaanmelding (5 personen):" in overview["text"]
    assert "1. Jeugdreclassering · Jongvolwassen · LVB\n" in overview["text"]
    rows = [[b["text"] for b in row] for row in overview["reply_markup"]["inline_keyboard"]]
    assert rows[:3] == [
        ["Bevestigen", "Persoon toevoegen"],
        ["Wijzig persoon 1", "Verwijder persoon 1"],
        ["Wijzig persoon 2", "Verwijder persoon 2"],
    ]

    await press_all(fake, question, ("bevestig",))
    advice = await wait_for_text(fake, MELDER, "✓ Bevestigd: 5 personen")
    assert "reply_markup" not in advice
    async with channel(app).database.transaction() as session:
        groups = Groups(session)
        group = await groups.by_reference(advice["text"].split("groepsnummer ")[1].split(".")[0])
        assert group is not None and group.chat_id == MELDER
        members = await groups.members(group.id or 0)
        assert await Casussen(session).of_melder(members[0].melder_id or 0) == list(
            reversed(members)
        )
    assert [m.partij for m in members] == ADVISED
    assert [m.outcome for m in members] == ["reguliere_regie"] * 3 + ["screening"] * 2
    for number, member in enumerate(members, start=1):
        assert f"{number}. {member.reference} · " in advice["text"]

    # Each casus is offered once, naming its group: the three with reguliere regie to their
    # partij, the two for screening to the Zorg- en Veiligheidshuis.
    offered = {"gi-wsg": [0], "gi-jbra": [1], "rn": [2], "zvh": [3, 4]}
    for partij, indexes in offered.items():
        user = REGISSEURS[partij]
        for index in indexes:
            offer = await wait_for_text(
                fake, user, f"Nieuwe casus voor u: {members[index].reference}"
            )
            assert f"\n\nGroep: {group.reference}\n\n" in offer["text"]
    await fake.wait_for(lambda: len(fake.sent(REGISSEURS["zvh"])) >= 3)
    offers = Counter(
        m["text"].split("\n")[0]
        for user in REGISSEURS.values()
        for m in fake.sent(user)
        if m["text"].startswith("Nieuwe casus voor u")
    )
    assert sorted(offers.values()) == [1] * 5, offers


async def test_members_nobody_could_take_are_told_so_instead_of_the_advice_s_next_step(
    fake: FakeBotAPI, running: Running
) -> None:
    """Nobody of JBRA or RN is admitted: persons 2 and 3 go to OOV at once."""
    app = running.app
    assert app is not None
    await join(fake, app, MELDER, Role.MELDER, "politie")
    for partij in ("gi-wsg", "zvh"):
        await join(fake, app, REGISSEURS[partij], Role.REGISSEUR, partij)
    await join(fake, app, OOV, Role.REGISSEUR, "oov")
    question = await the_five_up_to_their_overview(fake)
    await press_all(fake, question, ("bevestig",))
    await wait_for_text(fake, MELDER, "✓ Bevestigd: 5 personen")
    told = "\n\n".join(m["text"] for m in fake.sent(MELDER) if "Wat er nu gebeurt:" in m["text"])
    steps = told.split("Wat er nu gebeurt:\n")[1].split("\n")
    references = [m.reference for m in await members_of(app)]
    assert steps[0].startswith("• Persoon 1: William Schrikker Groep")
    assert "voert de casusregie al" in steps[0]
    for number in (2, 3):
        assert steps[number - 1].startswith(
            f"• Persoon {number}: Voor casus {references[number - 1]} is nu geen geschikte "
            "casusregisseur van "
        )
    assert "Jeugdbescherming Regio Amsterdam voert de casusregie al" not in told
    assert "Reclassering Nederland voert de casusregie al" not in told

    await fake.send_text(REGISSEURS["zvh"], f"/groep {references[0]}")
    view = await wait_for_text(fake, REGISSEURS["zvh"], "Groep ")
    for reference in references[1:3]:
        assert f"\n• {reference}: " in view["text"], "not marked as under reguliere casusregie"
        assert f"\n✔ {reference}: " not in view["text"]
    assert f"\n✔ {references[0]}: " in view["text"], "offered to the WSG, as advised"


async def members_of(app: App) -> list[Any]:
    async with channel(app).database.transaction() as session:
        casussen = await Casussen(session).of_melder(
            (await People(session).by_telegram_id(MELDER)).id or 0  # type: ignore[union-attr]
        )
    return sorted(casussen, key=lambda casus: casus.number)

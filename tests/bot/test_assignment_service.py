"""The casus after its aanmelding, through the service on SQLite and PostgreSQL: who is offered
it, accepting and declining, reminders and time-outs with an injected clock, OOV, screening,
hand-over and closing; each with its outbox rows and audit entries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from bot.services.assignment import AssignmentService, Who
from bot.services.free_text import FreeTextService
from bot.services.intake import IntakeService
from conversation.casus_texts import Card
from conversation.messages import Command, Pressed, Typed
from rules import Schema
from rules.vocabulary import AssignmentStatus, CasusStatus, Role
from storage import Assignments, AuditLog, Casussen, Database
from storage.models import Casus, OutboxMessage, Person
from tests.aanmeldingen import OTS_LVB, VRIJWILLIG_LVB
from tests.clock import START, TestClock

HOURS = timedelta(hours=1)
MELDER_CHAT = 7000
WSG = "William Schrikker Groep (gecertificeerde instelling, beperking/LVB)"


@dataclass
class World:
    database: Database
    schema: Schema
    clock: TestClock = field(default_factory=TestClock)
    people: dict[str, Person] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.service = AssignmentService(
            self.database, self.schema, answer_within=24 * HOURS, clock=self.clock
        )
        self.intake = IntakeService(self.database, self.schema, self.service, clock=self.clock)
        self.free_text = FreeTextService(
            self.database, self.intake, (self.service,), clock=self.clock
        )

    async def person(
        self,
        name: str,
        role: Role = Role.REGISSEUR,
        partij: str | None = None,
        expertise: Sequence[str] = (),
        **fields: Any,
    ) -> Person:
        async with self.database.transaction() as session:
            person = Person(
                telegram_id=1000 + len(self.people),
                display_name=name,
                role=role,
                partij=partij,
                expertise=list(expertise),
                created_at=self.clock(),
                **fields,
            )
            session.add(person)
            await session.flush()
        self.people[name] = person
        return person

    def who(self, name: str) -> Who:
        person = self.people[name]
        assert person.id is not None and person.telegram_id is not None
        return Who(person.id, person.role, person.telegram_id)

    async def aanmelding(self, answers: Sequence[str], chat: int = MELDER_CHAT) -> Casus:
        melder = self.people.get("melder") or await self.person("melder", Role.MELDER, "politie")
        await self.intake.handle(chat, Command("aanmelden"))
        for text in answers:
            await self.intake.handle(chat, Typed(text), melder_id=melder.id)
        await self.intake.handle(chat, Pressed("summary", "bevestig"), melder_id=melder.id)
        async with self.database.transaction() as session:
            found = (await session.exec(select(Casus).order_by(col(Casus.id).desc()))).first()
        assert found is not None
        return found

    async def casus(self, reference: str) -> Casus:
        async with self.database.transaction() as session:
            casus = await Casussen(session).by_reference(reference)
        assert casus is not None
        return casus

    async def outbox(self) -> list[tuple[int, str, list[str]]]:
        """(chat, text, button actions) of every outbox row, oldest first."""
        async with self.database.transaction() as session:
            rows = (await session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))).all()
        return [
            (row.chat_id, row.payload["text"], [b["action"] for b in row.payload["buttons"]])
            for row in rows
        ]

    def chat(self, name: str) -> int:
        chat = self.people[name].telegram_id
        assert chat is not None
        return chat

    async def told(self, name: str) -> list[str]:
        chat = MELDER_CHAT if name == "melder" else self.chat(name)
        return [text for to, text, _ in await self.outbox() if to == chat]

    async def open_offer(self, casus: Casus) -> int:
        async with self.database.transaction() as session:
            assert casus.id is not None
            offer = await Assignments(session).open_offer(casus.id)
        assert offer is not None and offer.id is not None
        return offer.id

    async def offered_to(self, casus: Casus) -> str:
        async with self.database.transaction() as session:
            assert casus.id is not None
            offer = await Assignments(session).open_offer(casus.id)
        assert offer is not None
        return next(n for n, p in self.people.items() if p.id == offer.regisseur_id)

    async def press(self, name: str, action: str, subject: int | str) -> Card:
        return await self.service.press(self.who(name), action, str(subject))

    async def audit(self, casus: Casus) -> list[str]:
        async with self.database.transaction() as session:
            return [entry.action for entry in await AuditLog(session).of_casus(casus.reference)]


@pytest.fixture
def world(database: Database, schema: Schema) -> World:
    return World(database, schema)


async def test_the_matched_regisseur_is_offered_the_casus(world: World) -> None:
    await world.person("Bas", partij="gi-wsg")
    await world.person("Ans", partij="gi-wsg", expertise=["lvb", "jeugdbescherming"])
    await world.person("Cor", partij="3ro-rn", expertise=["lvb"])  # another partij
    casus = await world.aanmelding(OTS_LVB)
    assert casus.status == CasusStatus.AANGEBODEN
    assert await world.offered_to(casus) == "Ans"  # expertise covers lvb and jeugdbescherming
    [(chat, text, actions)] = await world.outbox()
    assert chat == world.chat("Ans") and actions == ["accept", "decline"]
    assert text.startswith(f"Nieuwe casus voor u: {casus.reference}\nAangemeld op 23-11-2026 door ")
    assert "• Cliëntprofiel: Licht verstandelijke beperking (LVB)" in text
    assert "Advies: casusregie bij William Schrikker Groep" in text
    assert "Graag uw antwoord vóór 24-11-2026 10:00" in text
    assert "melder" not in text  # the melder's partij, not their name
    assert await world.audit(casus) == ["casus_aangemeld", "aangeboden"]


async def test_accepting_tells_the_melder_and_a_second_press_changes_nothing(
    world: World,
) -> None:
    await world.person("Ans", partij="gi-wsg")
    await world.person("Bas", partij="gi-wsg")
    casus = await world.aanmelding(OTS_LVB)
    offer = await world.open_offer(casus)
    offered = await world.offered_to(casus)
    other = "Bas" if offered == "Ans" else "Ans"
    refused = await world.press(other, "accept", offer)
    assert refused.text.startswith("Deze casus is niet aan u aangeboden")
    card = await world.press(offered, "accept", offer)
    assert card.text.startswith(f"U heeft casus {casus.reference} geaccepteerd.")
    assert "Sluiten" in [a.label for a in card.actions]
    stored = await world.casus(casus.reference)
    assert stored.status == CasusStatus.OPGEPAKT and stored.holder_id == world.people[offered].id
    [to_melder] = await world.told("melder")
    assert to_melder == f"Casus {casus.reference} is opgepakt door {offered}, {WSG}."
    rows = len(await world.outbox())
    again = await world.press(offered, "accept", offer)
    assert again.text.startswith(f"U heeft casus {casus.reference} al geaccepteerd.")
    assert len(await world.outbox()) == rows
    assert (await world.audit(casus)).count("geaccepteerd") == 1


async def test_a_decline_keeps_its_reason_and_offers_the_next_candidate(world: World) -> None:
    await world.person("Ans", partij="gi-wsg", expertise=["lvb"])
    await world.person("Bas", partij="gi-wsg")
    casus = await world.aanmelding(OTS_LVB)
    first = await world.open_offer(casus)
    question = await world.press("Ans", "decline", first)
    assert question.text.startswith(f"Waarom wijst u casus {casus.reference} af?")
    assert [a.action for a in question.actions][:2] == ["why-capaciteit", "why-expertise"]
    done = await world.press("Ans", "why-capaciteit", first)
    assert done.text.startswith(f"U heeft casus {casus.reference} afgewezen")
    assert await world.offered_to(casus) == "Bas"
    assert any(t.startswith("Nieuwe casus voor u") for t in await world.told("Bas"))
    # Bas types his reason; then nobody is left, and no OOV regisseur: the coördinatoren hear
    await world.person("Coby", Role.COORDINATOR)
    second = await world.open_offer(casus)
    await world.press("Bas", "decline", second)
    turn = await world.free_text.typed(
        world.chat("Bas"), "Te zware casus voor mij nu", person_id=world.people["Bas"].id
    )
    assert turn.card is not None and "afgewezen" in turn.card.text
    async with world.database.transaction() as session:
        assert casus.id is not None
        offers = await Assignments(session).of_casus(casus.id)
    assert [(o.status, o.reason_code, o.reason) for o in offers] == [
        (AssignmentStatus.AFGEWEZEN, "capaciteit", None),
        (AssignmentStatus.AFGEWEZEN, "anders", "Te zware casus voor mij nu"),
    ]
    stored = await world.casus(casus.reference)
    assert stored.status == CasusStatus.BIJ_OOV and stored.holder_id is None
    [to_melder] = await world.told("melder")
    assert "afdeling Openbare Orde en Veiligheid" in to_melder
    [to_coordinator] = await world.told("Coby")
    assert to_coordinator.startswith(f"Casus {casus.reference} heeft geen regisseur")
    assert "Te zware" not in str(await world.audit(casus))  # free text stays out of the audit


async def test_a_typed_reason_with_a_phone_number_is_refused_and_asked_again(
    world: World,
) -> None:
    await world.person("Ans", partij="gi-wsg")
    casus = await world.aanmelding(OTS_LVB)
    await world.press("Ans", "decline", await world.open_offer(casus))
    turn = await world.free_text.typed(
        world.chat("Ans"), "Bel mij op 0612345678", person_id=world.people["Ans"].id
    )
    assert turn.replies[0].text == (
        "Uw tekst lijkt een telefoonnummer te bevatten. Laat namen, adressen, telefoonnummers "
        "en BSN weg, en typ de toelichting opnieuw."
    )
    assert (await world.casus(casus.reference)).status == CasusStatus.AANGEBODEN
    turn = await world.free_text.typed(
        world.chat("Ans"), "Buiten mijn regio", person_id=world.people["Ans"].id
    )
    assert turn.card is not None and "afgewezen" in turn.card.text


async def test_reminder_at_half_time_then_the_next_then_oov(world: World) -> None:
    await world.person("Ans", partij="gi-wsg", expertise=["lvb"])
    await world.person("Bas", partij="gi-wsg")
    await world.person("Olga", partij="oov")
    casus = await world.aanmelding(OTS_LVB)
    world.clock.now = START + 11 * HOURS
    assert await world.service.run_timers() == type(await world.service.run_timers())()
    world.clock.now = START + 12 * HOURS
    ran = await world.service.run_timers()
    assert (ran.reminded, ran.expired) == (1, 0)
    assert (await world.service.run_timers()).reminded == 0  # a timer fires once
    reminder = (await world.told("Ans"))[-1]
    assert reminder.startswith(f"Herinnering: casus {casus.reference} wacht nog op uw antwoord.")
    world.clock.now = START + 24 * HOURS
    assert (await world.service.run_timers()).expired == 1
    assert (await world.told("Ans"))[-1].startswith(f"Casus {casus.reference} is niet op tijd")
    assert await world.offered_to(casus) == "Bas"
    world.clock.now = START + 48 * HOURS
    assert (await world.service.run_timers()).expired == 1
    stored = await world.casus(casus.reference)
    assert stored.status == CasusStatus.BIJ_OOV and stored.holder_id == world.people["Olga"].id
    [to_olga] = await world.told("Olga")
    assert to_olga.startswith(f"Casus {casus.reference} is bij u ondergebracht (afdeling OOV)")
    assert await world.audit(casus) == [
        "casus_aangemeld",
        "aangeboden",
        "herinnerd",
        "verlopen",
        "aangeboden",
        "verlopen",
        "naar_oov",
    ]


async def test_a_partij_without_regisseurs_goes_to_oov_and_back_when_one_comes(
    world: World,
) -> None:
    await world.person("Olga", partij="oov")
    casus = await world.aanmelding(OTS_LVB)
    stored = await world.casus(casus.reference)
    assert stored.status == CasusStatus.BIJ_OOV and stored.holder_id == world.people["Olga"].id
    assert (await world.service.run_timers()).available == 0
    await world.person("Ans", partij="gi-wsg", absent_until=START + 48 * HOURS)
    assert (await world.service.run_timers()).available == 0  # absent: not available yet
    world.clock.now = START + 49 * HOURS
    assert (await world.service.run_timers()).available == 1
    assert (await world.service.run_timers()).available == 0  # told once
    [_, available] = await world.told("Olga")
    assert available.startswith(f"Voor casus {casus.reference} is weer een geschikte")
    assert casus.id is not None
    card = await world.press("Olga", "handover", casus.id)
    assert card.text.startswith(f"Casus {casus.reference} is overgedragen")
    assert await world.offered_to(casus) == "Ans"
    assert (await world.told("melder"))[-1].startswith(
        f"Casus {casus.reference} is door de afdeling OOV overgedragen"
    )


async def test_screening_with_each_outcome(world: World) -> None:
    await world.person("Zita", partij="zvh")
    await world.person("Mees", partij="mee")
    for outcome in ("geen_inzet", "signalerend", "procesregie"):
        casus = await world.aanmelding(VRIJWILLIG_LVB)
        assert casus.partij == "mee" and casus.outcome == "screening"
        assert await world.offered_to(casus) == "Zita"
        await world.press("Zita", "accept", await world.open_offer(casus))
        assert (await world.casus(casus.reference)).status == CasusStatus.IN_SCREENING
        assert (await world.told("melder"))[-1].startswith(
            f"Casus {casus.reference} wordt gescreend door Zita"
        )
        assert casus.id is not None
        asked = await world.press("Zita", f"screen-{outcome}", casus.id)
        assert "Typ een korte toelichting" in asked.text
        await world.free_text.typed(
            world.chat("Zita"), "Besproken met het wijkteam", person_id=world.people["Zita"].id
        )
        stored = await world.casus(casus.reference)
        assert stored.status == CasusStatus(outcome)
        assert stored.screening_note == "Besproken met het wijkteam"
        told = (await world.told("melder"))[-1]
        assert told.startswith(f"De screening van casus {casus.reference} is afgerond")
        assert "Toelichting: Besproken met het wijkteam" in told
    # procesregie offers the casus to a casusregisseur of the advised partij (MEE)
    assert await world.offered_to(casus) == "Mees"
    offer = (await world.told("Mees"))[-1]
    assert "procesregie gestart en vraagt u de casusregie te voeren" in offer
    await world.press("Mees", "accept", await world.open_offer(casus))
    stored = await world.casus(casus.reference)
    assert stored.status == CasusStatus.PROCESREGIE and stored.holder_id == world.people["Mees"].id


async def test_screening_adds_betrokken_and_the_card_shows_them(world: World) -> None:
    await world.person("Zita", partij="zvh")
    casus = await world.aanmelding(VRIJWILLIG_LVB)
    await world.press("Zita", "accept", await world.open_offer(casus))
    assert casus.id is not None
    toggles = await world.press("Zita", "betrokken", casus.id)
    assert "ggz" in [a.action.removeprefix("bet-") for a in toggles.actions]
    toggles = await world.press("Zita", "bet-ggz", casus.id)
    assert any(a.label.startswith("✓ ") and a.action == "bet-ggz" for a in toggles.actions)
    card = await world.press("Zita", "card", casus.id)
    assert "• Betrokken (aangevuld): GGZ" in card.text
    assert (await world.casus(casus.reference)).found_betrokken == ["ggz"]


async def test_closing_asks_a_reason_and_tells_the_melder(world: World) -> None:
    await world.person("Ans", partij="gi-wsg")
    casus = await world.aanmelding(OTS_LVB)
    await world.press("Ans", "accept", await world.open_offer(casus))
    assert casus.id is not None
    asked = await world.press("Ans", "close", casus.id)
    assert asked.text.startswith(f"Waarom sluit u casus {casus.reference}?")
    await world.free_text.typed(
        world.chat("Ans"), "Regie loopt via de GI", person_id=world.people["Ans"].id
    )
    stored = await world.casus(casus.reference)
    assert stored.status == CasusStatus.GESLOTEN and stored.close_reason == "Regie loopt via de GI"
    assert (await world.told("melder"))[-1] == (
        f"Casus {casus.reference} is gesloten.\nReden: Regie loopt via de GI"
    )
    again = await world.press("Ans", "close", casus.id)
    assert again.text.startswith("Dat kan nu niet meer")


async def test_mine_lists_open_casussen_newest_first(world: World) -> None:
    await world.person("Ans", partij="gi-wsg")
    first = await world.aanmelding(OTS_LVB)
    world.clock.now = START + 2 * 24 * HOURS
    second = await world.aanmelding(OTS_LVB)
    mine = await world.service.mine(world.who("Ans"))
    assert [a.label for a in mine.actions] == [second.reference, first.reference]
    assert mine.text.splitlines()[1].startswith(f"• {second.reference}: aangeboden")
    assert await world.service.mine(world.who("melder")) == Card(
        "U heeft nu geen open casussen of aanbiedingen."
    )


async def test_a_command_moves_on_from_an_asked_reason(world: World) -> None:
    await world.person("Ans", partij="gi-wsg")
    casus = await world.aanmelding(OTS_LVB)
    await world.press("Ans", "decline", await world.open_offer(casus))
    await world.intake.handle(world.chat("Ans"), Command("aanmelden"))
    turn = await world.free_text.typed(world.chat("Ans"), "ja", person_id=world.people["Ans"].id)
    assert turn.card is None and turn.replies[-1].step == "omvang"  # the intake's answer
    assert (await world.casus(casus.reference)).status == CasusStatus.AANGEBODEN


async def test_an_oov_regisseur_who_declines_is_told_when_oov_holds_it_after_all(
    world: World,
) -> None:
    olga = await world.person("Olga", partij="oov")
    async with world.database.transaction() as session:
        casus = await Casussen(session).create(
            answers={"kader": "vrijwillig"},
            advice={
                "partij": "oov",
                "partij_name": "Gemeente, afdeling OOV",
                "rule": "fallback",
                "outcome": "oov",
                "next_step": "OOV bewaakt het proces.",
            },
            chat_id=MELDER_CHAT,
            now=world.clock(),
        )
        await world.service.offer_new(session, casus)
    declined = await world.press("Olga", "why-capaciteit", await world.open_offer(casus))
    stored = await world.casus(casus.reference)
    assert stored.status == CasusStatus.BIJ_OOV and stored.holder_id == olga.id
    assert f"Casus {casus.reference} is bij u ondergebracht (afdeling OOV)" in declined.text
    [offered] = await world.told("Olga")  # the rest is in her reply, not a message of its own
    assert offered.startswith("Nieuwe casus voor u")
    # with a colleague at OOV who declined before her, the colleague holds what she declines
    await world.person("Otto", partij="oov")
    async with world.database.transaction() as session:
        again = await Casussen(session).create(
            answers={},
            advice=dict(casus.advice),
            chat_id=MELDER_CHAT,
            now=world.clock(),
        )
        await world.service.offer_new(session, again)
    first = await world.offered_to(again)
    await world.press(first, "why-capaciteit", await world.open_offer(again))
    last = await world.offered_to(again)
    await world.press(last, "why-capaciteit", await world.open_offer(again))
    assert {first, last} == {"Olga", "Otto"}
    assert (await world.casus(again.reference)).holder_id == world.people[first].id


async def test_a_coordinator_closes_an_offered_casus_and_the_offer_is_withdrawn(
    world: World,
) -> None:
    await world.person("Ans", partij="gi-wsg")
    await world.person("Coby", Role.COORDINATOR)
    casus = await world.aanmelding(OTS_LVB)
    offer = await world.open_offer(casus)
    assert casus.id is not None
    await world.press("Coby", "close", casus.id)
    await world.free_text.typed(
        world.chat("Coby"), "Dubbele aanmelding", person_id=world.people["Coby"].id
    )
    assert (await world.casus(casus.reference)).status == CasusStatus.GESLOTEN
    assert (await world.told("Ans"))[-1] == (
        f"Het aanbod van casus {casus.reference} is ingetrokken: de casus is gesloten. U hoeft "
        "niets meer te doen."
    )
    late = await world.press("Ans", "accept", offer)
    assert late.text.startswith("Dit aanbod is ingetrokken")


async def test_who_declined_no_longer_sees_the_casus(world: World) -> None:
    await world.person("Ans", partij="gi-wsg")
    await world.person("Bas", partij="gi-wsg")
    casus = await world.aanmelding(OTS_LVB)
    first = await world.offered_to(casus)
    await world.press(first, "why-capaciteit", await world.open_offer(casus))
    assert casus.id is not None
    card = await world.press(first, "card", casus.id)
    assert card.text.startswith("Deze casus is niet aan u aangeboden")


async def test_a_second_hand_over_press_says_it_is_done(world: World) -> None:
    await world.person("Olga", partij="oov")
    casus = await world.aanmelding(OTS_LVB)
    await world.person("Ans", partij="gi-wsg")
    assert casus.id is not None
    await world.press("Olga", "handover", casus.id)
    again = await world.press("Olga", "handover", casus.id)
    assert again.text == f"Casus {casus.reference} is al overgedragen; u hoeft niets meer te doen."

"""A regisseur's profile through its service: expertise from the schema's expertise questions,
capacity within bounds, absence to the end of a Dutch day, a typed day through the free text
dialogue, the open caseload; every change audited without free text. On SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlmodel import col, select

from bot.services.free_text import FreeTextService
from bot.services.intake import IntakeService
from bot.services.profile import CHANGED, MAX_CAPACITY, ProfileService
from conversation import absence
from conversation.dates import IN_THE_PAST
from rules import Schema
from rules.vocabulary import AssignmentStatus, CasusStatus, Role
from storage import Assignments, Casussen, Database, IntakeStates, People
from storage.models import AuditEntry, Person
from tests.clock import TestClock

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # Friday 20 November 2026, 10:00 in Amsterdam
CHAT = 6161
ADVICE = {"partij": "wijkteam", "rule": "r1", "outcome": "regulier", "next_step": "Bel."}


@pytest.fixture
def service(database: Database, schema: Schema) -> ProfileService:
    return ProfileService(database, schema, clock=TestClock(NOW))


async def regisseur(database: Database, **values: object) -> int:
    async with database.transaction() as session:
        person = await People(session).add(
            Person(telegram_id=CHAT, role=Role.REGISSEUR, partij="wijkteam", **values)
        )
    assert person.id is not None
    return person.id


async def person(database: Database, person_id: int) -> Person:
    async with database.transaction() as session:
        found = await People(session).lock(person_id)
    assert found is not None
    return found


async def changes(database: Database) -> list[tuple[str, int | None, dict[str, object]]]:
    async with database.transaction() as session:
        entries = (await session.exec(select(AuditEntry).order_by(col(AuditEntry.id)))).all()
    return [(e.action, e.actor_id, e.details) for e in entries]


async def test_a_profile_shows_the_partij_and_the_schemas_expertise(
    service: ProfileService, database: Database, schema: Schema
) -> None:
    me = await regisseur(database, expertise=["lvb", "wonen"], capacity=8)
    profile = await service.profile(me)
    assert (profile.partij, profile.partij_name) == ("wijkteam", "Wijkteam / Samen DOEN")
    assert [g.title for g in profile.expertise] == ["Cliëntprofiel", "Interventie"]
    codes = [o.code for g in profile.expertise for o in g.options]
    assert codes == [o.code for q in schema.expertise_questions for o in q.options]
    assert [o.label for o in profile.chosen] == ["Licht verstandelijke beperking (LVB)", "Wonen"]
    assert (profile.capacity, profile.open_casussen, profile.last_absent_day) == (8, 0, None)
    assert await changes(database) == [], "reading changes nothing"


async def test_an_expertise_chosen_and_unchosen_once_however_often_asked(
    service: ProfileService, database: Database
) -> None:
    me = await regisseur(database, expertise=["lvb"])
    for _ in range(2):
        profile = await service.set_expertise(me, "verslaving", chosen=True)
        assert [o.code for o in profile.chosen] == ["lvb", "verslaving"]
    for _ in range(2):
        profile = await service.set_expertise(me, "lvb", chosen=False)
        assert [o.code for o in profile.chosen] == ["verslaving"]
    assert (await person(database, me)).expertise == ["verslaving"]
    assert await changes(database) == [
        (CHANGED, me, {"field": "expertise", "code": "verslaving", "chosen": True}),
        (CHANGED, me, {"field": "expertise", "code": "lvb", "chosen": False}),
    ]


@pytest.mark.parametrize("code", ["ots", "wijkteam", "", "lvb|x"])
async def test_only_expertise_codes_can_be_chosen(
    service: ProfileService, database: Database, code: str
) -> None:
    me = await regisseur(database)
    with pytest.raises(ValueError, match="not an expertise code"):
        await service.set_expertise(me, code, chosen=True)
    assert (await person(database, me)).expertise == []


async def test_capacity_within_bounds_and_audited_only_when_it_changes(
    service: ProfileService, database: Database
) -> None:
    me = await regisseur(database, capacity=10)
    assert (await service.set_capacity(me, 11)).capacity == 11
    assert (await service.set_capacity(me, 11)).capacity == 11
    assert (await service.set_capacity(me, 0)).capacity == 0
    assert (await service.set_capacity(me, MAX_CAPACITY)).capacity == MAX_CAPACITY
    for wrong in (-1, MAX_CAPACITY + 1):
        with pytest.raises(ValueError, match="capacity"):
            await service.set_capacity(me, wrong)
    assert (await person(database, me)).capacity == MAX_CAPACITY
    assert [details for _, _, details in await changes(database)] == [
        {"field": "capacity", "from": 10, "to": 11},
        {"field": "capacity", "from": 11, "to": 0},
        {"field": "capacity", "from": 0, "to": MAX_CAPACITY},
    ]


async def test_absent_to_the_end_of_a_dutch_day_then_present_again(
    service: ProfileService, database: Database
) -> None:
    me = await regisseur(database)
    profile = await service.set_absence(me, date(2026, 12, 5))
    assert profile.last_absent_day == date(2026, 12, 5)
    # Midnight after 5 December in Amsterdam (UTC+1 in winter).
    assert (await person(database, me)).absent_until == datetime(2026, 12, 5, 23, 0, tzinfo=UTC)

    assert (await service.absent_for(me, 7)).last_absent_day == date(2026, 11, 27)
    summer = await service.set_absence(me, date(2027, 6, 30))
    assert summer.last_absent_day == date(2027, 6, 30)
    assert (await person(database, me)).absent_until == datetime(2027, 6, 30, 22, 0, tzinfo=UTC)

    assert (await service.present_again(me)).last_absent_day is None
    assert (await person(database, me)).absent_until is None
    await service.present_again(me)  # present already: nothing to record
    assert [details for _, _, details in await changes(database)] == [
        {"field": "absent_until", "to": "2026-12-05"},
        {"field": "absent_until", "to": "2026-11-27"},
        {"field": "absent_until", "to": "2027-06-30"},
        {"field": "absent_until", "to": None},
    ]


@pytest.mark.parametrize("day", [date(2026, 11, 19), date(2027, 11, 21)])
async def test_an_absence_from_today_up_to_a_year(
    service: ProfileService, database: Database, day: date
) -> None:
    me = await regisseur(database)
    with pytest.raises(ValueError, match="up to a year"):
        await service.set_absence(me, day)
    assert (await person(database, me)).absent_until is None


async def test_an_absence_that_has_ended_shows_as_present(
    service: ProfileService, database: Database
) -> None:
    me = await regisseur(database, absent_until=datetime(2026, 11, 19, 23, 0, tzinfo=UTC))
    assert (await service.profile(me)).last_absent_day is None


async def test_the_open_caseload_counts_held_unfinished_casussen_and_waiting_offers(
    service: ProfileService, database: Database
) -> None:
    me = await regisseur(database)
    async with database.transaction() as session:
        other = await People(session).add(Person(role=Role.REGISSEUR, partij="wijkteam"))
        casussen, offers = Casussen(session), Assignments(session)
        made = [await casussen.create(answers={}, advice=ADVICE, now=NOW) for _ in range(6)]
        held, closed, screened, offered, declined, others = made
        held.holder_id = closed.holder_id = screened.holder_id = me
        closed.status = CasusStatus.GESLOTEN
        screened.status = CasusStatus.GEEN_INZET
        others.holder_id = other.id
        for casus in made:
            session.add(casus)
        assert offered.id is not None and declined.id is not None
        await offers.offer(offered.id, me, now=NOW)
        no = await offers.offer(declined.id, me, now=NOW)
        no.status = AssignmentStatus.AFGEWEZEN
        session.add(no)
    assert (await service.profile(me)).open_casussen == 2


async def test_a_typed_day_through_the_free_text_dialogue(
    service: ProfileService, database: Database, schema: Schema
) -> None:
    me = await regisseur(database)
    intake = IntakeService(database, schema, clock=service.clock)
    free_text = FreeTextService(database, intake, [service], clock=service.clock)
    await service.ask_absence_day(CHAT, message_id=77)

    turn = await free_text.typed(CHAT, "1-1-2020", person_id=me)
    assert turn.replies[0].text == f"{IN_THE_PAST}\n\n{absence.QUESTION}"
    assert turn.answered is None, "still asking"
    turn = await free_text.typed(CHAT, "5 december", person_id=me)
    assert "afwezig tot en met zaterdag 5 december 2026" in turn.replies[0].text
    assert turn.answered == "Afwezig tot en met zaterdag 5 december 2026"
    assert turn.question_message_id == 77, "the message that asked, to close"
    assert (await service.profile(me)).last_absent_day == date(2026, 12, 5)

    turn = await free_text.typed(CHAT, "ja", person_id=me)
    assert "/aanmelden" in turn.replies[0].text, "answered: the chat's text is the intake's again"
    assert [details for _, _, details in await changes(database)] == [
        {"field": "absent_until", "to": "2026-12-05"}
    ]


async def test_stopping_the_question_or_opening_the_profile_ends_the_wait(
    service: ProfileService, database: Database, schema: Schema
) -> None:
    me = await regisseur(database)
    intake = IntakeService(database, schema, clock=service.clock)
    free_text = FreeTextService(database, intake, [service], clock=service.clock)
    await service.ask_absence_day(CHAT)
    turn = await free_text.typed(CHAT, "stoppen", person_id=me)
    assert turn.replies[0].text == absence.UNCHANGED

    await service.ask_absence_day(CHAT)
    await service.profile(me, chat_id=CHAT)
    async with database.transaction() as session:
        saved = await IntakeStates(session).lock(CHAT)
    assert saved is not None and (saved.awaiting, saved.awaiting_about) == (None, None)
    assert (await service.profile(me)).last_absent_day is None


async def test_a_waiting_intake_keeps_its_own_wait(
    service: ProfileService, database: Database
) -> None:
    """Ending the wait for a typed day leaves a chat waiting for another dialogue alone."""
    me = await regisseur(database)
    async with database.transaction() as session:
        saved = await IntakeStates(session).lock_or_create(CHAT, "start", now=NOW)
        await IntakeStates(session).save(
            replace(saved, awaiting="afwijzing", awaiting_about="7"), now=NOW
        )
    await service.present_again(me, chat_id=CHAT)
    async with database.transaction() as session:
        saved = await IntakeStates(session).lock(CHAT)
    assert saved is not None and (saved.awaiting, saved.awaiting_about) == ("afwijzing", "7")

"""A coördinator keeps the people through the service, on SQLite and PostgreSQL: the list by role
and partij, inviting, changing someone's partij, expertise, capacity and absence, deactivating
(whose open offer goes on at once), and revoking a pending invitation; every change audited with
the coördinator as the actor and no free text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from bot.services.admission import Admission, AdmissionService
from bot.services.people import DEACTIVATED, PARTIJ_CHANGED, REVOKED, PeopleService
from bot.services.profile import CHANGED, ProfileService
from rules import Schema
from rules.vocabulary import AssignmentStatus, CasusStatus, Role
from storage import Assignments, Database, People
from storage.models import AuditEntry, Person
from tests.bot.test_assignment_service import OTS_LVB, World

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 23 November 2026


@pytest.fixture
def world(database: Database, schema: Schema) -> World:
    return World(database, schema)


@pytest.fixture
def service(world: World) -> PeopleService:
    profiles = ProfileService(world.database, world.schema, clock=world.clock)
    return PeopleService(
        world.database,
        world.schema,
        AdmissionService(world.database, clock=world.clock),
        profiles,
        world.service,
        clock=world.clock,
        invitation_days=3,
    )


async def audit(database: Database) -> list[tuple[str, int | None, dict[str, object]]]:
    async with database.transaction() as session:
        entries = (await session.exec(select(AuditEntry).order_by(col(AuditEntry.id)))).all()
    return [(e.action, e.actor_id, e.details) for e in entries]


async def stored(database: Database, person_id: int | None) -> Person:
    assert person_id is not None
    async with database.transaction() as session:
        person = await People(session).get(person_id)
    assert person is not None
    return person


async def test_the_list_groups_people_by_role_and_partij(
    world: World, service: PeopleService
) -> None:
    await world.person("Mo", Role.MELDER, "politie")
    await world.person("Bas", partij="gi-wsg", capacity=3)
    await world.person("Ans", partij="gi-wsg", absent_until=NOW + timedelta(days=3))
    await world.person("Wim", partij="wijkteam")
    await world.person("Coby", Role.COORDINATOR)
    await world.person("Oud", partij="wijkteam", active=False)
    groups = await service.groups()
    assert [(g.role, g.partij_name, [p.name for p in g.people]) for g in groups] == [
        (Role.COORDINATOR, None, ["Coby"]),
        (Role.REGISSEUR, "Wijkteam / Samen DOEN", ["Wim"]),
        (
            Role.REGISSEUR,
            "William Schrikker Groep (gecertificeerde instelling, beperking/LVB)",
            ["Ans", "Bas"],
        ),
        (Role.MELDER, "Politie", ["Mo"]),
    ]
    ans, bas = groups[2].people
    assert (ans.absent, bas.absent, bas.capacity, bas.open_casussen) == (True, False, 3, 0)


async def test_an_invitation_admits_with_its_partij_and_expertise_and_can_be_revoked(
    world: World, service: PeopleService, database: Database
) -> None:
    coby = await world.person("Coby", Role.COORDINATOR)
    assert coby.id is not None
    with pytest.raises(ValueError):
        await service.invite(coby.id, Role.REGISSEUR, "nergens")
    with pytest.raises(ValueError):
        await service.invite(coby.id, Role.REGISSEUR, "wijkteam", ["vliegen"])
    kept = await service.invite(coby.id, Role.REGISSEUR, "wijkteam", ["lvb", "wonen"])
    revoked = await service.invite(coby.id, Role.MELDER, "politie")
    assert round((kept.expires_at - kept.created_at) / timedelta(days=1)) == 3
    pending = await service.pending()
    assert [(p.role, p.partij_name, p.expertise) for p in pending] == [
        (
            Role.REGISSEUR,
            "Wijkteam / Samen DOEN",
            ("Licht verstandelijke beperking (LVB)", "Wonen"),
        ),
        (Role.MELDER, "Politie", ()),
    ]
    assert revoked.id is not None
    assert await service.revoke(coby.id, revoked.id)
    assert not await service.revoke(coby.id, revoked.id), "once"
    assert [p.invitation_id for p in await service.pending()] == [kept.id]
    admission = AdmissionService(database, clock=world.clock)
    assert await admission.admit(revoked.code, 4242, "Mo") == Admission.EXPIRED_CODE
    assert await admission.admit(kept.code, 4343, "Nina") == Admission.ADMITTED
    assert await service.pending() == ()
    async with database.transaction() as session:
        nina = await People(session).by_telegram_id(4343)
    assert nina is not None and (nina.role, nina.partij) == (Role.REGISSEUR, "wijkteam")
    assert nina.expertise == ["lvb", "wonen"]
    entries = [(action, actor) for action, actor, _ in await audit(database)]
    assert entries.count(("uitnodiging_gemaakt", coby.id)) == 2
    assert entries.count((REVOKED, coby.id)) == 1


async def test_a_coordinator_changes_someones_profile_and_partij(
    world: World, service: PeopleService, database: Database
) -> None:
    coby = await world.person("Coby", Role.COORDINATOR)
    wim = await world.person("Wim", partij="wijkteam")
    assert coby.id is not None and wim.id is not None
    card = await service.set_expertise(coby.id, wim.id, "lvb", True)
    assert [o.code for o in card.profile.chosen] == ["lvb"] and card.name == "Wim"
    card = await service.set_capacity(coby.id, wim.id, 4)
    card = await service.absent_for(coby.id, wim.id, 7)
    assert (card.profile.capacity, str(card.profile.last_absent_day)) == (4, "2026-11-30")
    card = await service.present_again(coby.id, wim.id)
    assert card.profile.last_absent_day is None
    card = await service.set_partij(coby.id, wim.id, "ggz")
    assert card.profile.partij == "ggz"
    with pytest.raises(ValueError):
        await service.set_partij(coby.id, wim.id, "nergens")
    with pytest.raises(ValueError):
        await service.set_capacity(coby.id, wim.id, -1)
    entries = await audit(database)
    assert [(a, actor) for a, actor, _ in entries] == [(CHANGED, coby.id)] * 4 + [
        (PARTIJ_CHANGED, coby.id)
    ]
    assert all(details["person_id"] == wim.id for _, _, details in entries)


async def test_deactivating_moves_the_open_offer_on_and_takes_access(
    world: World, service: PeopleService, database: Database
) -> None:
    coby = await world.person("Coby", Role.COORDINATOR)
    await world.person("Ans", partij="gi-wsg", expertise=["lvb", "jeugdbescherming"])
    await world.person("Bas", partij="gi-wsg")
    casus = await world.aanmelding(OTS_LVB)
    assert await world.offered_to(casus) == "Ans"
    ans = world.people["Ans"]
    assert coby.id is not None and ans.id is not None
    with pytest.raises(ValueError):
        await service.deactivate(coby.id, coby.id)
    assert await service.deactivate(coby.id, ans.id)
    assert not await service.deactivate(coby.id, ans.id), "once"
    assert not (await stored(database, ans.id)).active
    assert await AdmissionService(database, clock=world.clock).member(world.chat("Ans")) is None
    assert await world.offered_to(casus) == "Bas"
    assert (await world.casus(casus.reference)).status == CasusStatus.AANGEBODEN
    async with database.transaction() as session:
        assert casus.id is not None
        offers = await Assignments(session).of_casus(casus.id)
    assert [o.status for o in offers] == [AssignmentStatus.VERLOPEN, AssignmentStatus.AANGEBODEN]
    told_ans = await world.told("Ans")
    assert len(told_ans) == 1, "the offer only: nothing after they left"
    assert any(t.startswith("Nieuwe casus voor u") for t in await world.told("Bas"))
    assert [a.name for g in await service.groups() for a in g.people if a.name == "Ans"] == []
    with pytest.raises(LookupError):
        await service.card(ans.id)
    entries = await audit(database)
    assert (DEACTIVATED, coby.id, {"person_id": ans.id, "role": "regisseur"}) in entries
    assert [a for a, _, _ in entries][-3:] == [DEACTIVATED, "verlopen", "aangeboden"]

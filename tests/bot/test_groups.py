"""Groups for the ZVH regisseurs, through the services on SQLite and PostgreSQL: the group view
with every member's advice, state and holder and who already has reguliere casusregie; who may
see it; the group finding kept on the group and every member's card, audited per member and told
once per melder chat; a later finding replacing it; /status with groups as groups; retention of
the finding's note."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlmodel import col, select

from bot.services.assignment import AssignmentService, Who
from bot.services.casussen import CasusService, CasusSummary, GroupSummary
from bot.services.free_text import FreeTextService
from bot.services.groups import GroupService, Viewer
from bot.services.intake import IntakeService
from conversation import group_texts as say
from conversation.casus_texts import MAX_MESSAGE
from rules import Schema
from rules.vocabulary import CasusStatus, GroupFinding, Role
from storage import Assignments, AuditLog, Casussen, Database, Groups, IntakeStates
from storage.models import Casus, CasusGroup, OutboxMessage, Person
from storage.retention import KeptAnswers, anonymise_closed
from tests.clock import TestClock
from tests.groups import FIVE, group_of, person

MELDER_CHAT = 7000
NOTE = "Alle vijf komen dagelijks in hetzelfde jongerencentrum."


@dataclass
class World:
    database: Database
    schema: Schema
    people: dict[str, Person] = field(default_factory=dict)
    clock: TestClock = field(default_factory=TestClock)

    def __post_init__(self) -> None:
        clock = self.clock
        self.assignments = AssignmentService(self.database, self.schema, clock=clock)
        self.groups = GroupService(self.database, self.schema, clock=clock)
        intake = IntakeService(self.database, self.schema, self.assignments, clock=clock)
        self.free_text = FreeTextService(
            self.database, intake, (self.assignments, self.groups), clock=clock
        )

    async def person(
        self, name: str, role: Role = Role.REGISSEUR, partij: str | None = None
    ) -> Person:
        async with self.database.transaction() as session:
            found = Person(
                telegram_id=1000 + len(self.people), display_name=name, role=role, partij=partij
            )
            session.add(found)
            await session.flush()
        self.people[name] = found
        return found

    def viewer(self, name: str) -> Viewer:
        found = self.people[name]
        assert found.id is not None and found.telegram_id is not None
        return Viewer(found.id, found.role, found.partij, found.telegram_id)

    def who(self, name: str) -> Who:
        found = self.people[name]
        assert found.id is not None and found.telegram_id is not None
        return Who(found.id, found.role, found.telegram_id)

    async def group(self, **options: object) -> tuple[CasusGroup, list[Casus]]:
        melder = self.people["melder"]
        return await group_of(
            self.database, self.assignments, melder_id=melder.id, chat_id=MELDER_CHAT, **options
        )  # type: ignore[arg-type]

    async def accept(self, name: str, casus: Casus) -> None:
        async with self.database.transaction() as session:
            assert casus.id is not None
            offer = await Assignments(session).open_offer(casus.id)
        assert offer is not None and offer.id is not None
        await self.assignments.press(self.who(name), "accept", str(offer.id))

    async def outbox(self, chat: int) -> list[str]:
        async with self.database.transaction() as session:
            rows = (
                await session.exec(
                    select(OutboxMessage)
                    .where(OutboxMessage.chat_id == chat)
                    .order_by(col(OutboxMessage.id))
                )
            ).all()
        return [row.payload["text"] for row in rows]

    async def stored(self, group: CasusGroup) -> CasusGroup:
        async with self.database.transaction() as session:
            assert group.id is not None
            found = await Groups(session).get(group.id)
        assert found is not None
        return found

    async def finding(
        self, name: str, group: CasusGroup, finding: GroupFinding, note: str | None
    ) -> str:
        """Records a finding as the buttons and a typed note do; the text it ends with."""
        viewer = self.viewer(name)
        subject = str(group.id)
        chosen = await self.groups.press(viewer, say.CHOOSE, subject)
        assert [a.action for a in chosen.actions][:-1] == [say.FIND + f for f in GroupFinding]
        asked = await self.groups.press(viewer, say.FIND + finding, subject)
        assert asked.text.startswith(f"Groepsbevinding voor {group.reference}")
        if note is None:
            without = next(a for a in asked.actions if a.action == say.WITHOUT_NOTE)
            return (await self.groups.press(viewer, without.action, without.subject)).text
        turn = await self.free_text.typed(viewer.chat_id, note, person_id=viewer.person_id)
        assert turn.card is not None
        return turn.card.text


@pytest.fixture
async def world(database: Database, schema: Schema) -> World:
    found = World(database, schema)
    await found.person("melder", Role.MELDER, "politie")
    await found.person("Zita", partij="zvh")
    await found.person("Ans", partij="gi-wsg")
    await found.person("Jan", partij="gi-jbra")
    await found.person("Coby", Role.COORDINATOR)
    return found


async def test_the_group_view_shows_every_member_with_advice_state_and_holder(
    world: World,
) -> None:
    group, members = await world.group()
    await world.accept("Ans", members[0])
    card = await world.groups.show(world.viewer("Zita"), group.reference.lower())
    refs = [m.reference for m in members]
    assert card.text.startswith(
        f"Groep {group.reference}: 5 personen\nAangemeld op {members[0].created_at:%d-%m-%Y} "
        "door Politie.\n✔ = heeft al reguliere casusregie.\n\n"
    )
    assert "melder" not in card.text  # the melder's organisation, never their name
    expected = [
        f"✔ {refs[0]}: Jeugdreclassering · 16 jaar · LVB\n"
        "   Advies William Schrikker Groep (reguliere casusregie). Opgepakt, bij Ans.",
        f"✔ {refs[1]}: Jeugdreclassering · 17 jaar\n"
        "   Advies Jeugdbescherming Regio Amsterdam (reguliere casusregie). Aangeboden.",
        f"• {refs[2]}: Reclasseringstoezicht · 19 jaar\n"  # at OOV: no reguliere regie runs
        "   Advies Reclassering Nederland (reguliere casusregie). Bij OOV.",
        f"• {refs[3]}: Vrijwillig kader · 15 jaar\n"
        "   Advies Wijkteam / Samen DOEN (screening ZVH). Aangeboden.",
        f"• {refs[4]}: Vrijwillig kader · Minderjarig · Psychische problematiek\n"
        "   Advies GGZ / GGD bemoeizorg (screening ZVH). Aangeboden.",
    ]
    for entry in expected:
        assert entry in card.text
    assert card.text.endswith(
        "Nog geen groepsbevinding.\nTik op een casusnummer voor de casus zelf."
    )
    assert [(a.label, a.action) for a in card.actions] == [
        *((ref, "card") for ref in refs),
        ("Groepsbevinding vastleggen", say.CHOOSE),
    ]
    # a member's casus reference shows its group; a coördinator sees it too
    assert (await world.groups.show(world.viewer("Coby"), refs[3])).text == card.text


async def test_a_screened_member_held_by_the_zvh_and_one_the_advised_partij_took_on(
    world: World,
) -> None:
    group, members = await world.group()
    screened = members[3]  # offered to Zita (ZVH) for screening
    await world.accept("Zita", screened)
    card = await world.groups.show(world.viewer("Zita"), group.reference)
    assert (
        f"• {screened.reference}: Vrijwillig kader · 15 jaar\n   Advies Wijkteam / Samen DOEN "
        "(screening ZVH). In screening, bij Zita." in card.text
    )


@pytest.mark.parametrize(
    ("name", "role", "partij", "sees"),
    [
        ("Zita", Role.REGISSEUR, "zvh", True),
        ("Coby", Role.COORDINATOR, None, True),
        ("Ans", Role.REGISSEUR, "gi-wsg", False),
        ("melder", Role.MELDER, "politie", False),
    ],
)
async def test_who_may_see_a_group(
    world: World, name: str, role: Role, partij: str | None, sees: bool
) -> None:
    group, _ = await world.group()
    viewer = world.viewer(name)
    shown = await world.groups.show(viewer, group.reference)
    pressed = await world.groups.press(viewer, say.CHOOSE, str(group.id))
    assert (shown.text == say.NOT_ALLOWED) is not sees
    assert (pressed.text == say.NOT_ALLOWED) is not sees


async def test_unknown_references_and_stale_buttons(world: World) -> None:
    group, members = await world.group(persons=FIVE[:2])
    zita = world.viewer("Zita")
    async with world.database.transaction() as session:
        alone = await Casussen(session).create(
            answers=person("vrijwillig", 30),
            advice=dict(members[0].advice),
            melder_id=None,
            now=world.clock(),
        )
    assert (await world.groups.show(zita, "ZVH-2026-G999")).text == say.NOT_FOUND
    assert (await world.groups.show(zita, alone.reference)).text == say.NOT_IN_GROUP.format(
        reference=alone.reference
    )
    assert (await world.groups.show(zita, "  ")).text == say.USAGE
    for action, subject in (
        (say.VIEW, "999"),
        (say.VIEW, "x"),
        (say.FIND + "onzin", str(group.id)),
        ("groep-iets", str(group.id)),
        (say.WITHOUT_NOTE, f"signalerend:{group.id}"),  # nothing awaits a note
    ):
        assert (await world.groups.press(zita, action, subject)).text == say.STALE
    assert (await world.stored(group)).finding is None


async def test_a_finding_is_kept_audited_per_member_and_told_once_per_melder_chat(
    world: World,
) -> None:
    group, members = await world.group()
    done = await world.finding("Zita", group, GroupFinding.SIGNALEREND, NOTE)
    assert done.startswith(
        f"De groepsbevinding is vastgelegd bij alle 5 casussen van groep {group.reference}. De "
        "melder is ingelicht.\n\nGroep "
    )
    assert (
        "Groepsbevinding (" in done
        and "Zita): Signalerende functie richting een instelling." in done
    )
    assert f"Toelichting: {NOTE}" in done
    stored = await world.stored(group)
    assert (stored.finding, stored.finding_note) == ("signalerend", NOTE)
    assert stored.finding_by == world.people["Zita"].id and stored.finding_at is not None
    async with world.database.transaction() as session:
        for casus in members:
            [entry] = [
                e
                for e in await AuditLog(session).of_casus(casus.reference)
                if e.action == "groepsbevinding"
            ]
            assert entry.actor_id == world.people["Zita"].id
            assert entry.details == {"groep": group.reference, "bevinding": "signalerend"}
    refs = ", ".join(m.reference for m in members)
    assert await world.outbox(MELDER_CHAT) == [
        f"Groepsbevinding voor groep {group.reference}: Signalerende functie richting een "
        f"instelling.\n{say.FINDING_MEANS[GroupFinding.SIGNALEREND]}\nToelichting: {NOTE}\n"
        f"Het gaat om uw casussen {refs}."
    ]
    # the typed text was for the note: the chat's state row waits for nothing any more
    async with world.database.transaction() as session:
        saved = await IntakeStates(session).lock(world.viewer("Zita").chat_id)
    assert saved is not None and saved.awaiting is None

    # a later finding, without a note, replaces it: audited and told again
    again = await world.finding("Coby", group, GroupFinding.GEEN_VERBAND, None)
    assert "Coby): Geen verband gevonden." in again and "Toelichting" not in again
    stored = await world.stored(group)
    assert (stored.finding, stored.finding_note) == ("geen_verband", None)
    async with world.database.transaction() as session:
        entries = await AuditLog(session).of_casus(members[2].reference)
    assert [e.details["bevinding"] for e in entries if e.action == "groepsbevinding"] == [
        "signalerend",
        "geen_verband",
    ]
    told = await world.outbox(MELDER_CHAT)
    assert len(told) == 2 and told[1].startswith(
        f"Groepsbevinding voor groep {group.reference}: Geen verband gevonden.\n"
    )


async def test_members_of_two_melder_chats_each_hear_once_of_their_own(world: World) -> None:
    other = 7001
    group, members = await world.group(chats=(MELDER_CHAT, other, MELDER_CHAT, other, other))
    await world.finding("Zita", group, GroupFinding.VERBANDEN, None)
    [first] = await world.outbox(MELDER_CHAT)
    [second] = await world.outbox(other)
    assert first.endswith(
        f"Het gaat om uw casussen {members[0].reference}, {members[2].reference}."
    )
    assert second.endswith(
        f"Het gaat om uw casussen {members[1].reference}, {members[3].reference}, "
        f"{members[4].reference}."
    )


async def test_a_note_with_a_phone_number_is_refused_and_the_question_stands(
    world: World,
) -> None:
    group, _ = await world.group(persons=FIVE[:1])
    zita = world.viewer("Zita")
    await world.groups.press(zita, say.FIND + GroupFinding.SIGNALEREND, str(group.id))
    turn = await world.free_text.typed(
        zita.chat_id, "Bel de instelling: 06-12345678", person_id=zita.person_id
    )
    assert turn.card is None and "telefoonnummer" in turn.replies[0].text
    assert (await world.stored(group)).finding is None
    assert await world.outbox(MELDER_CHAT) == []
    turn = await world.free_text.typed(zita.chat_id, NOTE, person_id=zita.person_id)
    assert turn.card is not None and (await world.stored(group)).finding_note == NOTE


async def test_a_member_card_shows_the_group_and_its_finding_and_the_button_where_allowed(
    world: World,
) -> None:
    group, members = await world.group()
    await world.accept("Ans", members[0])
    await world.accept("Zita", members[3])
    await world.finding("Zita", group, GroupFinding.SIGNALEREND, NOTE)
    lines = (
        f"Groep: {group.reference}\nGroepsbevinding: Signalerende functie richting een "
        f"instelling\nToelichting groepsbevinding: {NOTE}"
    )
    for name, casus, button in (
        ("Zita", members[3], True),
        ("Coby", members[0], True),
        ("Ans", members[0], False),
    ):
        card = await world.assignments.press(world.who(name), "card", str(casus.id))
        assert lines in card.text, name
        groep = [(a.action, a.subject) for a in card.actions if a.label == say.BUTTON]
        assert groep == ([(say.VIEW, str(group.id))] if button else []), name
    async with world.database.transaction() as session:
        coby = world.who("Coby")
        history = (await world.assignments.card(session, coby, members[0])).text
    assert ": groepsbevinding vastgelegd" in history


async def hold_all(world: World, members: list[Casus], name: str) -> None:
    """Every member taken on by a regisseur of its advised partij, each called `name`."""
    async with world.database.transaction() as session:
        holders: dict[str, Person] = {}
        for casus in members:
            if casus.partij not in holders:
                holders[casus.partij] = Person(
                    telegram_id=5000 + len(holders),
                    display_name=name,
                    role=Role.REGISSEUR,
                    partij=casus.partij,
                )
                session.add(holders[casus.partij])
                await session.flush()
            stored = await Casussen(session).lock(casus.id or 0)
            assert stored is not None
            stored.holder_id, stored.status = holders[casus.partij].id, CasusStatus.OPGEPAKT
            session.add(stored)


@pytest.mark.parametrize(
    ("holder", "whole"), [("Professional 123456", True), ("Wilhelmina " * 10, False)]
)
async def test_twenty_five_members_fit_one_message(world: World, holder: str, whole: bool) -> None:
    """With a long note and the line that it was recorded on top: the note is shortened first;
    only names far longer than usual shorten the members' entries."""
    group, members = await world.group(persons=[FIVE[i % 5] for i in range(25)])
    await hold_all(world, members, holder)
    done = await world.finding("Zita", group, GroupFinding.SIGNALEREND, "x" * 500)
    shown = (await world.groups.show(world.viewer("Zita"), group.reference)).text
    for text in (done, shown):
        assert len(text) <= MAX_MESSAGE
        assert all(m.reference in text for m in members)
        assert text.endswith("Tik op een casusnummer voor de casus zelf.")
        cut = [line for line in text.splitlines() if "…" in line]
        assert (all(line.startswith("Toelichting: x") for line in cut)) is whole


async def test_status_shows_a_group_as_a_group(world: World) -> None:
    melder = world.people["melder"]
    assert melder.id is not None
    group, members = await world.group(persons=FIVE[:3])
    async with world.database.transaction() as session:
        later = await Casussen(session).create(
            answers=FIVE[3],
            advice=dict(members[0].advice),
            melder_id=melder.id,
            now=world.clock() + timedelta(minutes=1),
        )
    await world.finding("Zita", group, GroupFinding.SIGNALEREND, NOTE)
    service = CasusService(world.database, world.schema)
    single, grouped = await service.of_melder(melder.id)
    assert isinstance(single, CasusSummary) and single.reference == later.reference
    assert isinstance(grouped, GroupSummary) and grouped.reference == group.reference
    assert [m.reference for m in grouped.members] == [m.reference for m in members]
    assert grouped.finding == GroupFinding.SIGNALEREND and grouped.finding_note == NOTE
    one = await service.one_of_melder(melder.id, group.reference.lower())
    assert isinstance(one, GroupSummary) and len(one.members) == 3
    member = await service.one_of_melder(melder.id, members[1].reference)
    assert isinstance(member, CasusSummary) and member.group_reference == group.reference
    assert await service.one_of_melder(melder.id + 100, group.reference) is None


async def test_retention_removes_the_note_once_every_member_is_anonymised(world: World) -> None:
    group, members = await world.group(persons=FIVE[:2])
    await world.finding("Zita", group, GroupFinding.SIGNALEREND, NOTE)
    kept = KeptAnswers(as_given=world.schema.kept_answers)
    now = world.clock()

    async def close(casus: Casus) -> None:
        async with world.database.transaction() as session:
            stored = await Casussen(session).lock(casus.id or 0)
            assert stored is not None
            await Casussen(session).close(stored, now=now - timedelta(days=400))

    async def anonymise() -> list[str]:
        async with world.database.transaction() as session:
            return await anonymise_closed(session, retention_days=365, kept=kept, now=now)

    await close(members[0])
    assert await anonymise() == [members[0].reference]
    assert (await world.stored(group)).finding_note == NOTE  # one member is still open
    await close(members[1])
    assert await anonymise() == [members[1].reference]
    stored = await world.stored(group)
    assert stored.finding_note is None and stored.finding == "signalerend"

"""Group aanmeldingen for the ZVH regisseurs and the coördinatoren: the group together (/groep,
or the Groep button on a member's card), and their finding about the group as a whole.

Recording a finding is one unit of work: the group row keeps the finding and its note, every
member casus gets an audit entry (the code, never the note), and every melder chat of the members
gets one outbox row. A later finding replaces the earlier one, told and audited again. The typed
note arrives through the chat's state row (`awaiting` = this service's `name`, `awaiting_about` =
"<finding>:<group id>", and the asking message as bot/services/turn.py keeps it), as a
`TextDialogue`."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.casussen import partij_name
from bot.services.clock import Clock
from bot.services.dates import shown_date
from bot.services.turn import Turn, asked, asking
from conversation import group_texts as say
from conversation.casus_texts import Card, reason_problem, typed_answer
from conversation.group import aangemelde_line, short_name
from conversation.messages import Reply, Typed
from rules import Schema
from rules.matching import REGULIERE_REGIE, SCREENING_PARTIJ, acting_partij
from rules.vocabulary import CasusStatus, GroupFinding, Role
from storage import AuditLog, Casussen, Database, Groups, Intake, IntakeStates, Outbox, People
from storage.models import Casus, CasusGroup

log = logging.getLogger(__name__)

MAX_NOTE = 500  # characters of a typed note
AUDITED = "groepsbevinding"  # the audit entry every member casus gets


@dataclass(frozen=True, slots=True)
class Viewer:
    """The person asking, as the channel's gate knows them."""

    person_id: int
    role: Role
    partij: str | None
    chat_id: int
    message_id: int | None = None  # the channel's message pressed on, where it has one


def may_see_groups(role: Role, partij: str | None) -> bool:
    """The ZVH regisseurs (who screen and take the signalerende functie) and the coördinatoren
    see groups together and record their findings; nobody else."""
    return role == Role.COORDINATOR or (role == Role.REGISSEUR and partij == SCREENING_PARTIJ)


def is_group_action(action: str) -> bool:
    """Whether a card's action is one of the group's own (a channel routes them here)."""
    return action == say.VIEW or action.startswith(f"{say.VIEW}-")


class GroupService:
    name = "groep"  # in a chat's state row, while a finding's note is awaited

    def __init__(self, database: Database, schema: Schema, *, clock: Clock) -> None:
        self.database = database
        self.schema = schema
        self.clock = clock

    async def show(self, viewer: Viewer, reference: str) -> Card:
        """/groep REF: the group of that reference, or of the casus with that reference."""
        if not may_see_groups(viewer.role, viewer.partij):
            return Card(say.NOT_ALLOWED)
        if not reference.strip():
            return Card(say.USAGE)
        async with self.database.transaction() as session:
            found = await self._find(session, reference.strip().upper())
            if isinstance(found, str):
                return Card(found)
            await self._await(session, viewer.chat_id, None)
            return say.view(await self._facts(session, found))

    async def press(self, viewer: Viewer, action: str, subject: str) -> Card:
        """A group button: the view, the finding's choices, a finding chosen, or going on
        without a note."""
        if not may_see_groups(viewer.role, viewer.partij):
            return Card(say.NOT_ALLOWED)
        async with self.database.transaction() as session:
            # The chat's state row before the group, as a typed note takes them.
            await IntakeStates(session).lock(viewer.chat_id)
            if action == say.WITHOUT_NOTE:
                return await self._without_note(session, viewer, subject)
            group = await Groups(session).get(int(subject)) if subject.isdigit() else None
            if group is None or group.id is None:
                return Card(say.STALE)
            if action == say.VIEW:
                await self._await(session, viewer.chat_id, None)
                return say.view(await self._facts(session, group))
            if action == say.CHOOSE:
                return say.choose(group.reference, group.id)
            code = action.removeprefix(say.FIND)
            if action.startswith(say.FIND) and code in set(GroupFinding):
                about = f"{code}:{group.id}"
                await self._await(session, viewer.chat_id, asking(about, viewer.message_id))
                return say.note_question(group.reference, GroupFinding(code), group.id, about)
            return Card(say.STALE)

    # --- the typed note (TextDialogue) ---------------------------------------------------------

    async def step(
        self, session: AsyncSession, saved: Intake, event: Typed, melder_id: int | None
    ) -> Turn:
        text = event.text.strip()
        problem = reason_problem(text, MAX_NOTE)
        if problem is not None:  # the same question stands
            await IntakeStates(session).save(saved, now=self.clock())
            return Turn((Reply(problem),))
        await IntakeStates(session).save(
            replace(saved, awaiting=None, awaiting_about=None), now=self.clock()
        )
        person = await People(session).get(melder_id) if melder_id is not None else None
        if person is None or person.id is None or not person.active:
            return Turn((), card=Card(say.STALE))
        viewer = Viewer(person.id, person.role, person.partij, saved.chat_id)
        about, asked_in = asked(saved.awaiting_about)
        card = await self._record(session, viewer, about, text)
        return Turn((), typed_answer(text), asked_in, card)

    async def _without_note(self, session: AsyncSession, viewer: Viewer, about: str) -> Card:
        saved = await IntakeStates(session).lock(viewer.chat_id)
        if saved is None or saved.awaiting != self.name or asked(saved.awaiting_about)[0] != about:
            return Card(say.STALE)
        await IntakeStates(session).save(
            replace(saved, awaiting=None, awaiting_about=None), now=self.clock()
        )
        return await self._record(session, viewer, about, None)

    async def _await(self, session: AsyncSession, chat_id: int, about: str | None) -> None:
        """The chat's next typed text is the note of `about` (None: nothing of this service)."""
        states = IntakeStates(session)
        saved = await states.lock(chat_id)
        if saved is None and about is None:
            return
        if saved is None:
            saved = await states.lock_or_create(chat_id, "start", now=self.clock())
        if saved.awaiting == self.name or about is not None:
            awaiting = self.name if about is not None else None
            await states.save(
                replace(saved, awaiting=awaiting, awaiting_about=about), now=self.clock()
            )

    # --- recording a finding -------------------------------------------------------------------

    async def _record(
        self, session: AsyncSession, viewer: Viewer, about: str, note: str | None
    ) -> Card:
        """The finding on the group, an audit entry on every member, the melders told."""
        if not may_see_groups(viewer.role, viewer.partij):
            return Card(say.NOT_ALLOWED)
        code, _, group_id = about.partition(":")
        groups = Groups(session)
        group = await groups.lock(int(group_id)) if group_id.isdigit() else None
        if group is None or group.id is None or code not in set(GroupFinding):
            return Card(say.STALE)
        finding = GroupFinding(code)
        group.finding, group.finding_note = finding.value, note
        group.finding_by, group.finding_at = viewer.person_id, self.clock()
        await groups.save(group)
        members = await groups.members(group.id)
        audit = AuditLog(session)
        for casus in members:
            await audit.record(
                AUDITED,
                actor_id=viewer.person_id,
                casus_reference=casus.reference,
                details={"groep": group.reference, "bevinding": finding.value},
                at=self.clock(),
            )
        for chat, references in _melder_chats(members).items():
            text = say.to_melder(group.reference, finding, note, references)
            await Outbox(session).add(
                chat, {"text": text, "buttons": []}, group.reference, now=self.clock()
            )
        log.info("group %s: finding %s", group.reference, finding.value)
        done = say.RECORDED.format(count=len(members), reference=group.reference)
        return say.view(await self._facts(session, group), done)

    # --- what the view shows -------------------------------------------------------------------

    async def _find(self, session: AsyncSession, reference: str) -> CasusGroup | str:
        """The group of a group reference or of a member's casus reference; else why not."""
        groups = Groups(session)
        group = await groups.by_reference(reference)
        if group is not None:
            return group
        casus = await Casussen(session).by_reference(reference)
        if casus is None:
            return say.NOT_FOUND
        if casus.group_id is None:
            return say.NOT_IN_GROUP.format(reference=casus.reference)
        return await groups.get(casus.group_id) or say.NOT_FOUND

    async def _facts(self, session: AsyncSession, group: CasusGroup) -> say.GroupFacts:
        assert group.id is not None
        people = People(session)
        melder = await people.get(group.melder_id) if group.melder_id is not None else None
        by = await people.get(group.finding_by) if group.finding_by is not None else None
        members = await Groups(session).members(group.id)
        return say.GroupFacts(
            group_id=group.id,
            reference=group.reference,
            reported_on=shown_date(group.created_at),
            melder_partij=partij_name(self.schema, melder.partij) if melder else None,
            members=tuple([await self._member(session, casus) for casus in members]),
            finding=say.finding_of(group.finding),
            finding_note=group.finding_note,
            finding_on=shown_date(group.finding_at) if group.finding_at else None,
            finding_by=by.display_name if by is not None else None,
        )

    async def _member(self, session: AsyncSession, casus: Casus) -> say.MemberFacts:
        assert casus.id is not None
        advice = casus.stored_advice
        holder = await People(session).get(casus.holder_id) if casus.holder_id else None
        held_by_advised = holder is not None and holder.partij == casus.partij
        # Reguliere casusregie runs while the casus is with the advised partij under that
        # advice (offered to or held by them), or once they took it on; not at OOV, not closed.
        with_the_advised = (
            advice.outcome == REGULIERE_REGIE and casus.afgeweken_partij is None
        ) or held_by_advised
        reguliere = with_the_advised and casus.status not in (
            CasusStatus.BIJ_OOV,
            CasusStatus.GESLOTEN,
        )
        # The holder's partij where it is not the one the advice leads to (OOV holds it, say).
        expected = {
            casus.partij,
            casus.afgeweken_partij,
            acting_partij(casus.outcome, casus.partij),
        }
        shown_holder = None
        if holder is not None:
            partij = partij_name(self.schema, holder.partij)
            shown_holder = (
                holder.display_name
                if holder.partij in expected or partij is None
                else f"{holder.display_name} ({short_name(partij)})"
            )
        advised = self.schema.partij_by_code.get(casus.partij)
        return say.MemberFacts(
            casus_id=casus.id,
            reference=casus.reference,
            key_answers=aangemelde_line(self.schema, casus.answers),
            partij=short_name(advised.name if advised else advice.partij_name),
            outcome=advice.outcome,
            outcome_label=advice.outcome_label,
            status=casus.status,
            holder=shown_holder,
            reguliere=reguliere,
        )


async def card_lines(session: AsyncSession, group_id: int) -> tuple[str, ...]:
    """What a member's casus card shows of its group: the reference and the finding."""
    group = await Groups(session).get(group_id)
    if group is None:
        return ()
    return say.card_lines(group.reference, say.finding_of(group.finding), group.finding_note)


def _melder_chats(members: Sequence[Casus]) -> dict[int, list[str]]:
    """Each melder chat of the members, with the references of the members it aangemeld."""
    chats: dict[int, list[str]] = {}
    for casus in members:
        if casus.chat_id is not None:
            chats.setdefault(casus.chat_id, []).append(casus.reference)
    return chats

"""Typed access to the tables. Each repository works inside the caller's unit of work
(`Database.transaction()`): it adds, reads and flushes, and never commits."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import bindparam, delete, func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from rules.matching import Regisseur
from rules.vocabulary import AssignmentStatus, CasusStatus, Role
from storage.database import Database, note_outbox_written
from storage.models import (
    Assignment,
    AuditEntry,
    Casus,
    CasusGroup,
    GroupCounter,
    IntakeState,
    Invitation,
    OutboxMessage,
    Person,
    ReferenceCounter,
    WrongCode,
)

REFERENCE_PREFIX = "ZVH"
GROUP_MARK = "G"


def casus_reference(year: int, number: int) -> str:
    return f"{REFERENCE_PREFIX}-{year}-{number:04d}"


def group_reference(year: int, number: int) -> str:
    return f"{REFERENCE_PREFIX}-{year}-{GROUP_MARK}{number:03d}"


async def _insert_ignoring_conflict(session: AsyncSession, model: Any, **values: Any) -> None:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.exec(insert(model).values(**values).on_conflict_do_nothing())


@dataclass(frozen=True, slots=True)
class Intake:
    """One chat's state row, as loaded for one update.

    `awaiting` names the dialogue that waits for the chat's free text (None: none does), and
    `awaiting_about` what that text is for there (the offer a reason declines, ...).
    `handled_updates` are the ids of Telegram updates already applied to this chat, so that a
    redelivered one changes nothing; the caller decides how many to keep.
    `question_message_id` is the message that asks the current question, where a channel has one.
    """

    chat_id: int
    state: str
    answers: dict[str, Any]
    draft: list[str] | None = None
    awaiting: str | None = None
    handled_updates: tuple[int, ...] = ()
    question_message_id: int | None = None
    awaiting_about: str | None = None
    group: dict[str, Any] | None = None  # one person or a group, as the dialogue keeps it


@dataclass(frozen=True, slots=True)
class IdleIntake:
    """A chat's state row untouched for a while, as the expiry of intakes reads it."""

    chat_id: int
    state: str
    answered: bool
    awaiting: str | None
    updated_at: datetime
    expiry_warned_at: datetime | None


_intake = IntakeState.__table__  # type: ignore[attr-defined]
# Built once: the hot path then skips constructing and coercing a statement on every update.
_LOCK_INTAKE = sa.select(_intake).where(_intake.c.chat_id == bindparam("chat")).with_for_update()
_SAVE_INTAKE = (
    update(_intake)
    .where(_intake.c.chat_id == bindparam("chat"))
    .values(
        state=bindparam("state"),
        answers=bindparam("answers", type_=_intake.c.answers.type),
        draft=bindparam("draft", type_=_intake.c.draft.type),
        awaiting=bindparam("awaiting"),
        awaiting_about=bindparam("awaiting_about"),
        handled_updates=bindparam("handled_updates", type_=_intake.c.handled_updates.type),
        question_message_id=bindparam("question_message_id"),
        group_memory=bindparam("group", type_=_intake.c.group_memory.type),
        updated_at=bindparam("updated_at", type_=_intake.c.updated_at.type),
    )
)


class IntakeStates:
    """Where each chat is in its dialogue: the hot path of every update, so Core statements built
    once and no ORM objects. Loading locks the row until the unit of
    work ends."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock(self, chat_id: int) -> Intake | None:
        # A plain SQLAlchemy row (sqlmodel's exec types at most four columns): run_sync is the
        # session's public way to a synchronous execute.
        row = await self.session.run_sync(
            lambda sync: sync.execute(_LOCK_INTAKE, {"chat": chat_id}).one_or_none()
        )
        if row is None:
            return None
        return Intake(
            chat_id,
            row.state,
            row.answers,
            row.draft,
            row.awaiting,
            tuple(row.handled_updates),
            row.question_message_id,
            row.awaiting_about,
            row.group_memory,
        )

    async def lock_or_create(self, chat_id: int, state: str, *, now: datetime) -> Intake:
        """The chat's row, locked; a new chat gets one in `state` (safe when two race for it)."""
        intake = await self.lock(chat_id)
        if intake is None:
            await _insert_ignoring_conflict(
                self.session,
                IntakeState,
                chat_id=chat_id,
                state=state,
                answers={},
                updated_at=now,
            )
            intake = await self.lock(chat_id)
            assert intake is not None
        return intake

    async def save(self, intake: Intake, *, now: datetime) -> None:
        await self.session.exec(
            _SAVE_INTAKE,
            params={
                "chat": intake.chat_id,
                "state": intake.state,
                "answers": intake.answers,
                "draft": intake.draft,
                "awaiting": intake.awaiting,
                "awaiting_about": intake.awaiting_about,
                "handled_updates": list(intake.handled_updates),
                "question_message_id": intake.question_message_id,
                "group": intake.group,
                "updated_at": now,
            },
        )

    async def delete(self, chat_id: int) -> None:
        await self.session.exec(delete(_intake).where(_intake.c.chat_id == chat_id))

    async def count(self) -> int:
        return (await self.session.exec(select(func.count()).select_from(_intake))).one()

    async def untouched_since(self, cutoff: datetime) -> list[IdleIntake]:
        """Every row last saved at or before `cutoff`."""
        statement = sa.select(
            _intake.c.chat_id,
            _intake.c.state,
            _intake.c.answers,
            _intake.c.awaiting,
            _intake.c.updated_at,
            _intake.c.expiry_warned_at,
        ).where(_intake.c.updated_at <= cutoff)
        rows = await self.session.run_sync(lambda sync: sync.execute(statement).all())
        return [
            IdleIntake(
                row.chat_id,
                row.state,
                bool(row.answers),
                row.awaiting,
                row.updated_at,
                row.expiry_warned_at,
            )
            for row in rows
        ]

    async def mark_warned(self, idle: IdleIntake, now: datetime) -> bool:
        """Notes that the melder was warned; False if the chat moved on since it was read."""
        statement = (
            update(_intake)
            .where(_intake.c.chat_id == idle.chat_id, _intake.c.updated_at <= idle.updated_at)
            .values(expiry_warned_at=now)
        )
        return bool((await self.session.exec(statement)).rowcount)

    async def delete_untouched(self, idle: IdleIntake) -> bool:
        """Deletes the row unless the chat moved on since it was read; True if it went."""
        statement = delete(_intake).where(
            _intake.c.chat_id == idle.chat_id, _intake.c.updated_at <= idle.updated_at
        )
        return bool((await self.session.exec(statement)).rowcount)


async def _next_number(
    session: AsyncSession, counter: type[ReferenceCounter] | type[GroupCounter], year: int
) -> int:
    """The next number of `year` on `counter`, whose row stays locked until commit."""
    bump = (
        update(counter)
        .where(col(counter.year) == year)
        .values(last_number=counter.last_number + 1)
        .returning(col(counter.last_number))
    )
    number = (await session.exec(bump)).scalar_one_or_none()
    if number is None:
        await _insert_ignoring_conflict(session, counter, year=year, last_number=0)
        number = (await session.exec(bump)).scalar_one()
    return int(number)


class Casussen:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def next_number(self, year: int) -> int:
        """The next casus number of `year`; the counter row stays locked until commit."""
        return await _next_number(self.session, ReferenceCounter, year)

    async def create(
        self,
        *,
        answers: dict[str, Any],
        advice: dict[str, Any],
        melder_id: int | None = None,
        chat_id: int | None = None,
        group_id: int | None = None,
        now: datetime,
    ) -> Casus:
        number = await self.next_number(now.year)
        casus = Casus(
            reference=casus_reference(now.year, number),
            year=now.year,
            number=number,
            melder_id=melder_id,
            chat_id=chat_id,
            answers=dict(answers),
            partij=advice["partij"],
            rule=advice["rule"],
            outcome=advice["outcome"],
            next_step=advice["next_step"],
            advice=dict(advice),
            created_at=now,
            updated_at=now,
            group_id=group_id,
        )
        self.session.add(casus)
        await self.session.flush()
        return casus

    async def by_reference(self, reference: str) -> Casus | None:
        statement = select(Casus).where(Casus.reference == reference)
        return (await self.session.exec(statement)).one_or_none()

    async def of_melder(self, melder_id: int) -> Sequence[Casus]:
        statement = (
            select(Casus).where(Casus.melder_id == melder_id).order_by(col(Casus.created_at).desc())
        )
        return (await self.session.exec(statement)).all()

    async def lock(self, casus_id: int) -> Casus | None:
        """A casus for one change: other units of work changing it wait until this one ends."""
        statement = select(Casus).where(Casus.id == casus_id).with_for_update()
        return (await self.session.exec(statement)).one_or_none()

    async def of_regisseur(self, person_id: int) -> Sequence[Casus]:
        """Casussen not closed that are offered to, held by or were taken on by a regisseur,
        newest first."""
        involved = (
            select(Assignment.casus_id)
            .where(
                Assignment.regisseur_id == person_id,
                col(Assignment.status).in_(
                    (AssignmentStatus.AANGEBODEN, AssignmentStatus.GEACCEPTEERD)
                ),
            )
            .scalar_subquery()
        )
        statement = (
            select(Casus)
            .where(
                col(Casus.status) != CasusStatus.GESLOTEN,
                sa.or_(col(Casus.holder_id) == person_id, col(Casus.id).in_(involved)),
            )
            .order_by(col(Casus.created_at).desc(), col(Casus.id).desc())
        )
        return (await self.session.exec(statement)).all()

    async def held_by(self, person_id: int) -> Sequence[Casus]:
        """The casussen not closed that `person_id` holds, oldest first."""
        statement = (
            select(Casus)
            .where(Casus.holder_id == person_id, col(Casus.status) != CasusStatus.GESLOTEN)
            .order_by(col(Casus.id))
        )
        return (await self.session.exec(statement)).all()

    async def waiting_at_oov(self) -> Sequence[Casus]:
        """Casussen OOV holds whose holder has not yet been told someone is available again."""
        statement = (
            select(Casus)
            .where(Casus.status == CasusStatus.BIJ_OOV, col(Casus.handover_noted_at).is_(None))
            .order_by(col(Casus.id))
        )
        return (await self.session.exec(statement)).all()

    async def listed(
        self,
        *,
        statuses: Sequence[CasusStatus] = (),
        partij: str | None = None,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        offset: int = 0,
        limit: int = 10,
    ) -> tuple[Sequence[Casus], int]:
        """One page of casussen, newest first, and how many match in all. `partij`: the partij
        a coördinator gave it to, or else the advised one; empty `statuses`: every status."""
        conditions: list[Any] = []
        if statuses:
            conditions.append(col(Casus.status).in_(statuses))
        if partij:
            conditions.append(
                sa.func.coalesce(col(Casus.afgeweken_partij), col(Casus.partij)) == partij
            )
        if created_after is not None:
            conditions.append(col(Casus.created_at) >= created_after)
        if created_before is not None:
            conditions.append(col(Casus.created_at) < created_before)
        total = (
            await self.session.exec(select(func.count()).select_from(Casus).where(*conditions))
        ).one()
        statement = (
            select(Casus)
            .where(*conditions)
            .order_by(col(Casus.created_at).desc(), col(Casus.id).desc())
            .offset(offset)
            .limit(limit)
        )
        return (await self.session.exec(statement)).all(), int(total)

    async def close(self, casus: Casus, *, now: datetime) -> None:
        casus.status = CasusStatus.GESLOTEN
        casus.closed_at = casus.updated_at = now
        self.session.add(casus)


_people = Person.__table__  # type: ignore[attr-defined]
_MEMBERSHIP = sa.select(
    _people.c.id, _people.c.role, _people.c.partij, _people.c.active, _people.c.blocked_at
).where(_people.c.telegram_id == bindparam("telegram_id"))


class Groups:
    """Group aanmeldingen: a reference of their own, their members (casussen) and the finding."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(
        self,
        *,
        melder_id: int | None = None,
        chat_id: int | None = None,
        now: datetime,
    ) -> CasusGroup:
        number = await _next_number(self.session, GroupCounter, now.year)
        group = CasusGroup(
            reference=group_reference(now.year, number),
            year=now.year,
            number=number,
            melder_id=melder_id,
            chat_id=chat_id,
            created_at=now,
        )
        self.session.add(group)
        await self.session.flush()
        return group

    async def by_reference(self, reference: str) -> CasusGroup | None:
        statement = select(CasusGroup).where(CasusGroup.reference == reference)
        return (await self.session.exec(statement)).one_or_none()

    async def get(self, group_id: int) -> CasusGroup | None:
        return await self.session.get(CasusGroup, group_id)

    async def lock(self, group_id: int) -> CasusGroup | None:
        statement = select(CasusGroup).where(CasusGroup.id == group_id).with_for_update()
        return (await self.session.exec(statement)).one_or_none()

    async def members(self, group_id: int) -> Sequence[Casus]:
        """The group's casussen in the order they were aangemeld."""
        statement = select(Casus).where(Casus.group_id == group_id).order_by(col(Casus.number))
        return (await self.session.exec(statement)).all()

    async def of_ids(self, group_ids: Sequence[int]) -> dict[int, CasusGroup]:
        if not group_ids:
            return {}
        statement = select(CasusGroup).where(col(CasusGroup.id).in_(group_ids))
        groups = (await self.session.exec(statement)).all()
        return {group.id: group for group in groups if group.id is not None}

    async def save(self, group: CasusGroup) -> None:
        self.session.add(group)
        await self.session.flush()


@dataclass(frozen=True, slots=True)
class Membership:
    person_id: int
    role: Role
    partij: str | None
    active: bool
    blocked: bool  # Telegram refused messages to them; an update from them says no more


async def membership(database: Database, telegram_id: int) -> Membership | None:
    """Who a Telegram account is: what the gate asks for every update, as one prebuilt read
    outside any unit of work (about 0.1 ms of the 0.2 ms a transaction and a loaded Person took;
    bench/telegram_load.py counts every one)."""
    row = await database.first(_MEMBERSHIP, {"telegram_id": telegram_id})
    if row is None:
        return None
    person_id, role, partij, active, blocked_at = row
    return Membership(person_id, Role(role), partij, bool(active), blocked_at is not None)


class People:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, person: Person) -> Person:
        self.session.add(person)
        await self.session.flush()
        return person

    async def by_telegram_id(self, telegram_id: int) -> Person | None:
        statement = select(Person).where(Person.telegram_id == telegram_id)
        return (await self.session.exec(statement)).one_or_none()

    async def for_matching(self, partij: str) -> list[Regisseur]:
        """The active regisseurs of `partij` who can be reached, with their open caseload: the
        casussen they hold that are not finished, and the offers they have not answered."""
        return (await self.for_matching_in((partij,))).get(partij, [])

    async def for_matching_in(self, partijen: Sequence[str]) -> dict[str, list[Regisseur]]:
        """`for_matching` of several partijen in one read, by partij."""
        rows = await self.session.run_sync(
            lambda sync: sync.execute(_FOR_MATCHING, {"partijen": list(partijen)}).all()
        )
        found: dict[str, list[Regisseur]] = {}
        for row in rows:
            found.setdefault(row.partij, []).append(
                Regisseur(
                    row.id,
                    frozenset(row.expertise),
                    row.held + row.offered,
                    row.capacity,
                    row.last_assigned_at,
                    row.absent_until,
                )
            )
        return found

    async def get(self, person_id: int) -> Person | None:
        return await self.session.get(Person, person_id)

    async def unblock(self, person_id: int) -> None:
        """They sent an update, so Telegram delivers to them again."""
        await self.session.exec(
            update(Person).where(col(Person.id) == person_id).values(blocked_at=None)
        )

    async def coordinators(self) -> list[int]:
        """The Telegram chats of the active coordinators who can be reached."""
        rows = await self.session.run_sync(lambda sync: sync.execute(_COORDINATORS).all())
        return [int(row.telegram_id) for row in rows]

    async def reactivate(self, person: Person, invitation: Invitation) -> Person:
        """A deactivated person back in, as their new invitation says."""
        person.active = True
        person.role = invitation.role
        person.partij = invitation.partij
        person.expertise = list(invitation.expertise)
        self.session.add(person)
        await self.session.flush()
        return person

    async def lock(self, person_id: int) -> Person | None:
        """One person, locked until the unit of work ends: two presses on a profile at once
        change it one after the other."""
        statement = select(Person).where(Person.id == person_id).with_for_update()
        return (await self.session.exec(statement)).one_or_none()

    async def save(self, person: Person) -> None:
        self.session.add(person)
        await self.session.flush()

    async def open_caseload(self, person_id: int) -> int:
        """Casussen the person holds with work left on them (not closed, not screened to geen
        inzet), plus offers waiting for their answer: as matching counts them."""
        finished = (CasusStatus.GESLOTEN, CasusStatus.GEEN_INZET)
        held = select(func.count()).where(
            Casus.holder_id == person_id, col(Casus.status).not_in(finished)
        )
        offered = select(func.count()).where(
            Assignment.regisseur_id == person_id,
            Assignment.status == AssignmentStatus.AANGEBODEN,
        )
        return (await self.session.exec(held)).one() + (await self.session.exec(offered)).one()

    async def active(self) -> Sequence[Person]:
        """Everyone who has access now, in the order they came in."""
        statement = select(Person).where(col(Person.active).is_(True)).order_by(col(Person.id))
        return (await self.session.exec(statement)).all()


_casussen = Casus.__table__  # type: ignore[attr-defined]
_assignments = Assignment.__table__  # type: ignore[attr-defined]
FINISHED = (CasusStatus.GESLOTEN.value, CasusStatus.GEEN_INZET.value)  # no work left on them
_COORDINATORS = sa.select(_people.c.telegram_id).where(
    _people.c.role == Role.COORDINATOR.value,
    _people.c.active.is_(True),
    _people.c.blocked_at.is_(None),
    _people.c.telegram_id.is_not(None),
)
_FOR_MATCHING = sa.select(
    _people.c.id,
    _people.c.partij,
    _people.c.expertise,
    _people.c.capacity,
    _people.c.last_assigned_at,
    _people.c.absent_until,
    sa.select(func.count())
    .where(_casussen.c.holder_id == _people.c.id, _casussen.c.status.not_in(FINISHED))
    .scalar_subquery()
    .label("held"),
    sa.select(func.count())
    .where(
        _assignments.c.regisseur_id == _people.c.id,
        _assignments.c.status == AssignmentStatus.AANGEBODEN.value,
    )
    .scalar_subquery()
    .label("offered"),
).where(
    _people.c.role == Role.REGISSEUR.value,
    _people.c.partij.in_(bindparam("partijen", expanding=True)),
    _people.c.active.is_(True),
    _people.c.blocked_at.is_(None),
    _people.c.telegram_id.is_not(None),
)


class Invitations:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(
        self,
        *,
        role: Role,
        partij: str | None = None,
        expertise: Sequence[str] = (),
        valid_for: timedelta = timedelta(days=7),
        created_by: int | None = None,
        now: datetime,
    ) -> Invitation:
        invitation = Invitation(
            code=secrets.token_urlsafe(16),
            role=role,
            partij=partij,
            expertise=list(expertise),
            created_by=created_by,
            created_at=now,
            expires_at=now + valid_for,
        )
        self.session.add(invitation)
        await self.session.flush()
        return invitation

    async def lock(self, code: str) -> Invitation | None:
        statement = select(Invitation).where(Invitation.code == code).with_for_update()
        return (await self.session.exec(statement)).one_or_none()

    async def mark_used(self, invitation: Invitation, person_id: int, *, now: datetime) -> None:
        invitation.used_by = person_id
        invitation.used_at = now
        self.session.add(invitation)

    async def pending(self, now: datetime) -> Sequence[Invitation]:
        """Invitations nobody used that still admit someone, oldest first."""
        statement = (
            select(Invitation)
            .where(col(Invitation.used_at).is_(None), col(Invitation.expires_at) > now)
            .order_by(col(Invitation.id))
        )
        return (await self.session.exec(statement)).all()

    async def revoke(self, invitation_id: int, now: datetime) -> Invitation | None:
        """Ends a pending invitation at `now`, so its code no longer admits anyone; None when
        there is no such invitation or it was used or ended already."""
        statement = select(Invitation).where(Invitation.id == invitation_id).with_for_update()
        invitation = (await self.session.exec(statement)).one_or_none()
        if invitation is None or invitation.used_at is not None or invitation.expires_at <= now:
            return None
        invitation.expires_at = now
        self.session.add(invitation)
        return invitation


class Assignments:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def offer(
        self,
        casus_id: int,
        regisseur_id: int,
        *,
        now: datetime,
        remind_at: datetime | None = None,
        expires_at: datetime | None = None,
    ) -> Assignment:
        assignment = Assignment(
            casus_id=casus_id,
            regisseur_id=regisseur_id,
            offered_at=now,
            remind_at=remind_at,
            expires_at=expires_at,
        )
        self.session.add(assignment)
        await self.session.flush()
        return assignment

    async def answer(
        self,
        assignment: Assignment,
        *,
        accepted: bool,
        reason: str | None = None,
        reason_code: str | None = None,
        now: datetime,
    ) -> None:
        self.close(
            assignment,
            AssignmentStatus.GEACCEPTEERD if accepted else AssignmentStatus.AFGEWEZEN,
            now=now,
        )
        assignment.reason = reason
        assignment.reason_code = reason_code

    def close(self, assignment: Assignment, status: AssignmentStatus, *, now: datetime) -> None:
        """Ends an open offer as `status`; its timers stop."""
        assignment.status = status
        assignment.answered_at = now
        assignment.remind_at = assignment.expires_at = None
        self.session.add(assignment)

    async def get(self, assignment_id: int) -> Assignment | None:
        return await self.session.get(Assignment, assignment_id)

    async def open_offer(self, casus_id: int) -> Assignment | None:
        statement = select(Assignment).where(
            Assignment.casus_id == casus_id, Assignment.status == AssignmentStatus.AANGEBODEN
        )
        return (await self.session.exec(statement)).first()

    async def of_casus(self, casus_id: int) -> Sequence[Assignment]:
        statement = (
            select(Assignment).where(Assignment.casus_id == casus_id).order_by(col(Assignment.id))
        )
        return (await self.session.exec(statement)).all()

    async def due(self, column: str, now: datetime, limit: int = 100) -> Sequence[Assignment]:
        """Open offers whose `remind_at` or `expires_at` has come, locked; another process
        skips them (PostgreSQL), so each timer fires once."""
        due_at = getattr(Assignment, column)
        statement = (
            select(Assignment)
            .where(Assignment.status == AssignmentStatus.AANGEBODEN, col(due_at) <= now)
            .order_by(col(due_at))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return (await self.session.exec(statement)).all()

    async def open_offers_of(self, regisseur_id: int) -> Sequence[Assignment]:
        """The offers waiting for `regisseur_id`'s answer, oldest first."""
        statement = (
            select(Assignment)
            .where(
                Assignment.regisseur_id == regisseur_id,
                Assignment.status == AssignmentStatus.AANGEBODEN,
            )
            .order_by(col(Assignment.id))
        )
        return (await self.session.exec(statement)).all()


_outbox = OutboxMessage.__table__  # type: ignore[attr-defined]
_UNSENT = (_outbox.c.sent_at.is_(None), _outbox.c.given_up_at.is_(None))
# The oldest unsent row of each chat: only those are handed out, so a chat's messages arrive in
# the order they were written, also when one waits for a retry or another process sends.
_HEADS = sa.select(func.min(_outbox.c.id)).where(*_UNSENT).group_by(_outbox.c.chat_id)


@dataclass(frozen=True, slots=True)
class Claimed:
    """An outbox row handed to one dispatcher: the others skip it until its lease runs out.
    `attempts` counts the tries, this one included."""

    id: int
    chat_id: int
    payload: dict[str, Any]
    attempts: int
    casus_reference: str | None


@dataclass(frozen=True, slots=True)
class GivenUp:
    id: int
    casus_reference: str | None


class Outbox:
    """Messages to send, written in the same commit as the change that caused them.

    A dispatcher claims due rows in one short transaction, moving them a lease ahead, sends them
    outside any transaction, then marks them sent: a crash in between sends a row again once its
    lease runs out (at least once, never not at all). Only the oldest unsent row of a chat is due,
    so a chat's messages keep their order."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self,
        chat_id: int,
        payload: dict[str, Any],
        casus_reference: str | None = None,
        *,
        now: datetime,
    ) -> int:
        """Queues `payload` ({"text": ..., "buttons": [{"label", "action", "subject"}, ...]})
        for `chat_id`, due at once; returns the row's id."""
        if not isinstance(payload.get("text"), str):
            raise ValueError("an outbox payload needs its text")
        statement = (
            sa.insert(_outbox)
            .values(
                chat_id=chat_id,
                payload=payload,
                attempts=0,
                next_attempt_at=now,
                created_at=now,
                casus_reference=casus_reference,
            )
            .returning(_outbox.c.id)
        )
        added = int((await self.session.exec(statement)).scalar_one())
        note_outbox_written(self.session)  # this process's dispatcher sends it after the commit
        return added

    async def claim(self, now: datetime, lease: timedelta, limit: int) -> list[Claimed]:
        """Up to `limit` due rows, oldest first, each the oldest unsent one of its chat; they
        are not due again until `now + lease`. Rows another transaction holds are skipped
        (PostgreSQL; on SQLite every transaction begins IMMEDIATE, so claims take turns)."""
        statement = (
            sa.select(
                _outbox.c.id,
                _outbox.c.chat_id,
                _outbox.c.payload,
                _outbox.c.attempts,
                _outbox.c.casus_reference,
            )
            .where(_outbox.c.id.in_(_HEADS), *_UNSENT, _outbox.c.next_attempt_at <= now)
            .order_by(_outbox.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = await self.session.run_sync(lambda sync: sync.execute(statement).all())
        if not rows:
            return []
        await self.session.exec(
            update(_outbox)
            .where(_outbox.c.id.in_([row.id for row in rows]))
            .values(next_attempt_at=now + lease, attempts=_outbox.c.attempts + 1)
        )
        return [
            Claimed(row.id, row.chat_id, row.payload, row.attempts + 1, row.casus_reference)
            for row in rows
        ]

    async def mark_sent(self, ids: Sequence[int], now: datetime) -> None:
        """Telegram accepted these; a row sent twice (a lease ran out) keeps its first time."""
        await self.session.exec(
            update(_outbox)
            .where(_outbox.c.id.in_(ids), _outbox.c.sent_at.is_(None))
            .values(sent_at=now)
        )

    async def retry(self, id: int, error: str, at: datetime) -> None:
        """The try failed for now: due again at `at`."""
        await self.session.exec(
            update(_outbox)
            .where(_outbox.c.id == id, *_UNSENT)
            .values(next_attempt_at=at, last_error=error[:500])
        )

    async def give_up(self, id: int, error: str, now: datetime) -> None:
        """No try will ever succeed (Telegram refused the message itself)."""
        await self.session.exec(
            update(_outbox)
            .where(_outbox.c.id == id, *_UNSENT)
            .values(given_up_at=now, last_error=error[:500])
        )

    async def give_up_chat(self, chat_id: int, error: str, now: datetime) -> list[GivenUp]:
        """Every unsent row to `chat_id` (its person blocked the bot): none is tried again."""
        statement = (
            update(_outbox)
            .where(_outbox.c.chat_id == chat_id, *_UNSENT)
            .values(given_up_at=now, last_error=error[:500])
            .returning(_outbox.c.id, _outbox.c.casus_reference)
        )
        rows = await self.session.run_sync(lambda sync: sync.execute(statement).all())
        return sorted((GivenUp(row.id, row.casus_reference) for row in rows), key=lambda g: g.id)


@dataclass(frozen=True, slots=True)
class Blocked:
    """Who blocked the bot (`person_id` None: nobody we know), and the Telegram ids of the
    coordinators to tell: active, and not blocked themselves."""

    person_id: int | None
    display_name: str
    role: Role | None
    coordinators: tuple[int, ...]


async def block_chat(session: AsyncSession, chat_id: int, now: datetime) -> Blocked:
    """Notes that Telegram refuses messages to `chat_id` for good (`people.blocked_at`)."""
    person = (await session.exec(select(Person).where(Person.telegram_id == chat_id))).one_or_none()
    if person is not None and person.blocked_at is None:
        person.blocked_at = now
        session.add(person)
        await session.flush()
    statement = select(Person.telegram_id).where(
        Person.role == Role.COORDINATOR,
        col(Person.active).is_(True),
        col(Person.blocked_at).is_(None),
        col(Person.telegram_id).is_not(None),
        Person.telegram_id != chat_id,
    )
    coordinators = tuple(int(t) for t in (await session.exec(statement)).all() if t is not None)
    if person is None:
        return Blocked(None, "", None, coordinators)
    return Blocked(person.id, person.display_name, person.role, coordinators)


class AuditLog:
    """Who did what to which casus. There is no method to change or remove an entry."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(
        self,
        action: str,
        *,
        actor_id: int | None = None,
        casus_reference: str | None = None,
        details: dict[str, Any] | None = None,
        at: datetime,
    ) -> None:
        self.session.add(
            AuditEntry(
                at=at,
                action=action,
                actor_id=actor_id,
                casus_reference=casus_reference,
                details=details or {},
            )
        )

    async def of_casus(self, reference: str) -> Sequence[AuditEntry]:
        statement = (
            select(AuditEntry)
            .where(AuditEntry.casus_reference == reference)
            .order_by(col(AuditEntry.id))
        )
        return (await self.session.exec(statement)).all()


class WrongCodes:
    """Invitation codes each Telegram account got wrong in a row (bot/services/admission.py)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock(self, telegram_id: int) -> WrongCode | None:
        """The account's count, locked until the unit of work ends; None if it has none."""
        found = await self.session.exec(
            select(WrongCode).where(WrongCode.telegram_id == telegram_id).with_for_update()
        )
        return found.one_or_none()

    async def count(self, telegram_id: int, count: int, at: datetime) -> None:
        """Sets the account's count, made now or replaced (safe when two race for it)."""
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(WrongCode).values(telegram_id=telegram_id, count=count, last_at=at)
        await self.session.exec(
            statement.on_conflict_do_update(
                index_elements=["telegram_id"], set_={"count": count, "last_at": at}
            )
        )

    async def forget(self, telegram_id: int) -> None:
        await self.session.exec(delete(WrongCode).where(col(WrongCode.telegram_id) == telegram_id))

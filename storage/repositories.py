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

from rules.vocabulary import AssignmentStatus, CasusStatus, Role
from storage.database import Database
from storage.models import (
    Assignment,
    AuditEntry,
    Casus,
    IntakeState,
    Invitation,
    OutboxMessage,
    Person,
    ReferenceCounter,
    utcnow,
)

REFERENCE_PREFIX = "ZVH"


def casus_reference(year: int, number: int) -> str:
    return f"{REFERENCE_PREFIX}-{year}-{number:04d}"


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
        )

    async def lock_or_create(self, chat_id: int, state: str) -> Intake:
        """The chat's row, locked; a new chat gets one in `state` (safe when two race for it)."""
        intake = await self.lock(chat_id)
        if intake is None:
            await _insert_ignoring_conflict(
                self.session,
                IntakeState,
                chat_id=chat_id,
                state=state,
                answers={},
                updated_at=utcnow(),
            )
            intake = await self.lock(chat_id)
            assert intake is not None
        return intake

    async def save(self, intake: Intake) -> None:
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
                "updated_at": utcnow(),
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


class Casussen:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def next_number(self, year: int) -> int:
        """The next casus number of `year`; the counter row stays locked until commit."""
        bump = (
            update(ReferenceCounter)
            .where(col(ReferenceCounter.year) == year)
            .values(last_number=ReferenceCounter.last_number + 1)
            .returning(col(ReferenceCounter.last_number))
        )
        number = (await self.session.exec(bump)).scalar_one_or_none()
        if number is None:
            await _insert_ignoring_conflict(
                self.session, ReferenceCounter, year=year, last_number=0
            )
            number = (await self.session.exec(bump)).scalar_one()
        return int(number)

    async def create(
        self,
        *,
        answers: dict[str, Any],
        advice: dict[str, Any],
        melder_id: int | None = None,
        chat_id: int | None = None,
        now: datetime | None = None,
    ) -> Casus:
        now = now or utcnow()
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

    async def close(self, casus: Casus, now: datetime | None = None) -> None:
        casus.status = CasusStatus.GESLOTEN
        casus.closed_at = casus.updated_at = now or utcnow()
        self.session.add(casus)


_MEMBERSHIP = select(
    col(Person.id), col(Person.role), col(Person.partij), col(Person.active)
).where(col(Person.telegram_id) == bindparam("telegram_id"))


async def membership(
    database: Database, telegram_id: int
) -> tuple[int, Role, str | None, bool] | None:
    """Id, role, partij and whether active: what the gate asks for every update, as one prebuilt
    four-column read outside any unit of work (about 0.1 ms of the 0.2 ms a transaction and a
    loaded Person took; bench/telegram_load.py counts every one)."""
    row = await database.first(_MEMBERSHIP, {"telegram_id": telegram_id})
    if row is None:
        return None
    person_id, role, partij, active = row
    return None if person_id is None else (person_id, Role(role), partij, active)


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

    async def active_regisseurs(self, partij: str) -> Sequence[Person]:
        statement = select(Person).where(
            Person.role == Role.REGISSEUR, Person.partij == partij, col(Person.active).is_(True)
        )
        return (await self.session.exec(statement)).all()

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
    ) -> Invitation:
        invitation = Invitation(
            code=secrets.token_urlsafe(16),
            role=role,
            partij=partij,
            expertise=list(expertise),
            created_by=created_by,
            expires_at=utcnow() + valid_for,
        )
        self.session.add(invitation)
        await self.session.flush()
        return invitation

    async def lock(self, code: str) -> Invitation | None:
        statement = select(Invitation).where(Invitation.code == code).with_for_update()
        return (await self.session.exec(statement)).one_or_none()

    async def mark_used(self, invitation: Invitation, person_id: int) -> None:
        invitation.used_by = person_id
        invitation.used_at = utcnow()
        self.session.add(invitation)


class Assignments:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def offer(self, casus_id: int, regisseur_id: int) -> Assignment:
        assignment = Assignment(casus_id=casus_id, regisseur_id=regisseur_id)
        self.session.add(assignment)
        await self.session.flush()
        return assignment

    async def answer(
        self, assignment: Assignment, *, accepted: bool, reason: str | None = None
    ) -> None:
        assignment.status = (
            AssignmentStatus.GEACCEPTEERD if accepted else AssignmentStatus.AFGEWEZEN
        )
        assignment.reason = reason
        assignment.answered_at = utcnow()
        self.session.add(assignment)

    async def of_casus(self, casus_id: int) -> Sequence[Assignment]:
        statement = (
            select(Assignment).where(Assignment.casus_id == casus_id).order_by(col(Assignment.id))
        )
        return (await self.session.exec(statement)).all()


class Outbox:
    """Messages to send, written in the same commit as the change that caused them."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, chat_id: int, payload: dict[str, Any]) -> OutboxMessage:
        message = OutboxMessage(chat_id=chat_id, payload=payload)
        self.session.add(message)
        await self.session.flush()
        return message

    async def claim_due(
        self, limit: int = 50, now: datetime | None = None
    ) -> Sequence[OutboxMessage]:
        """Unsent messages whose time has come; other processes skip the rows claimed here."""
        statement = (
            select(OutboxMessage)
            .where(
                col(OutboxMessage.sent_at).is_(None),
                OutboxMessage.next_attempt_at <= (now or utcnow()),
            )
            .order_by(col(OutboxMessage.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return (await self.session.exec(statement)).all()

    async def mark_sent(self, message: OutboxMessage) -> None:
        message.sent_at = utcnow()
        message.attempts += 1
        self.session.add(message)

    async def mark_failed(self, message: OutboxMessage, error: str, retry_at: datetime) -> None:
        message.attempts += 1
        message.last_error = error[:500]
        message.next_attempt_at = retry_at
        self.session.add(message)


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
    ) -> None:
        self.session.add(
            AuditEntry(
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

"""The tables. Flat on purpose: one update touches few rows, loaded without lazy relationships.

Privacy: no table holds a name, address or BSN of a client. People are the professionals who use
the bot. Answers and free text about a casus are removed by retention (storage.retention).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from rules.vocabulary import AssignmentStatus, CasusStatus, Role, ScreeningOutcome

# Stable constraint names, so migrations can refer to them on both databases.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp in UTC that comes back timezone-aware on SQLite too."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime; use an aware UTC timestamp")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


Names = TypeVar("Names", bound=StrEnum)


class EnumValue(TypeDecorator[Names]):
    """A member of a StrEnum, stored as its value and read back as the member."""

    impl = sa.String
    cache_ok = True

    def __init__(self, names: type[Names], length: int) -> None:
        super().__init__(length=length)
        self.names = names

    def process_bind_param(self, value: Names | str | None, dialect: sa.Dialect) -> str | None:
        return None if value is None else self.names(value).value

    def process_result_value(self, value: str | None, dialect: sa.Dialect) -> Names | None:
        return None if value is None else self.names(value)


def _one_of(column: str, names: type[StrEnum]) -> sa.CheckConstraint:
    """The database's own guard that `column` holds a value of `names` (or NULL)."""
    allowed = ", ".join(f"'{name.value}'" for name in names)
    return sa.CheckConstraint(f"{column} IN ({allowed})", name=column)


def _utc(**options: Any) -> Any:
    """A UTCDateTime column; `options` as for sqlmodel.Field."""
    return Field(sa_type=UTCDateTime, **options)


def _json(default: Any) -> Any:
    return Field(default_factory=default, sa_column=sa.Column(sa.JSON, nullable=False))


class Person(SQLModel, table=True):
    """A professional admitted to the bot: melder, regisseur or coordinator."""

    __tablename__ = "people"

    id: int | None = Field(default=None, primary_key=True)
    telegram_id: int | None = Field(default=None, sa_type=sa.BigInteger, unique=True)
    display_name: str = Field(default="", max_length=120)
    role: Role = Field(sa_type=EnumValue(Role, 16), index=True)
    partij: str | None = Field(default=None, max_length=24, index=True)
    expertise: list[str] = _json(list)
    capacity: int = Field(default=10, ge=0)
    active: bool = Field(default=True)
    created_at: datetime = _utc(default_factory=utcnow)
    last_assigned_at: datetime | None = _utc(default=None)
    absent_until: datetime | None = _utc(default=None)  # skipped by matching until then
    blocked_at: datetime | None = _utc(default=None)  # Telegram said they blocked the bot

    __table_args__ = (_one_of("role", Role),)


class Invitation(SQLModel, table=True):
    """A one-time code that admits one person with a role (usually as a t.me deep link)."""

    __tablename__ = "invitations"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True)
    role: Role = Field(sa_type=EnumValue(Role, 16))
    partij: str | None = Field(default=None, max_length=24)
    expertise: list[str] = _json(list)
    created_by: int | None = Field(default=None, foreign_key="people.id")
    created_at: datetime = _utc(default_factory=utcnow)
    expires_at: datetime = _utc()
    used_by: int | None = Field(default=None, foreign_key="people.id")
    used_at: datetime | None = _utc(default=None)

    __table_args__ = (_one_of("role", Role),)


class IntakeState(SQLModel, table=True):
    """One chat's state row: where it is in its intake, every answer given so far, which dialogue
    waits for its free text, the updates already applied to it, the message that asks its current
    question, and when its melder was warned that an untouched intake expires."""

    __tablename__ = "intake_states"

    chat_id: int = Field(
        sa_type=sa.BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    state: str = Field(max_length=64)
    answers: dict[str, Any] = _json(dict)
    draft: list[str] | None = Field(default=None, sa_column=sa.Column(sa.JSON, nullable=True))
    awaiting: str | None = Field(default=None, max_length=32)
    awaiting_about: str | None = Field(default=None, max_length=64)  # e.g. the offer declined
    handled_updates: list[int] = Field(
        default_factory=list,
        sa_column=sa.Column(sa.JSON, nullable=False, server_default=sa.text("'[]'")),
    )
    question_message_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    # One person or a group, and a group's persons while they are added (conversation.group).
    group_memory: dict[str, Any] | None = Field(
        default=None, sa_column=sa.Column(sa.JSON, nullable=True)
    )
    expiry_warned_at: datetime | None = _utc(default=None)
    updated_at: datetime = _utc(default_factory=utcnow)


class ReferenceCounter(SQLModel, table=True):
    """The last casus number handed out per year; its row lock keeps references unique."""

    __tablename__ = "reference_counters"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last_number: int = Field(default=0)


class GroupCounter(SQLModel, table=True):
    """The last group number handed out per year, as ReferenceCounter for casussen."""

    __tablename__ = "group_counters"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last_number: int = Field(default=0)


class CasusGroup(SQLModel, table=True):
    """Persons aangemeld together, such as a group of jongeren: each is a casus of its own, with
    its own advice; the group has a reference of its own and keeps what the ZVH regisseurs found
    about the group as a whole."""

    __tablename__ = "casus_groups"

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=24, unique=True)
    year: int
    number: int
    melder_id: int | None = Field(default=None, foreign_key="people.id", index=True)
    chat_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    created_at: datetime = _utc(default_factory=utcnow)
    finding: str | None = Field(default=None, max_length=32)  # a code, e.g. "signalerend"
    finding_note: str | None = Field(default=None, sa_type=sa.Text)  # free text: retention
    finding_by: int | None = Field(default=None, foreign_key="people.id")
    finding_at: datetime | None = _utc(default=None)

    __table_args__ = (sa.UniqueConstraint("year", "number", name="uq_casus_groups_year_number"),)


@dataclass(frozen=True, slots=True)
class StoredAdvice:
    """The advice a casus was registered with, typed.

    Anonymised advice (storage.retention) has lost its next step, outcome label and reasons: the
    next step then comes from the casus's own column, a missing name or label is its code, and
    the reasons are empty.
    """

    partij: str
    partij_name: str
    rule: str
    outcome: str
    outcome_label: str
    next_step: str
    reasons: tuple[str, ...]


class Casus(SQLModel, table=True):
    __tablename__ = "casussen"

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=24, unique=True)
    year: int
    number: int
    melder_id: int | None = Field(default=None, foreign_key="people.id", index=True)
    chat_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    answers: dict[str, Any] = _json(dict)
    partij: str = Field(max_length=24, index=True)
    rule: str = Field(max_length=64)
    outcome: str = Field(max_length=24)
    next_step: str = Field(sa_type=sa.Text)
    advice: dict[str, Any] = _json(dict)
    status: CasusStatus = Field(
        default=CasusStatus.AANGEMELD, sa_type=EnumValue(CasusStatus, 24), index=True
    )
    screening_outcome: ScreeningOutcome | None = Field(
        default=None, sa_type=EnumValue(ScreeningOutcome, 24)
    )
    created_at: datetime = _utc(default_factory=utcnow)
    updated_at: datetime = _utc(default_factory=utcnow)
    closed_at: datetime | None = _utc(default=None, index=True)
    anonymised_at: datetime | None = _utc(default=None)
    holder_id: int | None = Field(default=None, foreign_key="people.id", index=True)
    holder_since: datetime | None = _utc(default=None)
    # Organisations the screening found involved, beside those the melder named (schema codes).
    found_betrokken: list[str] = Field(
        default_factory=list,
        sa_column=sa.Column(sa.JSON, nullable=False, server_default=sa.text("'[]'")),
    )
    screening_note: str | None = Field(default=None, sa_type=sa.Text)  # free text: retention
    close_reason: str | None = Field(default=None, sa_type=sa.Text)  # free text: retention
    # When the OOV holder was told a regisseur is available again, so they are told once.
    handover_noted_at: datetime | None = _utc(default=None)
    # A coördinator's choice against the advice (afwijken): the partij that acts now; and the
    # reason typed for the last afwijken or reopening (free text: retention).
    afgeweken_partij: str | None = Field(default=None, max_length=24)
    coordinator_reason: str | None = Field(default=None, sa_type=sa.Text)
    group_id: int | None = Field(default=None, foreign_key="casus_groups.id", index=True)

    __table_args__ = (
        sa.UniqueConstraint("year", "number", name="uq_casussen_year_number"),
        _one_of("status", CasusStatus),
        _one_of("screening_outcome", ScreeningOutcome),
    )

    @property
    def stored_advice(self) -> StoredAdvice:
        advice = self.advice
        partij = advice.get("partij") or self.partij
        outcome = advice.get("outcome") or self.outcome
        return StoredAdvice(
            partij=partij,
            partij_name=advice.get("partij_name") or partij,
            rule=advice.get("rule") or self.rule,
            outcome=outcome,
            outcome_label=advice.get("outcome_label") or outcome,
            next_step=advice.get("next_step") or self.next_step,
            reasons=tuple(reason["text"] for reason in advice.get("reasons", ())),
        )


class Assignment(SQLModel, table=True):
    """A casus offered to one regisseur; a decline keeps its reason. An open offer carries its
    timers: a reminder at `remind_at`, and at `expires_at` it goes to the next candidate."""

    __tablename__ = "assignments"

    id: int | None = Field(default=None, primary_key=True)
    casus_id: int = Field(foreign_key="casussen.id", index=True)
    regisseur_id: int = Field(foreign_key="people.id", index=True)
    status: AssignmentStatus = Field(
        default=AssignmentStatus.AANGEBODEN, sa_type=EnumValue(AssignmentStatus, 16)
    )
    reason: str | None = Field(default=None, max_length=500)  # typed free text: retention
    reason_code: str | None = Field(default=None, max_length=24)
    offered_at: datetime = _utc(default_factory=utcnow)
    answered_at: datetime | None = _utc(default=None)
    remind_at: datetime | None = _utc(default=None, index=True)
    expires_at: datetime | None = _utc(default=None, index=True)

    __table_args__ = (_one_of("status", AssignmentStatus),)


class OutboxMessage(SQLModel, table=True):
    """A message to send, committed with the change that caused it; sent after the commit.

    A dispatcher claims a row by moving `next_attempt_at` a lease ahead, sends it, then sets
    `sent_at`: a crash in between sends it again after the lease, never not at all. A chat that
    blocked the bot ends the tries (`given_up_at`)."""

    __tablename__ = "outbox"

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_type=sa.BigInteger)
    payload: dict[str, Any] = _json(dict)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = _utc(default_factory=utcnow, index=True)
    sent_at: datetime | None = _utc(default=None, index=True)
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = _utc(default_factory=utcnow)
    given_up_at: datetime | None = _utc(default=None)
    casus_reference: str | None = Field(default=None, max_length=24)  # for logs and audit


class AuditEntry(SQLModel, table=True):
    """Who did what to which casus, when. Append-only: the database refuses updates and deletes."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _utc(default_factory=utcnow, index=True)
    actor_id: int | None = Field(default=None, foreign_key="people.id")
    action: str = Field(max_length=48)
    casus_reference: str | None = Field(default=None, max_length=24, index=True)
    details: dict[str, Any] = _json(dict)


class WrongCode(SQLModel, table=True):
    """How many invitation codes a Telegram account got wrong in a row, and when the last: after
    too many, admission waits a while (bot/services/admission.py). Admitted, the row goes."""

    __tablename__ = "wrong_codes"

    telegram_id: int = Field(
        sa_type=sa.BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    count: int = Field(default=0)
    last_at: datetime = _utc()

"""Who may use the bot: people admitted through a one-time invitation code."""

from __future__ import annotations

import enum
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from storage import AuditLog, Database, Invitations, People
from storage.models import Invitation, Person, utcnow

ROLES = ("melder", "regisseur", "coordinator")


class Admission(enum.Enum):
    ADMITTED = "admitted"
    ALREADY_ADMITTED = "already_admitted"
    UNKNOWN_CODE = "unknown_code"
    USED_CODE = "used_code"
    EXPIRED_CODE = "expired_code"


@dataclass(frozen=True, slots=True)
class Member:
    """An admitted person, as handlers need them."""

    person_id: int
    role: str
    partij: str | None


async def invite(
    database: Database,
    *,
    role: str,
    partij: str | None = None,
    expertise: Sequence[str] = (),
    valid_for: timedelta = timedelta(days=7),
    created_by: int | None = None,
) -> Invitation:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    async with database.transaction() as session:
        invitation = await Invitations(session).create(
            role=role,
            partij=partij,
            expertise=expertise,
            valid_for=valid_for,
            created_by=created_by,
        )
        await AuditLog(session).record(
            "uitnodiging_gemaakt", actor_id=created_by, details={"role": role, "partij": partij}
        )
    return invitation


async def admit(database: Database, code: str, telegram_id: int, display_name: str) -> Admission:
    async with database.transaction() as session:
        people = People(session)
        if await people.by_telegram_id(telegram_id) is not None:
            return Admission.ALREADY_ADMITTED
        invitation = await Invitations(session).lock(code)
        if invitation is None:
            return Admission.UNKNOWN_CODE
        if invitation.used_at is not None:
            return Admission.USED_CODE
        if invitation.expires_at <= utcnow():
            return Admission.EXPIRED_CODE
        person = await people.add(
            Person(
                telegram_id=telegram_id,
                display_name=display_name[:120],
                role=invitation.role,
                partij=invitation.partij,
                expertise=list(invitation.expertise),
            )
        )
        assert person.id is not None
        await Invitations(session).mark_used(invitation, person.id)
        await AuditLog(session).record(
            "toegelaten", actor_id=person.id, details={"role": person.role, "partij": person.partij}
        )
    return Admission.ADMITTED


class Gate:
    """Looks up admitted people, remembering a yes for a minute so each update is not a query."""

    def __init__(self, database: Database, remember_seconds: float = 60.0) -> None:
        self.database = database
        self.remember_seconds = remember_seconds
        self._known: dict[int, tuple[float, Member]] = {}

    async def member(self, telegram_id: int) -> Member | None:
        remembered = self._known.get(telegram_id)
        if remembered is not None and remembered[0] > time.monotonic():
            return remembered[1]
        async with self.database.transaction() as session:
            person = await People(session).by_telegram_id(telegram_id)
        if person is None or not person.active or person.id is None:
            self._known.pop(telegram_id, None)
            return None
        member = Member(person.id, person.role, person.partij)
        self._known[telegram_id] = (time.monotonic() + self.remember_seconds, member)
        return member

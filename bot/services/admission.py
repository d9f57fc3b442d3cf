"""Who may use the bot: people admitted through a one-time invitation code, and who they are
when an update of theirs comes in. Codes are 128-bit and cannot be guessed, but trying costs
nothing: after MOST_WRONG_CODES wrong ones in a row an account waits WRONG_CODES_WAIT, counted in
the database so that every replica makes it wait."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.clock import Clock
from rules.vocabulary import Role
from storage import AuditLog, Database, Invitations, People, WrongCodes, membership
from storage.models import Invitation, Person

MOST_WRONG_CODES = 5  # in a row, each within WRONG_CODES_WAIT of the one before
WRONG_CODES_WAIT = timedelta(minutes=10)


class Admission(enum.Enum):
    ADMITTED = "admitted"
    ALREADY_ADMITTED = "already_admitted"
    UNKNOWN_CODE = "unknown_code"
    USED_CODE = "used_code"
    EXPIRED_CODE = "expired_code"
    TOO_MANY_WRONG_CODES = "too_many_wrong_codes"  # the code was not even looked at


WRONG_CODES = frozenset({Admission.UNKNOWN_CODE, Admission.USED_CODE, Admission.EXPIRED_CODE})


@dataclass(frozen=True, slots=True)
class Member:
    """An admitted, active person, as handlers need them."""

    person_id: int
    role: Role
    partij: str | None


class AdmissionService:
    def __init__(self, database: Database, *, clock: Clock) -> None:
        self.database = database
        self.clock = clock

    async def member(self, telegram_id: int) -> Member | None:
        """The active person behind a Telegram account, asked anew for every update: a
        deactivated person loses access at once, whichever process serves them. Someone the
        outbox gave up on as blocked is reachable again now that they write."""
        found = await membership(self.database, telegram_id)
        if found is None or not found.active:
            return None
        if found.blocked:
            await self._unblock(found.person_id)
        return Member(found.person_id, found.role, found.partij)

    async def _unblock(self, person_id: int) -> None:
        async with self.database.transaction() as session:
            await People(session).unblock(person_id)
            await AuditLog(session).record("gedeblokkeerd", actor_id=person_id, at=self.clock())

    async def invite(
        self,
        *,
        role: Role,
        partij: str | None = None,
        expertise: Sequence[str] = (),
        valid_for: timedelta = timedelta(days=7),
        created_by: int | None = None,
    ) -> Invitation:
        async with self.database.transaction() as session:
            invitation = await Invitations(session).create(
                role=role,
                partij=partij,
                expertise=expertise,
                valid_for=valid_for,
                created_by=created_by,
                now=self.clock(),
            )
            await AuditLog(session).record(
                "uitnodiging_gemaakt",
                actor_id=created_by,
                details={"role": role, "partij": partij},
                at=self.clock(),
            )
        return invitation

    async def admit(self, code: str, telegram_id: int, display_name: str) -> Admission:
        """Admits the holder of an invitation code; someone deactivated before comes back in
        with the invitation's role, partij and expertise. An account that sent too many wrong
        codes in a row waits first, whatever the code."""
        async with self.database.transaction() as session:
            now = self.clock()
            wrong_codes = WrongCodes(session)
            wrong = await wrong_codes.lock(telegram_id)
            in_a_row = wrong.count if wrong and now < wrong.last_at + WRONG_CODES_WAIT else 0
            if in_a_row >= MOST_WRONG_CODES:
                return Admission.TOO_MANY_WRONG_CODES
            admission = await self._admit(session, code, telegram_id, display_name, now)
            if admission in WRONG_CODES:
                await wrong_codes.count(telegram_id, in_a_row + 1, now)
            elif admission is Admission.ADMITTED and wrong is not None:
                await wrong_codes.forget(telegram_id)
        return admission

    async def _admit(
        self, session: AsyncSession, code: str, telegram_id: int, display_name: str, now: datetime
    ) -> Admission:
        people = People(session)
        known = await people.by_telegram_id(telegram_id)
        if known is not None and known.active:
            return Admission.ALREADY_ADMITTED
        invitation = await Invitations(session).lock(code)
        if invitation is None:
            return Admission.UNKNOWN_CODE
        if invitation.used_at is not None:
            return Admission.USED_CODE
        if invitation.expires_at <= now:
            return Admission.EXPIRED_CODE
        if known is None:
            person = await people.add(
                Person(
                    telegram_id=telegram_id,
                    display_name=display_name[:120],
                    role=invitation.role,
                    partij=invitation.partij,
                    expertise=list(invitation.expertise),
                    created_at=now,
                )
            )
        else:
            person = await people.reactivate(known, invitation)
        assert person.id is not None
        await Invitations(session).mark_used(invitation, person.id, now=now)
        await AuditLog(session).record(
            "toegelaten" if known is None else "heractiveerd",
            actor_id=person.id,
            details={"role": person.role, "partij": person.partij},
            at=now,
        )
        return Admission.ADMITTED

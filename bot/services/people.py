"""Coördinatoren keep the people of regiebot: who has access, in which role and partij, what
matching weighs of them, and the invitations that have not been used yet.

Each change is one unit of work with an audit entry naming the coördinator as the actor (never
free text). A person's expertise, capacity and absence change through the profile service, so a
coördinator's change is the very change the person would make themselves. Deactivating someone
takes their access at once (the gate asks for every update) and, in the same commit, moves their
open offers on to the next candidate and the casussen they hold back into matching."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.services.admission import AdmissionService
from bot.services.assignment import AssignmentService, Moved
from bot.services.clock import Clock
from bot.services.profile import Profile, ProfileService
from rules import Schema
from rules.vocabulary import Role
from storage import AuditLog, Database, Invitations, People
from storage.models import Invitation, Person

DEACTIVATED = "gedeactiveerd"
PARTIJ_CHANGED = "partij_gewijzigd"
REVOKED = "uitnodiging_ingetrokken"
ROLE_ORDER = (Role.COORDINATOR, Role.REGISSEUR, Role.MELDER)  # as /mensen lists them


@dataclass(frozen=True, slots=True)
class PersonLine:
    """One person in the list: enough to recognise them and see how busy they are."""

    person_id: int
    name: str
    role: Role
    partij: str | None
    partij_name: str | None
    open_casussen: int
    capacity: int
    absent: bool


@dataclass(frozen=True, slots=True)
class Group:
    """The people of one role and partij."""

    role: Role
    partij_name: str | None
    people: tuple[PersonLine, ...]


@dataclass(frozen=True, slots=True)
class PersonCard:
    """One person as a coördinator sees them: their name beside the profile they would see."""

    name: str
    profile: Profile


@dataclass(frozen=True, slots=True)
class Deactivated:
    """Someone's access taken away: the casussen that went on without them."""

    moved: tuple[Moved, ...]


@dataclass(frozen=True, slots=True)
class Pending:
    """An invitation nobody has used yet."""

    invitation_id: int
    role: Role
    partij_name: str | None
    expertise: tuple[str, ...]  # labels
    expires_at: datetime


class PeopleService:
    def __init__(
        self,
        database: Database,
        schema: Schema,
        admission: AdmissionService,
        profiles: ProfileService,
        assignments: AssignmentService,
        *,
        clock: Clock,
        invitation_days: int = 7,
    ) -> None:
        self.database = database
        self.schema = schema
        self.admission = admission
        self.profiles = profiles
        self.assignments = assignments
        self.invitation_days = invitation_days
        self.clock = clock
        self.expertise_labels = {
            o.code: o.label for q in schema.expertise_questions for o in q.options
        }

    # --- reading --------------------------------------------------------------------------------

    async def groups(self) -> tuple[Group, ...]:
        """Everyone with access, by role (coördinatoren first) and then by partij name."""
        now = self.clock()
        async with self.database.reading() as session:
            people = People(session)
            lines = [
                PersonLine(
                    person.id,
                    person.display_name,
                    person.role,
                    person.partij,
                    self.partij_name(person.partij),
                    await people.open_caseload(person.id),
                    person.capacity,
                    person.absent_until is not None and person.absent_until > now,
                )
                for person in await people.active()
                if person.id is not None
            ]
        groups: dict[tuple[Role, str | None], list[PersonLine]] = {}
        for line in sorted(lines, key=_listed):
            groups.setdefault((line.role, line.partij_name), []).append(line)
        return tuple(Group(role, name, tuple(found)) for (role, name), found in groups.items())

    async def card(self, person_id: int) -> PersonCard:
        """One active person; a LookupError when there is none (any more)."""
        async with self.database.reading() as session:
            person = await People(session).get(person_id)
        if person is None or not person.active:
            raise LookupError(f"no active person {person_id}")
        return PersonCard(person.display_name, await self.profiles.profile(person_id))

    async def pending(self) -> tuple[Pending, ...]:
        async with self.database.reading() as session:
            found = await Invitations(session).pending(self.clock())
        return tuple(
            Pending(
                invitation.id or 0,
                invitation.role,
                self.partij_name(invitation.partij),
                tuple(self.expertise_labels.get(c, c) for c in invitation.expertise),
                invitation.expires_at,
            )
            for invitation in found
        )

    def partij_name(self, code: str | None) -> str | None:
        if code is None:
            return None
        partij = self.schema.partij_by_code.get(code)
        return partij.name if partij is not None else code

    # --- inviting -------------------------------------------------------------------------------

    async def invite(
        self,
        coordinator_id: int,
        role: Role,
        partij: str | None = None,
        expertise: Sequence[str] = (),
    ) -> Invitation:
        """A one-time invitation, valid for the configured number of days. A partij or expertise
        the schema does not know is a ValueError."""
        if partij is not None and partij not in self.schema.partij_by_code:
            raise ValueError(f"not a partij: {partij!r}")
        if any(code not in self.expertise_labels for code in expertise):
            raise ValueError(f"not all expertise codes: {list(expertise)}")
        return await self.admission.invite(
            role=role,
            partij=partij,
            expertise=expertise,
            valid_for=timedelta(days=self.invitation_days),
            created_by=coordinator_id,
        )

    async def revoke(self, coordinator_id: int, invitation_id: int) -> bool:
        """Ends a pending invitation; False when it was used or ended already."""
        async with self.database.transaction() as session:
            revoked = await Invitations(session).revoke(invitation_id, self.clock())
            if revoked is not None:
                await AuditLog(session).record(
                    REVOKED,
                    actor_id=coordinator_id,
                    details={"invitation_id": invitation_id, "role": revoked.role},
                    at=self.clock(),
                )
        return revoked is not None

    # --- changing someone -----------------------------------------------------------------------

    async def deactivate(self, coordinator_id: int, person_id: int) -> Deactivated | None:
        """Takes someone's access away; in the same commit their open offers go on to the next
        candidate and the casussen they hold back into matching. None when they were no longer
        active. A coördinator cannot deactivate themselves (a
        ValueError): someone else has to, so there is always a coördinator."""
        if coordinator_id == person_id:
            raise ValueError("a coördinator cannot deactivate themselves")
        async with self.database.transaction() as session:
            people = People(session)
            person = await people.lock(person_id)
            if person is None or not person.active:
                return None
            person.active = False
            await people.save(person)
            await AuditLog(session).record(
                DEACTIVATED,
                actor_id=coordinator_id,
                details={"person_id": person_id, "role": person.role},
                at=self.clock(),
            )
            return Deactivated(await self.assignments.release_all_of(session, person_id))

    async def set_partij(self, coordinator_id: int, person_id: int, partij: str) -> PersonCard:
        """Moves someone to another partij of the schema (else a ValueError)."""
        if partij not in self.schema.partij_by_code:
            raise ValueError(f"not a partij: {partij!r}")
        async with self.database.transaction() as session:
            person = await self._active(People(session), person_id)
            if person.partij != partij:
                details = {"person_id": person_id, "from": person.partij, "to": partij}
                person.partij = partij
                await People(session).save(person)
                await AuditLog(session).record(
                    PARTIJ_CHANGED,
                    actor_id=coordinator_id,
                    details=details,
                    at=self.clock(),
                )
        return await self.card(person_id)

    async def set_expertise(
        self, coordinator_id: int, person_id: int, code: str, chosen: bool
    ) -> PersonCard:
        await self._must_have_access(person_id)
        await self.profiles.set_expertise(person_id, code, chosen, actor_id=coordinator_id)
        return await self.card(person_id)

    async def set_capacity(self, coordinator_id: int, person_id: int, capacity: int) -> PersonCard:
        await self._must_have_access(person_id)
        await self.profiles.set_capacity(person_id, capacity, actor_id=coordinator_id)
        return await self.card(person_id)

    async def absent_for(self, coordinator_id: int, person_id: int, days: int) -> PersonCard:
        await self._must_have_access(person_id)
        await self.profiles.absent_for(person_id, days, actor_id=coordinator_id)
        return await self.card(person_id)

    async def present_again(self, coordinator_id: int, person_id: int) -> PersonCard:
        await self._must_have_access(person_id)
        await self.profiles.present_again(person_id, actor_id=coordinator_id)
        return await self.card(person_id)

    async def _must_have_access(self, person_id: int) -> None:
        """Someone deactivated is not changed any more (a LookupError), whatever an older
        message of /mensen still offers."""
        async with self.database.transaction() as session:
            await self._active(People(session), person_id)

    async def _active(self, people: People, person_id: int) -> Person:
        person = await people.lock(person_id)
        if person is None or not person.active:
            raise LookupError(f"no active person {person_id}")
        return person


def _listed(line: PersonLine) -> tuple[int, str, str]:
    return (ROLE_ORDER.index(line.role), line.partij_name or "", line.name.lower())

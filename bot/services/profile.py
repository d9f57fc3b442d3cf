"""A regisseur's own profile: what matching weighs of them (expertise, capacity, absence), to read
and to change, one unit of work per change, each audited. It is also the dialogue that waits for
a typed last day of absence (`name` in the chat's state row)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.clock import Clock
from bot.services.dates import LOCAL_TIME
from bot.services.turn import Turn
from conversation import absence
from conversation.dates import within_a_year
from conversation.intake import START
from conversation.messages import Reply, Typed
from conversation.typed import Invalid
from rules import Schema
from rules.vocabulary import Role
from storage import AuditLog, Database, Intake, IntakeStates, People
from storage.models import Person

MIN_CAPACITY = 0
MAX_CAPACITY = 50
CHANGED = "profiel_gewijzigd"  # the audit action of every change


@dataclass(frozen=True, slots=True)
class ExpertiseOption:
    code: str
    label: str
    chosen: bool


@dataclass(frozen=True, slots=True)
class ExpertiseGroup:
    """The options of one expertise question of the schema (Cliëntprofiel, Interventie, ...)."""

    title: str
    options: tuple[ExpertiseOption, ...]


@dataclass(frozen=True, slots=True)
class Profile:
    person_id: int
    role: Role
    partij: str | None
    partij_name: str | None
    expertise: tuple[ExpertiseGroup, ...]
    capacity: int
    open_casussen: int  # held and not closed, plus offers waiting for an answer
    last_absent_day: date | None  # None: present (an absence that has ended is none)

    @property
    def chosen(self) -> tuple[ExpertiseOption, ...]:
        return tuple(o for group in self.expertise for o in group.options if o.chosen)

    @property
    def can_lower(self) -> bool:
        return self.capacity > MIN_CAPACITY

    @property
    def can_raise(self) -> bool:
        return self.capacity < MAX_CAPACITY


class ProfileService:
    # In a chat's state row while it waits for a typed last day of absence; `awaiting_about`
    # then holds the id of the message that asked.
    name = "profiel"

    def __init__(self, database: Database, schema: Schema, *, clock: Clock) -> None:
        self.database = database
        self.schema = schema
        self.clock = clock
        self.expertise_codes = frozenset(
            o.code for q in schema.expertise_questions for o in q.options
        )

    def today(self) -> date:
        """Today in the Netherlands, where a regisseur counts their days."""
        return self.clock().astimezone(LOCAL_TIME).date()

    async def profile(self, person_id: int, *, chat_id: int | None = None) -> Profile:
        """The profile as it stands; with `chat_id`, that chat no longer waits for a typed day."""
        async with self.database.transaction() as session:
            if chat_id is not None:
                await self._stop_waiting(session, chat_id)
            return await self._profile(session, await self._person(session, person_id))

    async def set_expertise(
        self, person_id: int, code: str, chosen: bool, *, actor_id: int | None = None
    ) -> Profile:
        """Chooses or unchooses `code`, the same whether it was chosen before or not, so a press
        that comes twice counts once. Only the codes of the schema's expertise questions:
        anything else is a ValueError. `actor_id`: who changes it, when not the person (a
        coördinator); every method that changes a profile takes it."""
        if code not in self.expertise_codes:
            raise ValueError(f"not an expertise code: {code!r}")
        async with self.database.transaction() as session:
            person = await self._person(session, person_id)
            if (code in person.expertise) != chosen:
                others = [c for c in person.expertise if c != code]
                person.expertise = [*others, code] if chosen else others
                details = {"field": "expertise", "code": code, "chosen": chosen}
                await self._changed(session, person, details, actor_id)
            return await self._profile(session, person)

    async def set_capacity(
        self, person_id: int, capacity: int, *, actor_id: int | None = None
    ) -> Profile:
        """How many casussen at once; from MIN_CAPACITY to MAX_CAPACITY, else a ValueError."""
        if not MIN_CAPACITY <= capacity <= MAX_CAPACITY:
            raise ValueError(f"capacity {capacity} is not from {MIN_CAPACITY} to {MAX_CAPACITY}")
        async with self.database.transaction() as session:
            person = await self._person(session, person_id)
            if person.capacity != capacity:
                details = {"field": "capacity", "from": person.capacity, "to": capacity}
                person.capacity = capacity
                await self._changed(session, person, details, actor_id)
            return await self._profile(session, person)

    async def set_absence(
        self,
        person_id: int,
        last_day: date,
        *,
        chat_id: int | None = None,
        actor_id: int | None = None,
    ) -> Profile:
        """Absent to the end of `last_day` (Dutch time): from today up to a year ahead, else a
        ValueError. With `chat_id`, that chat no longer waits for a typed day."""
        if isinstance(within_a_year(last_day, self.today()), Invalid):
            raise ValueError(f"{last_day} is not from today up to a year ahead")
        async with self.database.transaction() as session:
            if chat_id is not None:
                await self._stop_waiting(session, chat_id)
            person = await self._person(session, person_id)
            person = await self._absent(session, person, last_day, actor_id)
            return await self._profile(session, person)

    async def absent_for(
        self,
        person_id: int,
        days: int,
        *,
        chat_id: int | None = None,
        actor_id: int | None = None,
    ) -> Profile:
        """Absent to the end of the day `days` from today ("1 week": 7)."""
        if not 0 <= days <= 366:  # beyond a year, or no date at all (a forged button)
            raise ValueError(f"{days} days ahead is not from today up to a year ahead")
        last_day = self.today() + timedelta(days=days)
        return await self.set_absence(person_id, last_day, chat_id=chat_id, actor_id=actor_id)

    async def present_again(
        self, person_id: int, *, chat_id: int | None = None, actor_id: int | None = None
    ) -> Profile:
        """Ends an absence at once: matching offers them casussen again."""
        async with self.database.transaction() as session:
            if chat_id is not None:
                await self._stop_waiting(session, chat_id)
            person = await self._person(session, person_id)
            if self._last_absent_day(person) is not None:
                person.absent_until = None
                details = {"field": "absent_until", "to": None}
                await self._changed(session, person, details, actor_id)
            return await self._profile(session, person)

    async def ask_absence_day(self, chat_id: int, message_id: int | None = None) -> None:
        """The chat's next typed text is the last day of absence (see `step`); `message_id`, the
        channel's message that asks, is closed by the answer."""
        about = str(message_id) if message_id is not None else None
        async with self.database.transaction() as session:
            saved = await IntakeStates(session).lock_or_create(chat_id, START, now=self.clock())
            await IntakeStates(session).save(
                replace(saved, awaiting=self.name, awaiting_about=about),
                now=self.clock(),
            )

    async def step(
        self, session: AsyncSession, saved: Intake, event: Typed, melder_id: int | None
    ) -> Turn:
        """A typed last day of absence (the free text dialogue; `melder_id` is whoever typed it).
        A day that cannot be meant gets the reason and the question again; "stoppen" ends it."""
        answer = absence.answer(event.text, self.today())
        if melder_id is None:  # nobody to set it for: only a member is asked
            answer = absence.AbsenceAnswer(absence.UNCHANGED, answered=absence.NOT_CHANGED)
        elif answer.last_day is not None:
            await self._absent(session, await self._person(session, melder_id), answer.last_day)
        asking = saved.awaiting_about
        if answer.done:
            saved = replace(saved, awaiting=None, awaiting_about=None)
        await IntakeStates(session).save(saved, now=self.clock())
        message_id = int(asking) if asking is not None and asking.isdigit() else None
        return Turn((Reply(answer.text),), answer.answered, message_id)

    async def _stop_waiting(self, session: AsyncSession, chat_id: int) -> None:
        states = IntakeStates(session)
        saved = await states.lock(chat_id)
        if saved is not None and saved.awaiting == self.name:
            await states.save(replace(saved, awaiting=None, awaiting_about=None), now=self.clock())

    async def _person(self, session: AsyncSession, person_id: int) -> Person:
        person = await People(session).lock(person_id)
        if person is None:
            raise LookupError(f"no person {person_id}")
        return person

    async def _absent(
        self, session: AsyncSession, person: Person, last_day: date, actor_id: int | None = None
    ) -> Person:
        if self._last_absent_day(person) != last_day:
            person.absent_until = _end_of(last_day)
            details = {"field": "absent_until", "to": last_day.isoformat()}
            await self._changed(session, person, details, actor_id)
        return person

    async def _changed(
        self,
        session: AsyncSession,
        person: Person,
        details: dict[str, Any],
        actor_id: int | None = None,
    ) -> None:
        """Saves and audits a change; one made by someone else names whose profile it was."""
        await People(session).save(person)
        if actor_id is not None and actor_id != person.id:
            details = {**details, "person_id": person.id}
        await AuditLog(session).record(
            CHANGED, actor_id=actor_id or person.id, details=details, at=self.clock()
        )

    async def _profile(self, session: AsyncSession, person: Person) -> Profile:
        assert person.id is not None
        chosen = set(person.expertise)
        partij = self.schema.partij_by_code.get(person.partij or "")
        return Profile(
            person_id=person.id,
            role=person.role,
            partij=person.partij,
            partij_name=partij.name if partij is not None else person.partij,
            expertise=tuple(
                ExpertiseGroup(
                    question.short or question.id,
                    tuple(
                        ExpertiseOption(o.code, o.label, o.code in chosen) for o in question.options
                    ),
                )
                for question in self.schema.expertise_questions
            ),
            capacity=person.capacity,
            open_casussen=await People(session).open_caseload(person.id),
            last_absent_day=self._last_absent_day(person),
        )

    def _last_absent_day(self, person: Person) -> date | None:
        until = person.absent_until
        if until is None or until <= self.clock():
            return None
        return (until.astimezone(LOCAL_TIME) - timedelta(microseconds=1)).date()


def _end_of(day: date) -> datetime:
    """The moment `day` ends in the Netherlands (the next midnight there), in UTC."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=LOCAL_TIME).astimezone(UTC)

"""Runs one step of the intake for one chat, as one unit of work: lock the chat's state, move the
dialogue, store the casus when it is confirmed, save the new state; then hand over the replies.
Every channel (console, Telegram) goes through here."""

from __future__ import annotations

import logging
from dataclasses import replace

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.assignment import AssignmentService
from bot.services.clock import Clock
from bot.services.turn import Turn
from conversation.group import GROUP, Group
from conversation.intake import START, GroupRegistration, IntakeDialogue, Registration
from conversation.messages import Command, Input, Memory
from rules import Schema, advice_record
from storage import AuditLog, Casussen, Database, Groups, Intake, IntakeStates
from storage.models import CasusGroup

log = logging.getLogger(__name__)

# Telegram redelivers an update within a day at most, one chat's updates in order: the last few
# ids of a chat are enough to recognise one that was applied already.
REMEMBERED_UPDATES = 20


class IntakeService:
    name = "intake"  # in a chat's state row, when the intake waits for its free text

    def __init__(
        self,
        database: Database,
        schema: Schema,
        assignments: AssignmentService | None = None,
        *,
        clock: Clock,
        group_max: int = 25,
    ) -> None:
        self.database = database
        self.clock = clock
        self.dialogue = IntakeDialogue(schema, group_max)  # one machine for every chat
        # Offers every casus it stores, in the same unit of work.
        self.assignments = assignments or AssignmentService(database, schema, clock=clock)

    async def handle(
        self,
        chat_id: int,
        event: Input,
        *,
        melder_id: int | None = None,
        update_id: int | None = None,
    ) -> Turn:
        """One input; `update_id` (Telegram's) makes a redelivered update change nothing."""
        async with self.database.transaction() as session:
            saved = await IntakeStates(session).lock_or_create(chat_id, START, now=self.clock())
            if update_id is not None and update_id in saved.handled_updates:
                return self.again(saved)
            return await self.step(session, handling(saved, update_id), event, melder_id)

    def again(self, saved: Intake) -> Turn:
        """What a redelivered update gets: nothing is applied; a running intake shows its current
        question again, as the first answer to the update may never have reached the user."""
        if saved.state not in self.dialogue.running:
            return Turn(())
        return Turn(self.dialogue.step(_memory(saved), Command("aanmelden")).replies)

    async def step(
        self, session: AsyncSession, saved: Intake, event: Input, melder_id: int | None
    ) -> Turn:
        """One step on a chat's locked state row, inside the caller's unit of work."""
        step = self.dialogue.step(_memory(saved), event)
        replies, answered = step.replies, step.answered
        if isinstance(step.registration, Registration):
            reference, told = await self._register(
                session, step.registration, saved.chat_id, melder_id
            )
            step = self.dialogue.registered(step.memory, reference, told)
            replies += step.replies
        elif isinstance(step.registration, GroupRegistration):
            group, members = await self._register_group(
                session, step.registration, saved.chat_id, melder_id
            )
            step = self.dialogue.registered_group(step.memory, group.reference, members)
            replies += step.replies
        new = step.memory
        draft = list(new.draft) if new.draft is not None else None
        if isinstance(event, Command):  # a command moves on from a reason or day typed elsewhere
            saved = replace(saved, awaiting=None, awaiting_about=None)
        await IntakeStates(session).save(
            replace(
                saved, state=new.state, answers=new.answers, draft=draft, group=_scope_record(new)
            ),
            now=self.clock(),
        )
        return Turn(replies, answered, saved.question_message_id)

    async def remember_question(self, chat_id: int, message_id: int) -> None:
        """The channel sent `message_id` to ask the chat's current question: a later answer closes
        that message. Its own short unit of work, after the step's: the message id exists only
        once the reply is sent, and the reply goes out only after the step is committed."""
        async with self.database.transaction() as session:
            states = IntakeStates(session)
            saved = await states.lock(chat_id)
            if saved is not None and saved.question_message_id != message_id:
                await states.save(replace(saved, question_message_id=message_id), now=self.clock())

    async def _register(
        self,
        session: AsyncSession,
        registration: Registration,
        chat_id: int,
        melder_id: int | None,
        group: CasusGroup | None = None,
    ) -> tuple[str, tuple[str, ...]]:
        """Stores the confirmed aanmelding as a casus and offers it; returns its reference and
        what the melder is told of the offer."""
        casus = await Casussen(session).create(
            answers=registration.answers,
            advice=advice_record(registration.advice),
            melder_id=melder_id,
            chat_id=chat_id,
            group_id=group.id if group is not None else None,
            now=self.clock(),
        )
        details = {"partij": casus.partij, "rule": casus.rule, "outcome": casus.outcome}
        if group is not None:
            details["groep"] = group.reference
        await AuditLog(session).record(
            "casus_aangemeld",
            actor_id=melder_id,
            casus_reference=casus.reference,
            details=details,
            at=self.clock(),
        )
        log.info(
            "casus %s aangemeld (regel %s)",
            casus.reference,
            casus.rule,
            extra={"casus": casus.reference},
        )
        told = await self.assignments.offer_new(session, casus)
        return casus.reference, told

    async def _register_group(
        self,
        session: AsyncSession,
        registration: GroupRegistration,
        chat_id: int,
        melder_id: int | None,
    ) -> tuple[CasusGroup, list[tuple[str, tuple[str, ...]]]]:
        """Stores a confirmed group: the group with its own reference, then every person as a
        casus of its own, offered as any other; all in the step's unit of work."""
        group = await Groups(session).create(melder_id=melder_id, chat_id=chat_id, now=self.clock())
        members = [
            await self._register(session, member, chat_id, melder_id, group)
            for member in registration.members
        ]
        log.info("groep %s aangemeld (%d personen)", group.reference, len(members))
        return group, members


def handling(saved: Intake, update_id: int | None) -> Intake:
    """The state row that remembers `update_id` as applied, saved with the step it comes with."""
    if update_id is None:
        return saved
    return replace(saved, handled_updates=(*saved.handled_updates, update_id)[-REMEMBERED_UPDATES:])


def _memory(saved: Intake) -> Memory:
    """What the dialogue remembers of a chat, from its state row."""
    draft = tuple(saved.draft) if saved.draft is not None else None
    record = saved.group or {}
    scope = record.get("scope")
    group = Group.from_record(record) if scope == GROUP else None
    return Memory(saved.state, saved.answers, draft, scope, group)


def _scope_record(memory: Memory) -> dict[str, object] | None:
    """One person or a group, as the state row keeps it."""
    if memory.group is not None:
        return memory.group.to_record()
    return {"scope": memory.scope} if memory.scope is not None else None

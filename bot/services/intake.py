"""Runs one step of the intake for one chat, as one unit of work: lock the chat's state, move the
dialogue, store the casus when it is confirmed, save the new state; then hand over the replies.
Every channel (console, Telegram) goes through here."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from conversation.intake import START, IntakeDialogue
from conversation.messages import Input, Memory, Reply
from rules import Schema, advice_record
from storage import AuditLog, Casussen, Database, Intake, IntakeStates

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Turn:
    """What one input produced: the replies, and the accepted answer (for the question message)."""

    replies: tuple[Reply, ...]
    answered: str | None = None


class IntakeService:
    def __init__(self, database: Database, schema: Schema) -> None:
        self.database = database
        self.dialogue = IntakeDialogue(schema)  # one machine for every chat

    async def handle(self, chat_id: int, event: Input, *, melder_id: int | None = None) -> Turn:
        async with self.database.transaction() as session:
            states = IntakeStates(session)
            saved = await states.lock_or_create(chat_id, START)
            memory = Memory(
                saved.state, saved.answers, tuple(saved.draft) if saved.draft is not None else None
            )
            step = self.dialogue.step(memory, event)
            replies, answered = step.replies, step.answered
            if step.registration is not None:
                registration = step.registration
                casus = await Casussen(session).create(
                    answers=registration.answers,
                    advice=advice_record(registration.advice),
                    melder_id=melder_id,
                    chat_id=chat_id,
                )
                await AuditLog(session).record(
                    "casus_aangemeld",
                    actor_id=melder_id,
                    casus_reference=casus.reference,
                    details={"partij": casus.partij, "rule": casus.rule, "outcome": casus.outcome},
                )
                step = self.dialogue.registered(step.memory, casus.reference)
                replies += step.replies
                log.info("casus %s aangemeld (regel %s)", casus.reference, casus.rule)
            new = step.memory
            await states.save(
                Intake(
                    chat_id,
                    new.state,
                    new.answers,
                    list(new.draft) if new.draft is not None else None,
                    saved.message_id,
                )
            )
        return Turn(replies, answered)

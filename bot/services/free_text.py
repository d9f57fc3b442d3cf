"""Free text in a chat goes to the dialogue that waits for it, as the chat's state row names it
(`awaiting`): an intake answer, and next a regisseur's decline reason or a coördinator's reason.
Nothing named: the intake, which answers text outside an aanmelding politely."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.clock import Clock
from bot.services.intake import IntakeService, handling
from bot.services.turn import Turn
from conversation.intake import START
from conversation.messages import Typed
from storage import Database, Intake, IntakeStates


class TextDialogue(Protocol):
    name: str

    async def step(
        self, session: AsyncSession, saved: Intake, event: Typed, melder_id: int | None
    ) -> Turn: ...


class FreeTextService:
    def __init__(
        self,
        database: Database,
        intake: IntakeService,
        others: Sequence[TextDialogue] = (),
        *,
        clock: Clock,
    ) -> None:
        self.database = database
        self.clock = clock
        self.intake = intake
        self.dialogues: dict[str, TextDialogue] = {d.name: d for d in (intake, *others)}

    async def typed(
        self,
        chat_id: int,
        text: str,
        *,
        person_id: int | None = None,
        update_id: int | None = None,
    ) -> Turn:
        """`text` for the dialogue that waits for it. A redelivered update (`update_id` seen
        before) is not applied again: the text answered the question of its first delivery.
        Each dialogue saves the row it is given, and with it the update's id, in one commit."""
        async with self.database.transaction() as session:
            saved = await IntakeStates(session).lock_or_create(chat_id, START, now=self.clock())
            if update_id is not None and update_id in saved.handled_updates:
                return self.intake.again(saved)
            dialogue = self.dialogues.get(saved.awaiting or IntakeService.name, self.intake)
            return await dialogue.step(session, handling(saved, update_id), Typed(text), person_id)

    async def forget(self, chat_id: int) -> None:
        """The chat gave a command: no question of another dialogue waits for its text any
        more (a decline reason, a screening note, a day of absence), so later small talk is
        never taken for one."""
        async with self.database.reading() as session:  # most find nothing: no write lock for them
            waiting = await IntakeStates(session).lock(chat_id)
        if waiting is None or waiting.awaiting in (None, IntakeService.name):
            return
        async with self.database.transaction() as session:
            states = IntakeStates(session)
            saved = await states.lock(chat_id)
            if saved is not None and saved.awaiting not in (None, IntakeService.name):
                await states.save(
                    replace(saved, awaiting=None, awaiting_about=None), now=self.clock()
                )

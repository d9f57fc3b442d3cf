"""Unfinished intakes are personal data without a purpose once abandoned: an intake untouched
for the expiry period is wiped. Its melder is warned a day before and told when it is wiped.
Finished and cancelled intakes, and chats that never started one, go without a word."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.services.clock import Clock
from bot.services.dates import shown_date
from bot.services.intake import IntakeService
from conversation.intake import CANCELLED, FINISHED, START
from storage import Database, IntakeStates
from storage.repositories import IdleIntake

log = logging.getLogger(__name__)

WARNED_AHEAD = timedelta(days=1)
OWN_DIALOGUE = (
    None,
    IntakeService.name,
)  # rows another dialogue waits on are that dialogue's business

WARNING = (
    "Uw aanmelding van {date} is nog niet afgerond. Morgen worden de antwoorden gewist; "
    "typ /aanmelden om verder te gaan."
)
WIPED = (
    "Uw aanmelding van {date} is niet afgerond en de antwoorden zijn nu gewist. "
    "Typ /aanmelden om opnieuw te beginnen."
)


@dataclass(frozen=True, slots=True)
class Notice:
    """A message for a melder about their intake, sent after the change it reports committed."""

    chat_id: int
    text: str


@dataclass(frozen=True, slots=True)
class Expired:
    """What one run did: melders warned, unfinished intakes wiped, finished ones removed."""

    warned: int = 0
    wiped: int = 0
    removed: int = 0


def is_unfinished(idle: IdleIntake) -> bool:
    return bool(idle.answered) or idle.state not in (START, FINISHED, CANCELLED)


def was_warned(idle: IdleIntake, by: datetime | None = None) -> bool:
    """Warned since the chat was last touched (an answer after a warning starts anew), and no
    later than `by` if given."""
    warned_at = idle.expiry_warned_at
    return (
        warned_at is not None and warned_at >= idle.updated_at and (by is None or warned_at <= by)
    )


class IntakeExpiryService:
    def __init__(self, database: Database, expiry_days: int, *, clock: Clock) -> None:
        self.database = database
        self.expiry = timedelta(days=expiry_days)
        self.clock = clock

    async def run(self) -> tuple[Expired, list[Notice]]:
        """One pass over every idle chat, each change committed on its own; returns what it did
        and what its melders must be told."""
        now = self.clock()
        async with self.database.transaction() as session:
            idle = await IntakeStates(session).untouched_since(now - self.expiry + WARNED_AHEAD)
        warned = wiped = removed = 0
        notices: list[Notice] = []
        for intake in idle:
            if intake.awaiting not in OWN_DIALOGUE:
                continue
            expired = intake.updated_at <= now - self.expiry
            if not is_unfinished(intake):
                if expired and await self._delete(intake):
                    removed += 1
            elif not was_warned(intake):
                if await self._warn(intake, now):
                    warned += 1
                    notices.append(_notice(intake, WARNING))
            elif (
                expired and was_warned(intake, by=now - WARNED_AHEAD) and await self._delete(intake)
            ):
                wiped += 1
                notices.append(_notice(intake, WIPED))
        if warned or wiped or removed:
            log.info("intake expiry: %d warned, %d wiped, %d removed", warned, wiped, removed)
        return Expired(warned, wiped, removed), notices

    async def _warn(self, intake: IdleIntake, now: datetime) -> bool:
        async with self.database.transaction() as session:
            return await IntakeStates(session).mark_warned(intake, now)

    async def _delete(self, intake: IdleIntake) -> bool:
        async with self.database.transaction() as session:
            return await IntakeStates(session).delete_untouched(intake)


def _notice(intake: IdleIntake, text: str) -> Notice:
    return Notice(intake.chat_id, text.format(date=shown_date(intake.updated_at)))

"""The outbox's units of work, for the dispatcher (bot/workers/outbox.py): claim due rows under
a lease, mark them sent, reschedule or give up one, and give up a chat that blocked the bot.

A chat Telegram will never deliver to (403, or 400 "chat not found") has every unsent row given
up, its person marked blocked, an audit entry per row, and the active coordinators told, in one
transaction. No free text goes into the audit entries or the logs."""

from __future__ import annotations

from datetime import datetime, timedelta

from conversation.casus_texts import undeliverable
from storage import AuditLog, Database, Outbox
from storage.repositories import Claimed, GivenUp, block_chat

BLOCKED_ACTION = "geblokkeerd"  # the audit entry of a message given up for a blocked chat

__all__ = ["BLOCKED_ACTION", "Claimed", "OutboxService"]


class OutboxService:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def claim(self, now: datetime, lease: timedelta, limit: int) -> list[Claimed]:
        async with self.database.transaction() as session:
            return await Outbox(session).claim(now, lease, limit)

    async def mark_sent(self, ids: list[int], now: datetime) -> None:
        async with self.database.transaction() as session:
            await Outbox(session).mark_sent(ids, now)

    async def retry(self, row_id: int, error: str, at: datetime) -> None:
        async with self.database.transaction() as session:
            await Outbox(session).retry(row_id, error, at)

    async def give_up(self, row_id: int, error: str, now: datetime) -> None:
        async with self.database.transaction() as session:
            await Outbox(session).give_up(row_id, error, now)

    async def blocked(self, row: Claimed, error: str, status: str, now: datetime) -> int:
        """Telegram will never deliver to the row's chat: give up every unsent row to it, mark
        its person blocked, audit each row, and tell the coordinators. Returns how many
        coordinators are told (0 as well when another dispatcher got there first)."""
        async with self.database.transaction() as session:
            outbox = Outbox(session)
            given_up = await outbox.give_up_chat(row.chat_id, error, now)
            if not given_up:
                return 0
            blocked = await block_chat(session, row.chat_id, now)
            audit = AuditLog(session)
            for message in given_up:
                await audit.record(
                    BLOCKED_ACTION,
                    casus_reference=message.casus_reference,
                    details={
                        "chat_id": row.chat_id,
                        "person_id": blocked.person_id,
                        "outbox_id": message.id,
                        "status": status,
                    },
                    at=now,
                )
            for reference in _references(given_up):
                text = undeliverable(reference, blocked.role, blocked.display_name, row.chat_id)
                for coordinator in blocked.coordinators:
                    await outbox.add(coordinator, {"text": text}, reference, now=now)
        return len(blocked.coordinators)


def _references(given_up: list[GivenUp]) -> list[str | None]:
    """The casussen the rows were about, each once, in the order of the rows."""
    return list(dict.fromkeys(message.casus_reference for message in given_up))

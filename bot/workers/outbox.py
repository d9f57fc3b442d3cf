"""The outbox dispatcher: sends the messages the services committed to the outbox table, to
people other than the one whose update wrote them (an offer to a regisseur, a note to the
coordinators).

Each row is claimed in a short transaction that moves it a lease ahead, sent outside any
transaction with one try (`Sender.send_once`), and marked sent in a short transaction that
marks every row finished meanwhile: a crash between sending and marking sends the row again once
its lease runs out, so a message arrives at least once, never not at all. Only the oldest unsent
row of a chat is claimed (storage.repositories.Outbox), so each chat gets its messages in order
and at most one at a time, also with several processes sharing one PostgreSQL database.

Telegram's limits: about 30 messages a second per bot, which the dispatcher shares with the
handlers' replies through the Sender's rolling window; one a second per chat, spaced here. A
429 reschedules the row at its `retry_after` and pauses the chat; 5xx and network errors back
off exponentially with jitter, up to a few minutes, without end: the message matters and
Telegram comes back. A 403 (blocked, deactivated) or 400 "chat not found" is final: every unsent
row to that chat is given up, its person marked blocked, an audit entry written per row and the
active coordinators told, in one transaction. Logs name the casus and chat, never the text.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.logs import about_casus
from bot.services.clock import Clock
from bot.services.outbox import Claimed, OutboxService
from bot.telegram.render import card_keyboard
from bot.telegram.sender import Sender
from conversation.casus_texts import Action

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)  # longer than a claimed row can wait for its turn and its try
POLL_INTERVAL = 1.5  # seconds: rows another process wrote, and retries that came due
CHAT_INTERVAL = 1.0  # seconds from Telegram's answer to one message to the next to that chat
AHEAD = 2.0  # seconds of sending claimed at once, at most MOST_IN_FLIGHT rows
MOST_IN_FLIGHT = 100
STOP_GRACE = 10.0  # seconds a stop waits for tries under way before abandoning them to the lease


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential backoff with jitter: the n-th try waits between half and all of
    `first * 2**(n-1)` seconds, at most `longest`, so many rows failing together spread out."""

    first: float = 1.0
    longest: float = 300.0

    def delay(self, attempts: int, jitter: float) -> timedelta:
        """`jitter` in [0, 1)."""
        full = min(self.longest, self.first * 2 ** max(0, attempts - 1))
        return timedelta(seconds=full * (0.5 + jitter / 2))


class OutboxDispatcher:
    """Sends the outbox from one process; several may run against one database.

    `run()` loops until `stop()`; `wake()` after a commit that wrote outbox rows sends them at
    once, and polling every `poll_interval` seconds picks up rows other processes wrote and
    retries that came due. `clock` is the clock of every timestamp written and compared; the
    spacing per chat follows the event loop's clock."""

    def __init__(
        self,
        outbox: OutboxService,
        sender: Sender,
        *,
        clock: Clock,
        lease: timedelta = LEASE,
        chat_interval: float = CHAT_INTERVAL,
        poll_interval: float = POLL_INTERVAL,
        backoff: Backoff = Backoff(),
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.outbox = outbox
        self.sender = sender
        self.clock = clock
        self.lease = lease
        self.chat_interval = chat_interval
        self.poll_interval = poll_interval
        self.backoff = backoff
        self.jitter = jitter
        self.most_in_flight = max(1, min(MOST_IN_FLIGHT, int(sender.max_rate * AHEAD)))
        self._chat_free_at: dict[int, float] = {}  # loop time a chat may get its next message
        self._in_flight: set[asyncio.Task[None]] = set()
        self._sent: list[int] = []  # sent, not yet marked
        self._wakeup = asyncio.Event()
        self._stopping = False

    def wake(self) -> None:
        """Outbox rows were committed: send them now rather than at the next poll."""
        self._wakeup.set()

    def stop(self) -> None:
        """Ends `run()`: it waits briefly for the tries under way and marks what was sent."""
        self._stopping = True
        self._wakeup.set()

    async def run(self) -> None:
        try:
            while not self._stopping:
                self._wakeup.clear()
                await self._flush_and_claim()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wakeup.wait(), self.poll_interval)
        finally:
            await self._drain()

    async def _flush_and_claim(self) -> None:
        try:
            await self._flush()
            free = self.most_in_flight - len(self._in_flight)
            if free <= 0:
                return
            claimed = await self.outbox.claim(self.clock(), self.lease, free)
        except Exception:  # the database is away: the rows wait, and so does the loop
            log.exception("the outbox dispatcher could not reach the database")
            return
        for row in claimed:
            task = asyncio.create_task(self._deliver(row), name=f"outbox-{row.id}")
            self._in_flight.add(task)
            task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        self._wakeup.set()  # room for more, and a row to mark

    async def _flush(self) -> None:
        """Marks every row sent since the last flush, in one transaction."""
        if not self._sent:
            return
        ids, self._sent = self._sent, []
        try:
            await self.outbox.mark_sent(ids, self.clock())
        except Exception:
            self._sent[:0] = ids
            raise

    async def _drain(self) -> None:
        if self._in_flight:
            _, pending = await asyncio.wait(self._in_flight, timeout=STOP_GRACE)
            for task in pending:  # comes back after its lease: sent at least once
                task.cancel()
        try:
            await self._flush()
        except Exception:
            log.exception("marking sent outbox rows failed; they are sent again after the lease")

    async def _deliver(self, row: Claimed) -> None:
        """One try of one row, and its outcome in the database (in a task of its own, so every
        line it logs carries the row's casus)."""
        with about_casus(row.casus_reference):
            try:
                await self._try(row)
            except Exception:  # a bug or the database away: the row comes back after its lease
                log.exception("outbox %s (casus %s) to chat %s failed", *_named(row))

    async def _try(self, row: Claimed) -> None:
        try:
            text = row.payload["text"]
            keyboard = card_keyboard([Action(**b) for b in row.payload.get("buttons") or ()])
        except (KeyError, TypeError, ValueError) as error:
            log.error("outbox %s (casus %s) to chat %s cannot be sent: %s", *_named(row), error)
            await self._give_up(row, f"unusable payload: {type(error).__name__}")
            return
        await self._wait_for_chat(row.chat_id)
        try:
            await self.sender.send_once(row.chat_id, text, keyboard)
        except RetryAfter as error:  # the Sender paused the chat
            wait = _seconds(error.retry_after)
            log.info("outbox %s (casus %s) to chat %s: flood control", *_named(row))
            await self._retry(row, f"429 retry after {wait:g}", timedelta(seconds=wait))
        except Forbidden as error:
            await self._blocked(row, "403", str(error))
        except BadRequest as error:
            if "chat not found" in str(error).lower():
                await self._blocked(row, "400", str(error))
            else:
                log.error(
                    "Telegram refused outbox %s (casus %s) to chat %s: %s", *_named(row), error
                )
                await self._give_up(row, f"400 {error}")
        except (NetworkError, TelegramError) as error:  # 5xx, timeouts, dropped connections
            delay = self.backoff.delay(row.attempts, self.jitter())
            log.warning(
                "outbox %s (casus %s) to chat %s failed (%s); again in %.0f s",
                *_named(row),
                error,
                delay.total_seconds(),
            )
            await self._retry(row, f"{type(error).__name__}: {error}", delay)
        else:
            self._chat_free_at[row.chat_id] = _loop_time() + self.chat_interval
            self._sent.append(row.id)
            log.debug("sent outbox %s (casus %s) to chat %s", *_named(row))

    async def _wait_for_chat(self, chat_id: int) -> None:
        free_at = self._chat_free_at.pop(chat_id, None)
        if free_at is not None and free_at > _loop_time():
            await asyncio.sleep(free_at - _loop_time())

    async def _retry(self, row: Claimed, error: str, after: timedelta) -> None:
        await self.outbox.retry(row.id, error, self.clock() + after)

    async def _give_up(self, row: Claimed, error: str) -> None:
        await self.outbox.give_up(row.id, error, self.clock())

    async def _blocked(self, row: Claimed, status: str, reason: str) -> None:
        if await self.outbox.blocked(row, f"{status} {reason}", status, self.clock()):
            self.wake()  # the coordinators' notices


def _named(row: Claimed) -> tuple[int, str, int]:
    return row.id, row.casus_reference or "-", row.chat_id


def _loop_time() -> float:
    return asyncio.get_running_loop().time()


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)

"""`regiebot run`'s life: the Application started as python-telegram-bot's `run_polling` and
`run_webhook` start it (initialize, post_init, receiving, start ... stop, post_stop, shutdown,
post_shutdown), and stopped gracefully on SIGTERM or SIGINT:

1. receiving stops: polling takes no more (what it had not taken waits at Telegram), handles
   what it took and then confirms it to Telegram; the webhook server takes no more deliveries,
   after handling those under way (Telegram delivers again what got no 200);
2. the Application handles every update it still has, replies sent and state committed, and
   stops its jobs (timers, intake expiry, retention) after the ones running;
3. post_stop stops the outbox dispatcher after the sends under way; unsent rows and due timers
   wait in the database for the next start.

Few updates are in hand at any time (bot/telegram/in_hand.py), so this takes seconds.

Not `run_polling` itself: a stop signal arriving while it starts up (in post_init, say) raises
SystemExit in the middle of a coroutine, and its shutdown then fails with "Event loop stopped
before Future completed" (measured with python-telegram-bot 22.8). Here a signal only sets an
event, so a stop during start-up waits until the bot has started and then stops it cleanly; a
second signal changes nothing. Nor its Updater, which takes every update Telegram has however
many are in hand (Poller below).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from telegram import Bot, Update
from telegram.error import TelegramError
from telegram.ext import Application

from bot.settings import Settings
from bot.telegram.in_hand import InHand
from bot.telegram.webhook import receiving_webhook

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, Any, Any]
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
POLL_TIMEOUT = 10  # seconds a getUpdates call waits for an update to arrive
BATCH = 100  # the most updates Telegram gives in one getUpdates
RETRY_DELAYS = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0)  # seconds after 1, 2, ... failed getUpdates
# Seconds the poller waits, while updates are in hand and none is handled, before it asks
# Telegram again anyway: what arrives while one update takes long waits at most this long.
CONFIRM_WAIT = 0.25


async def run(application: App, settings: Settings, health: Callable[[], Awaitable[str]]) -> None:
    """Runs the bot, polling or on its webhook as `settings` say, until SIGTERM or SIGINT."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for stop_signal in STOP_SIGNALS:
        loop.add_signal_handler(stop_signal, stopping.set)
    receiving: AbstractAsyncContextManager[None] = (
        receiving_webhook(application, settings, health)
        if settings.webhook_url
        else _polling(application)
    )
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        async with receiving:
            await application.start()
            await stopping.wait()
            log.info("stopping: receiving no more updates, handling the ones in hand")
        await application.stop()
        if application.post_stop is not None:
            await application.post_stop(application)
        log.info("stopped")
    finally:
        if application.running:  # start-up failed half way
            await application.stop()
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
        for stop_signal in STOP_SIGNALS:
            loop.remove_signal_handler(stop_signal)


@contextlib.asynccontextmanager
async def _polling(application: App) -> AsyncIterator[None]:
    """Long polling for the block; at its end, once what was taken is handled, it is confirmed
    to Telegram."""
    in_hand = application.update_queue
    assert isinstance(in_hand, InHand), "build_application gives the Application an InHand"
    await application.bot.delete_webhook()  # getUpdates fails while a webhook is set
    poller = Poller(application.bot, in_hand)
    polling = asyncio.create_task(poller.run(), name="polling")
    try:
        yield
    finally:
        polling.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await polling
        if application.running:
            await in_hand.join()
        await poller.confirm()


class Poller:
    """Takes updates from getUpdates while there is room in hand, as many as there is room for,
    and confirms an update (with a later call's offset, or `confirm`) only once it and every
    update before it are handled: one killed with updates in hand gets them again from Telegram
    at its next start, and the services apply each once. Instead of python-telegram-bot's
    Updater, which takes whatever Telegram gives and confirms a batch as soon as it is queued.

    While an update is in hand, Telegram answers every getUpdates at once, with the updates from
    the offset on again. So with updates in hand the poller asks again only once another one is
    handled and there is room for at least as many new updates as would come again (which keeps
    that repetition to about one update per new one, and when busy, fetches in batches while
    the other half in hand is handled); or after CONFIRM_WAIT, for what arrived meanwhile. One
    update that takes long holds the offset: once BATCH updates after it are taken, no more come
    until it is handled."""

    def __init__(self, bot: Bot, in_hand: InHand) -> None:
        self.bot = bot
        self.in_hand = in_hand
        self.taken = 0  # the next update id to take; those below it were taken
        self.confirmed = 0  # the offset Telegram last accepted; those below it are confirmed

    def offset(self) -> int:
        """Where the next getUpdates starts: the first update taken and not yet handled, else
        the next to take. Never back: an update Telegram gives again below it (after it was
        confirmed) is applied once by the services, it need not be confirmed again."""
        first = self.in_hand.first_unhandled()
        return max(self.confirmed, self.taken if first is None else first)

    async def run(self) -> None:
        failures = 0
        while True:
            await self.in_hand.wait_for_room()
            offset, handled = self.offset(), self.in_hand.handled_so_far
            again = self.taken - offset  # taken, not yet confirmed: Telegram gives them again
            limit = min(BATCH, self.in_hand.room() + again)
            try:
                updates = await self.bot.get_updates(
                    offset=offset,
                    limit=limit,
                    timeout=POLL_TIMEOUT,
                    allowed_updates=Update.ALL_TYPES,
                )
            except TelegramError as error:  # Telegram or the network away; a Conflict
                failures += 1
                delay = RETRY_DELAYS[min(failures, len(RETRY_DELAYS)) - 1]
                log.warning("getUpdates failed (%s); again in %g s", error, delay)
                await asyncio.sleep(delay)
                continue
            failures = 0
            self.confirmed = offset
            for update in updates:  # no await from here: what is taken is queued, all or nothing
                if not offset <= update.update_id < self.taken:
                    self.in_hand.put_nowait(update)
                    self.taken = max(self.taken, update.update_id + 1)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(CONFIRM_WAIT):
                    while not self._worth_asking(handled):
                        await self.in_hand.changed()

    def _worth_asking(self, handled: int) -> bool:
        """Whether a getUpdates now brings more than what is in hand: nothing is in hand (a long
        poll, waiting for new updates), or another update was handled since `handled` and at
        least as many new ones may come as would come again."""
        if self.in_hand.first_unhandled() is None:
            return True
        again = self.taken - self.offset()
        return self.in_hand.handled_so_far > handled and self.in_hand.room() >= again

    async def confirm(self) -> None:
        """Tells Telegram that everything handled was received, so a next start does not get it
        again (if this fails, it does, and applies it once: the services remember update ids)."""
        offset = self.offset()
        if offset <= self.confirmed:
            return
        try:
            await self.bot.get_updates(offset=offset, limit=1, timeout=0)
        except TelegramError as error:
            log.warning("confirming the updates handled failed (%s); they come again", error)

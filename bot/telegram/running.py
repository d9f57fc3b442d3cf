"""`regiebot run`'s life: the Application started as python-telegram-bot's `run_polling` and
`run_webhook` start it (initialize, post_init, receiving, start ... stop, post_stop, shutdown,
post_shutdown), and stopped gracefully on SIGTERM or SIGINT:

1. receiving stops: polling confirms to Telegram what it fetched and fetches no more (what it
   had not fetched waits at Telegram); the webhook server takes no more deliveries (Telegram
   delivers again what got no 200), after queueing those under way;
2. the Application handles every update it received, replies sent and state committed, and
   stops its jobs (timers, intake expiry, retention) after the ones running;
3. post_stop stops the outbox dispatcher after the sends under way; unsent rows and due timers
   wait in the database for the next start.

Not `run_polling` itself: a stop signal arriving while it starts up (in post_init, say) raises
SystemExit in the middle of a coroutine, and its shutdown then fails with "Event loop stopped
before Future completed" (measured with python-telegram-bot 22.8). Here a signal only sets an
event, so a stop during start-up waits until the bot has started and then stops it cleanly; a
second signal changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.settings import Settings
from bot.telegram.webhook import receiving_webhook

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, Any, Any]
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


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
    updater = application.updater
    assert updater is not None, "polling needs the Application's Updater"
    await updater.start_polling(allowed_updates=Update.ALL_TYPES)
    try:
        yield
    finally:
        await updater.stop()

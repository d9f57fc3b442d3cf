"""An outbox dispatcher in a process of its own, for the crash test (and bench/notify.py):

    python -m tests.workers.dispatcher_process DATABASE_URL BASE_URL LEASE_SECONDS [CHAT_INTERVAL]

It sends until it is killed; the Bot API is the fake the caller runs on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta

from telegram import Bot

from bot.services.clock import wall_clock
from bot.services.outbox import OutboxService
from bot.telegram.sender import Sender
from bot.telegram.transport import AiohttpRequest
from bot.workers.outbox import Backoff, OutboxDispatcher
from storage import Database
from tests.telegram.fake_bot_api import TOKEN


async def dispatch(database_url: str, base_url: str, lease: float, chat_interval: float) -> None:
    database = Database(database_url)
    async with Bot(TOKEN, base_url=base_url, request=AiohttpRequest(8)) as bot:
        dispatcher = OutboxDispatcher(
            OutboxService(database),
            Sender(bot, max_rate=30),
            lease=timedelta(seconds=lease),
            chat_interval=chat_interval,
            poll_interval=0.1,
            backoff=Backoff(first=0.05, longest=0.5),
            clock=wall_clock,
        )
        await dispatcher.run()


if __name__ == "__main__":
    url, base, lease_seconds = sys.argv[1:4]
    interval = float(sys.argv[4]) if len(sys.argv) > 4 else 1.0
    asyncio.run(dispatch(url, base, float(lease_seconds), interval))

"""The updates in hand while polling: fetched from Telegram and confirmed, and not yet handled
(the webhook answers a delivery only once it is handled, bot/telegram/webhook.py). Telegram
will not deliver them again, so a stop must handle them first, and a crash loses them; both
argue for few. python-telegram-bot's own Updater fetches as fast as Telegram gives, however many
wait in the Application (a backlog after a restart would be thousands, minutes of sending at
Telegram's 30 messages a second); regiebot receives only while fewer than `most` are in hand,
so a stop is over within seconds.
"""

from __future__ import annotations

import asyncio


class InHand(asyncio.Queue[object]):
    """The Application's update queue (ApplicationBuilder.update_queue), counting what is in hand:
    an update counts from `put` until the Application calls `task_done` after handling it (it
    does for every update it takes). `put` waits while `most` are in hand."""

    def __init__(self, most: int) -> None:
        super().__init__()
        self.most = most
        self.count = 0
        self._room = asyncio.Event()
        self._room.set()

    def room(self) -> int:
        """How many more may be received now."""
        return max(0, self.most - self.count)

    async def wait_for_room(self) -> None:
        while self.count >= self.most:
            self._room.clear()
            await self._room.wait()

    async def put(self, item: object) -> None:
        await self.wait_for_room()
        self.put_nowait(item)

    def put_nowait(self, item: object) -> None:
        super().put_nowait(item)
        self.count += 1

    def task_done(self) -> None:
        super().task_done()
        self.count -= 1
        if self.count < self.most:
            self._room.set()

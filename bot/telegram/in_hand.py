"""The updates in hand while polling: fetched from Telegram and not yet handled (the webhook
answers a delivery only once it is handled, bot/telegram/webhook.py). Polling confirms an update
to Telegram only once it and every update before it are handled, so a crash loses none: what was
in hand comes again after a restart, and the services apply it once. A stop handles what is in
hand first, so it argues for few. python-telegram-bot's own Updater fetches as fast as Telegram
gives, however many wait in the Application (a backlog after a restart would be thousands,
minutes of sending at Telegram's 30 messages a second); regiebot receives only while fewer than
`most` are in hand, so a stop is over within seconds.
"""

from __future__ import annotations

import asyncio

from telegram import Update


class InHand(asyncio.Queue[object]):
    """The Application's update queue (ApplicationBuilder.update_queue), counting what is in hand:
    an update counts from `put` until the Application calls `task_done` after handling it (it
    does for every update it takes). `put` waits while `most` are in hand. It also keeps which
    update ids are not handled yet: the update processor reports each one `handled`."""

    def __init__(self, most: int) -> None:
        super().__init__()
        self.most = most
        self.count = 0
        self._room = asyncio.Event()
        self._room.set()
        self._unhandled: set[int] = set()
        self.handled_so_far = 0  # updates reported handled
        self._changed = asyncio.Event()

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
        if isinstance(item, Update):
            self._unhandled.add(item.update_id)

    def task_done(self) -> None:
        super().task_done()
        self.count -= 1
        if self.count < self.most:
            self._room.set()
        self._changed.set()

    def handled(self, update: object) -> None:
        """`update` is handled: its state committed and its replies sent (or its failure told)."""
        if isinstance(update, Update) and update.update_id in self._unhandled:
            self._unhandled.discard(update.update_id)
            self.handled_so_far += 1
            self._changed.set()

    def first_unhandled(self) -> int | None:
        """The lowest update id received and not yet handled; None when all are handled."""
        return min(self._unhandled, default=None)

    async def changed(self) -> None:
        """Returns once another update is handled, or leaves the count in hand."""
        self._changed.clear()
        await self._changed.wait()

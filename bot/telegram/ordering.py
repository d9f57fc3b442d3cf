"""Update ordering: different chats concurrently, the updates of one chat strictly in order."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.logs import handling_update


class PerChatOrder(BaseUpdateProcessor):
    """Different chats concurrently, the updates of one chat strictly one after another; each
    update is reported to `handled` once processing it is over (polling confirms it then)."""

    def __init__(
        self, max_concurrent_updates: int, handled: Callable[[object], None] = lambda _: None
    ) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}
        self._handled = handled

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        with handling_update(update.update_id if isinstance(update, Update) else None):
            try:
                await self._in_order(update, coroutine)
            except asyncio.CancelledError:
                raise  # cut off, not handled: Telegram must deliver it again
            except Exception:
                self._handled(update)  # failed for good: tried again, it would fail again
                raise
            self._handled(update)

    async def _in_order(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_key(update)
        if key is None:
            await coroutine
            return
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                await coroutine
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


def _chat_key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None

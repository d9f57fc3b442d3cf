"""Buttons nobody routes any more (another prefix, an older layout): answered as stale."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.telegram import texts
from bot.telegram.gate import RegieContext
from bot.telegram.handlers import Family
from bot.telegram.sender import Sender


class StaleButtons:
    def __init__(self, sender: Sender) -> None:
        self.sender = sender

    def family(self) -> Family:
        """Register last: it takes every button the families before it did not."""
        return Family(name="stale", handlers=(CallbackQueryHandler(self.pressed),))

    async def pressed(self, update: Update, context: RegieContext) -> None:
        if update.callback_query is not None:
            await self.sender.acknowledge(update.callback_query.id, texts.STALE_BUTTON)

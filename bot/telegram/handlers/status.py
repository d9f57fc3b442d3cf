"""/status: a melder's casussen and groups, or one of them by its reference."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.services.casussen import CasusService
from bot.telegram import group_view, texts
from bot.telegram.gate import RegieContext
from bot.telegram.handlers import Family
from bot.telegram.sender import Sender


class StatusHandlers:
    def __init__(self, casussen: CasusService, sender: Sender) -> None:
        self.casussen = casussen
        self.sender = sender

    def family(self) -> Family:
        return Family(
            name="status",
            handlers=(CommandHandler("status", self.status),),
            commands=frozenset({"status"}),
        )

    async def status(self, update: Update, context: RegieContext) -> None:
        if update.effective_chat is None:
            return
        melder = context.admitted.person_id
        if context.args:
            found = await self.casussen.one_of_melder(melder, context.args[0])
            text = group_view.status_one(found) if found is not None else texts.CASUS_NOT_FOUND
        else:
            text = group_view.status_list(await self.casussen.of_melder(melder))
        await self.sender.send(update.effective_chat.id, text)

"""/start (admission with an invitation code, welcomed as their role) and /help."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.services.admission import Admission, AdmissionService
from bot.services.casussen import partij_name
from bot.services.groups import may_see_groups
from bot.telegram import texts
from bot.telegram.gate import ACCESS_PARAMETER, RegieContext
from bot.telegram.handlers import Family
from bot.telegram.sender import Sender
from rules import Schema


class AccessHandlers:
    def __init__(self, admission: AdmissionService, schema: Schema, sender: Sender) -> None:
        self.admission = admission
        self.schema = schema
        self.sender = sender

    def family(self) -> Family:
        return Family(
            name="access",
            handlers=(CommandHandler("start", self.start), CommandHandler("help", self.help)),
            commands=frozenset({"start", "help"}),
            open_commands=frozenset({"start"}),
        )

    async def start(self, update: Update, context: RegieContext) -> None:
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None:
            return
        if context.args and context.args[0] != ACCESS_PARAMETER:
            admission = await self.admission.admit(context.args[0], user.id, user.full_name)
            await self.sender.send(chat.id, await self._answer(admission, user.id))
            return
        await self.sender.send(chat.id, _help(context))

    async def _answer(self, admission: Admission, telegram_id: int) -> str:
        """The welcome of the role they were admitted as; otherwise why they were not."""
        admitted = admission is Admission.ADMITTED
        member = await self.admission.member(telegram_id) if admitted else None
        if member is None:
            return texts.ADMISSION_TEXT[admission]
        return texts.welcome(member.role, partij_name(self.schema, member.partij))

    async def help(self, update: Update, context: RegieContext) -> None:
        if update.effective_chat is not None:
            await self.sender.send(update.effective_chat.id, _help(context))


def _help(context: RegieContext) -> str:
    member = context.member
    if member is None:
        return texts.help_for(None)
    return texts.help_for(member.role, may_see_groups(member.role, member.partij))

"""The one access check: before any handler (a TypeHandler in group -1, python-telegram-bot's
documented way), every update's sender is looked up. Strangers and deactivated people are told how
to get access and the update stops here; a member whose role the feature is not for is told so.
Everyone else goes on with the member in `context.member`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from telegram import InlineQueryResultsButton, Update
from telegram.ext import ApplicationHandlerStop, CallbackContext, ExtBot, TypeHandler

from bot.services.admission import AdmissionService, Member
from bot.telegram import texts
from bot.telegram.callbacks import prefix_of
from bot.telegram.handlers import Family
from bot.telegram.sender import Sender
from rules.vocabulary import Role

ACCESS_PARAMETER = "toegang"  # /start from the inline button for strangers: how to get access


class RegieContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The context handlers get: python-telegram-bot's, plus the member the gate let in."""

    member: Member | None = None

    @property
    def admitted(self) -> Member:
        """The member behind this update; handlers behind the gate may rely on it."""
        if self.member is None:
            raise RuntimeError("the gate lets no stranger through to this handler")
        return self.member


class Gate:
    def __init__(
        self, admission: AdmissionService, sender: Sender, families: Sequence[Family]
    ) -> None:
        self.admission = admission
        self.sender = sender
        self.roles_of_command = {c: f.roles for f in families for c in f.commands}
        self.roles_of_prefix = {f.button_prefix: f.roles for f in families if f.button_prefix}
        self.inline_roles = next((f.roles for f in families if f.inline), frozenset[Role]())
        self.open_commands = frozenset(c for f in families for c in f.open_commands)

    def handler(self) -> TypeHandler[Update, RegieContext, None]:
        return TypeHandler(Update, self.check)

    async def check(self, update: Update, context: RegieContext) -> None:
        user = update.effective_user
        if user is None:  # channel posts and the like: nobody to answer
            raise ApplicationHandlerStop
        member = await self.admission.member(user.id)
        if member is None:
            if self._is_admission(update, context):
                return
            await self._refuse(update)
            raise ApplicationHandlerStop
        roles = self._roles_for(update)
        if roles is not None and member.role not in roles:
            await self._tell(update, texts.NOT_FOR_YOUR_ROLE)
            raise ApplicationHandlerStop
        context.member = member

    def _roles_for(self, update: Update) -> frozenset[Role] | None:
        """Who may use what this update asks for; None where any member may."""
        if update.callback_query is not None:
            return self.roles_of_prefix.get(prefix_of(update.callback_query.data))
        if update.inline_query is not None:
            return self.inline_roles
        command = _command(update)
        return self.roles_of_command.get(command) if command else None

    def _is_admission(self, update: Update, context: RegieContext) -> bool:
        """`/start CODE`: how a stranger becomes a member."""
        args = (_text(update) or "").split()[1:]
        return (
            _command(update) in self.open_commands
            and len(args) == 1
            and args[0] != ACCESS_PARAMETER
        )

    async def _refuse(self, update: Update) -> None:
        if update.inline_query is not None:
            button = InlineQueryResultsButton(
                text=texts.ACCESS_BUTTON, start_parameter=ACCESS_PARAMETER
            )
            await update.inline_query.answer([], cache_time=0, is_personal=True, button=button)
            return
        if update.callback_query is not None:  # the short answer on the button, then the way in
            await self.sender.acknowledge(update.callback_query.id, texts.REFUSED_SHORT)
        chat = update.effective_chat
        if chat is not None:
            await self.sender.send(chat.id, texts.REFUSED)

    async def _tell(self, update: Update, text: str) -> None:
        """Once, where the update asks for an answer: a press on its button, a query in its
        list, a message in its chat."""
        if update.callback_query is not None:
            await self.sender.acknowledge(update.callback_query.id, text)
            return
        if update.inline_query is not None:
            await update.inline_query.answer([], cache_time=0, is_personal=True)
            return
        chat = update.effective_chat
        if chat is not None:
            await self.sender.send(chat.id, text)


def _text(update: Update) -> str | None:
    message = update.message or update.edited_message
    return message.text if message is not None else None


def _command(update: Update) -> str | None:
    return command_name(_text(update))


def command_name(text: str | None) -> str | None:
    """The command a message starts with, without the slash or @botname."""
    if not text or not text.startswith("/"):
        return None
    return text.split()[0][1:].split("@")[0].lower()

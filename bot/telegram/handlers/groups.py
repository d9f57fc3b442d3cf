"""Group aanmeldingen for the ZVH regisseurs and the coördinatoren: /groep REF and the group's
buttons (the view, the finding's choices, going on without a note). The gate lets regisseurs and
coördinatoren through; the service admits only the ZVH's regisseurs among them. A member's card
button goes to the casus handlers; a typed note comes through handlers/text.py."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.services.groups import GroupService, Viewer
from bot.telegram import render
from bot.telegram.callbacks import GroupButton
from bot.telegram.gate import RegieContext
from bot.telegram.handlers import Family, own_press, show_in_place
from bot.telegram.sender import Sender
from rules.vocabulary import Role


class GroupHandlers:
    def __init__(self, groups: GroupService, sender: Sender) -> None:
        self.groups = groups
        self.sender = sender

    def family(self) -> Family:
        return Family(
            name="groups",
            handlers=(
                CommandHandler("groep", self.show, filters=filters.ChatType.PRIVATE),
                CallbackQueryHandler(self.pressed, pattern=GroupButton.pattern()),
            ),
            roles=frozenset({Role.REGISSEUR, Role.COORDINATOR}),
            commands=frozenset({"groep"}),
            button_prefix=GroupButton.prefix,
        )

    async def show(self, update: Update, context: RegieContext) -> None:
        if update.effective_chat is None:
            return
        chat_id = update.effective_chat.id
        member = context.admitted
        viewer = Viewer(member.person_id, member.role, member.partij, chat_id)
        card = await self.groups.show(viewer, context.args[0] if context.args else "")
        await self.sender.send(chat_id, card.text, render.card_keyboard(card.actions))

    async def pressed(self, update: Update, context: RegieContext) -> None:
        press = await own_press(update, GroupButton, self.sender)
        if press is None:
            return
        await self.sender.acknowledge(press.query_id)
        member = context.admitted
        viewer = Viewer(
            member.person_id, member.role, member.partij, press.chat_id, press.message_id
        )
        card = await self.groups.press(viewer, press.button.action, press.button.subject)
        await show_in_place(self.sender, press, card.text, render.card_keyboard(card.actions))

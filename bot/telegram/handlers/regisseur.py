"""The regisseur's work: offers to accept or decline, /mijn with a card per casus, and the actions
a card allows (screening, betrokken, hand-over, closing). Typed reasons and notes come through
handlers/text.py, to the dialogue the chat's state row names."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.services.assignment import AssignmentService, Who
from bot.telegram import render
from bot.telegram.callbacks import CasusButton
from bot.telegram.gate import RegieContext
from bot.telegram.handlers import Family, own_press, show_in_place
from bot.telegram.sender import Sender
from rules.vocabulary import Role

PRIVATE = filters.ChatType.PRIVATE


class RegisseurHandlers:
    def __init__(self, assignments: AssignmentService, sender: Sender) -> None:
        self.assignments = assignments
        self.sender = sender

    def family(self) -> Family:
        return Family(
            name="regisseur",
            handlers=(
                CommandHandler("mijn", self.mine, filters=PRIVATE),
                CallbackQueryHandler(self.pressed, pattern=CasusButton.pattern()),
            ),
            roles=frozenset({Role.REGISSEUR, Role.COORDINATOR}),
            commands=frozenset({"mijn"}),
            button_prefix=CasusButton.prefix,
        )

    async def mine(self, update: Update, context: RegieContext) -> None:
        if update.effective_chat is None:
            return
        chat_id = update.effective_chat.id
        member = context.admitted
        card = await self.assignments.mine(Who(member.person_id, member.role, chat_id))
        await self.sender.send(chat_id, card.text, render.card_keyboard(card.actions))

    async def pressed(self, update: Update, context: RegieContext) -> None:
        press = await own_press(update, CasusButton, self.sender)
        if press is None:
            return
        await self.sender.acknowledge(press.query_id)
        member = context.admitted
        who = Who(member.person_id, member.role, press.chat_id, press.message_id)
        card = await self.assignments.press(who, press.button.action, press.button.subject)
        await show_in_place(self.sender, press, card.text, render.card_keyboard(card.actions))

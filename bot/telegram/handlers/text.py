"""Free text in a private chat, for whichever dialogue of that chat waits for it."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.services.free_text import FreeTextService
from bot.telegram import render
from bot.telegram.gate import RegieContext
from bot.telegram.handlers import Family
from bot.telegram.handlers.intake import reply
from bot.telegram.sender import Sender


class TextHandlers:
    def __init__(self, free_text: FreeTextService, sender: Sender) -> None:
        self.free_text = free_text
        self.sender = sender

    def family(self) -> Family:
        text = filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND
        return Family(name="text", handlers=(MessageHandler(text, self.typed),))

    def after_commands(self, intake_commands: Collection[str]) -> MessageHandler[Any, Any]:
        """For a group after the families': any other command ends a question that waits for
        typed text (the intake's own commands do that in their step)."""
        own = filters.Regex(rf"^/({'|'.join(intake_commands)})(@\w+)?(\s|$)")
        return MessageHandler(filters.ChatType.PRIVATE & filters.COMMAND & ~own, self.commanded)

    async def commanded(self, update: Update, context: RegieContext) -> None:
        if update.effective_chat is not None and context.member is not None:
            await self.free_text.forget(update.effective_chat.id)

    async def typed(self, update: Update, context: RegieContext) -> None:
        message = update.effective_message
        if message is None or message.text is None:
            return
        turn = await self.free_text.typed(
            message.chat_id,
            message.text,
            person_id=context.admitted.person_id,
            update_id=update.update_id,
        )
        if turn.card is not None:  # a reason or note for a casus action
            if turn.answered is not None and turn.question_message_id is not None:
                # The question's message loses its buttons, as a typed intake answer's does.
                answered = render.answered_line(turn.answered)
                await self.sender.edit(message.chat_id, turn.question_message_id, answered)
            markup = render.card_keyboard(turn.card.actions)
            await self.sender.send(message.chat_id, turn.card.text, markup)
            return
        await reply(self.sender, self.free_text.intake, message.chat_id, turn)

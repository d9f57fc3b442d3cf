"""The aanmelding: its commands and buttons, in a private chat (typed answers come through
handlers/text.py)."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.services.intake import IntakeService
from bot.services.turn import Turn
from bot.telegram import render, texts
from bot.telegram.callbacks import IntakeButton
from bot.telegram.gate import RegieContext, command_name
from bot.telegram.handlers import Family
from bot.telegram.sender import Sender
from conversation.messages import Command, Input, Pressed

COMMANDS = ("aanmelden", "stoppen", "opnieuw", "vorige")
PRIVATE = filters.ChatType.PRIVATE


class IntakeHandlers:
    def __init__(self, intake: IntakeService, sender: Sender) -> None:
        self.intake = intake
        self.sender = sender

    def family(self) -> Family:
        return Family(
            name="intake",
            handlers=(
                CommandHandler(COMMANDS, self.command, filters=PRIVATE),
                CommandHandler(COMMANDS, self.private_only),
                CallbackQueryHandler(self.pressed, pattern=IntakeButton.pattern()),
            ),
            commands=frozenset(COMMANDS),
            button_prefix=IntakeButton.prefix,
        )

    async def command(self, update: Update, context: RegieContext) -> None:
        message = update.effective_message
        name = command_name(message.text) if message is not None else None
        if message is None or name is None:
            return
        await self._reply(
            message.chat_id, await self._step(update, message.chat_id, context, Command(name))
        )

    async def private_only(self, update: Update, context: RegieContext) -> None:
        if update.effective_chat is not None:
            await self.sender.send(update.effective_chat.id, texts.PRIVATE_ONLY)

    async def pressed(self, update: Update, context: RegieContext) -> None:
        query = update.callback_query
        if query is None:
            return
        shown = query.message if isinstance(query.message, Message) else None
        chat_id = query.from_user.id  # a private chat's id is its user's: act on their own state
        if shown is not None and shown.chat.id != chat_id:
            await self.sender.acknowledge(query.id, texts.STALE_BUTTON)
            return
        await self.sender.acknowledge(query.id)
        button = IntakeButton.unpack(query.data)
        pressed = Pressed(button.step, button.button) if button else Pressed("", "")
        turn = await self._step(update, chat_id, context, pressed)
        last = turn.replies[-1] if turn.replies else None
        in_place = turn.answered is not None or (last is not None and last.step == pressed.step)
        if shown is None or not in_place:  # a stale button: the current question comes anew
            await self._reply(chat_id, turn)
            return
        # The pressed message becomes what follows: the choice on top, then the next question
        # (or the same question with a toggle or a correction). One edit instead of edit + send.
        (text, markup), *following = render.edited(shown.text, turn.answered, turn.replies)
        showing = await self.sender.edit(chat_id, shown.message_id, text, markup)
        for text, markup in following:
            showing = await self.sender.send(chat_id, text, markup)
        if last is not None and last.step is not None and showing is not None:
            await remember_question(self.intake, chat_id, showing, turn)

    async def _step(
        self, update: Update, chat_id: int, context: RegieContext, event: Input
    ) -> Turn:
        member = context.admitted.person_id
        return await self.intake.handle(
            chat_id, event, melder_id=member, update_id=update.update_id
        )

    async def _reply(self, chat_id: int, turn: Turn) -> None:
        await reply(self.sender, self.intake, chat_id, turn)


async def reply(sender: Sender, intake: IntakeService, chat_id: int, turn: Turn) -> None:
    """Sends a turn's replies as new messages. A typed answer first closes its question's message
    as a press does: the same "✓" line, the buttons gone, so none of them acts on it later."""
    if turn.answered is not None and turn.question_message_id is not None:
        await sender.edit(chat_id, turn.question_message_id, render.answered_line(turn.answered))
    message_id = None
    for text, markup in render.messages(turn.replies):
        message_id = await sender.send(chat_id, text, markup)
    if turn.replies and turn.replies[-1].step is not None and message_id is not None:
        await remember_question(intake, chat_id, message_id, turn)


async def remember_question(
    intake: IntakeService, chat_id: int, message_id: int, turn: Turn
) -> None:
    """The message that asks the chat's question now, for the answer that will close it. The step
    was committed before its reply went out; this is a second short unit of work, and only when
    the question moved to another message (per-chat ordering keeps the chat's next update out
    until it is done)."""
    if message_id != turn.question_message_id:
        await intake.remember_question(chat_id, message_id)

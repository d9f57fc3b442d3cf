"""Handlers per feature. Each module builds a `Family`: its handlers, the commands it answers,
the prefix of its buttons and the roles that may use it, so the gate checks access in one place
and the factory wires everything from one list."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from telegram import Message, Update
from telegram.ext import BaseHandler

from bot.telegram import texts
from bot.telegram.callbacks import CallbackData
from bot.telegram.sender import Sender
from rules.vocabulary import Role

Data = TypeVar("Data", bound=CallbackData)

EVERYONE = frozenset(Role)


@dataclass(frozen=True)
class Family:
    name: str
    handlers: tuple[BaseHandler[Update, Any, Any], ...]
    roles: frozenset[Role] = EVERYONE
    commands: frozenset[str] = frozenset()  # every command it answers
    button_prefix: str | None = None
    inline: bool = False  # answers inline queries
    open_commands: frozenset[str] = field(default_factory=frozenset)  # for strangers too


@dataclass(frozen=True, slots=True)
class Press(Generic[Data]):
    """A button press read as its feature's callback data."""

    query_id: str
    chat_id: int
    message_id: int | None  # None: Telegram no longer shows the message (too old)
    button: Data


async def own_press(update: Update, kind: type[Data], sender: Sender) -> Press[Data] | None:
    """A press of one of `kind`'s buttons in the presser's own private chat. Anything else (a
    layout of older messages, a message of another chat) is answered as a stale button: None."""
    query = update.callback_query
    if query is None:
        return None
    message = query.message if isinstance(query.message, Message) else None
    chat_id = query.from_user.id  # a private chat's id is its user's
    button = kind.unpack(query.data)
    if button is None or (message is not None and message.chat.id != chat_id):
        await sender.acknowledge(query.id, texts.STALE_BUTTON)
        return None
    return Press(query.id, chat_id, message.message_id if message else None, button)


async def show_in_place(sender: Sender, press: Press[Any], text: str, markup: str | None) -> None:
    """What a press answers, in place of the pressed message; anew when Telegram no longer
    shows that message."""
    if press.message_id is None:
        await sender.send(press.chat_id, text, markup)
    else:
        await sender.edit(press.chat_id, press.message_id, text, markup)

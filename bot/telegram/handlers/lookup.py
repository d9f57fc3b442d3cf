"""/wie and inline queries: who takes casusregie, in one line."""

from __future__ import annotations

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.ext import CommandHandler, InlineQueryHandler

from bot.services.lookup import LookupAnswer, answer_lookup
from bot.telegram import texts
from bot.telegram.gate import RegieContext
from bot.telegram.handlers import Family
from bot.telegram.sender import Sender
from rules import Schema

DESCRIPTION_LENGTH = 120  # what an inline result shows under its title


class LookupHandlers:
    def __init__(self, schema: Schema, sender: Sender) -> None:
        self.schema = schema
        self.sender = sender

    def family(self) -> Family:
        return Family(
            name="lookup",
            handlers=(CommandHandler("wie", self.wie), InlineQueryHandler(self.inline)),
            commands=frozenset({"wie"}),
            inline=True,
        )

    async def wie(self, update: Update, context: RegieContext) -> None:
        if update.effective_chat is None:
            return
        question = " ".join(context.args or ())
        text = answer_lookup(self.schema, question).text if question else texts.WIE_HINT
        await self.sender.send(update.effective_chat.id, text)

    async def inline(self, update: Update, context: RegieContext) -> None:
        query = update.inline_query
        if query is None:
            return
        answer = (
            answer_lookup(self.schema, query.query)
            if query.query.strip()
            else LookupAnswer(texts.WIE_TITLE, texts.WIE_HINT)
        )
        article = InlineQueryResultArticle(
            id="wie",
            title=answer.title,
            description=answer.text.splitlines()[0][:DESCRIPTION_LENGTH],
            input_message_content=InputTextMessageContent(answer.text),
        )
        await query.answer([article], cache_time=0, is_personal=True)

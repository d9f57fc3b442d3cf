"""/overzicht: the coördinators' figures over the last twelve months, as one picture for the phone
and the same figures as a CSV document."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.services import charts
from bot.services.figures import FiguresService, to_csv
from bot.telegram import texts
from bot.telegram.gate import RegieContext
from bot.telegram.handlers import Family
from bot.telegram.sender import Sender
from rules.vocabulary import Role


class OverzichtHandlers:
    def __init__(self, figures: FiguresService, sender: Sender) -> None:
        self.figures = figures
        self.sender = sender

    def family(self) -> Family:
        return Family(
            name="overzicht",
            handlers=(
                CommandHandler("overzicht", self.overview, filters=filters.ChatType.PRIVATE),
            ),
            roles=frozenset({Role.COORDINATOR}),
            commands=frozenset({"overzicht"}),
        )

    async def overview(self, update: Update, context: RegieContext) -> None:
        if update.effective_chat is None:
            return
        chat_id = update.effective_chat.id
        start, end = self.figures.last_months()
        figures = await self.figures.figures(start, end)
        # Drawing takes about a third of a second of CPU: off the event loop, so other chats'
        # updates go on meanwhile.
        png = await asyncio.to_thread(charts.draw, figures)
        name = f"regiebot-cijfers-{start:%Y-%m-%d}-{end:%Y-%m-%d}"
        caption = texts.OVERVIEW_CAPTION.format(start=f"{start:%d-%m-%Y}", end=f"{end:%d-%m-%Y}")
        await self.sender.send_photo(chat_id, png, f"{name}.png", caption)
        await self.sender.send_document(
            chat_id, to_csv(figures).encode(), f"{name}.csv", texts.OVERVIEW_CSV_CAPTION
        )

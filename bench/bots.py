"""The two bots the Telegram load benchmark compares, each run in its own process:

    python -m bench.bots regiebot BASE_URL DATABASE_URL
    python -m bench.bots baseline BASE_URL PICKLE_FILE [--concurrent]

The baseline is python-telegram-bot's own idiom: a ConversationHandler with PicklePersistence
asking the same questions with the same keyboards (the schema's), answering each button by
editing the message into the next question, as in PTB's inlinekeyboard2.py example.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from pydantic import SecretStr
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    AIORateLimiter,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    PicklePersistence,
)

from bot.settings import Settings
from bot.telegram import build_application
from bot.telegram.app import Channel
from bot.telegram.running import run
from rules import Advice, advise, load_schema
from rules.schema import Option, Question
from tests.telegram.fake_bot_api import TOKEN

SCHEMA = load_schema()
UNLIMITED = 1_000_000.0  # messages per second: the fake Bot API has no flood limit
# The vrijwillig path, with regiebot's question "one person or a group?" after the first.
SCOPE = Question(
    id="omvang",
    kind="choice",
    text="Gaat de aanmelding over één persoon, of over een groep personen?",
    options=(Option("persoon", "Eén persoon"), Option("groep", "Een groep")),
)
_VRIJWILLIG = [q for q in SCHEMA.questions if q.id not in ("maatregel", "instantie")]
QUESTIONS = [_VRIJWILLIG[0], SCOPE, *_VRIJWILLIG[1:]]
SUMMARY = len(QUESTIONS)


def _keyboard(index: int, chosen: list[str]) -> InlineKeyboardMarkup:
    if index == SUMMARY:
        return InlineKeyboardMarkup(
            [[InlineKeyboardButton("Bevestigen", callback_data="bevestig")]]
        )
    question = QUESTIONS[index]
    options = question.bands if question.kind == "age" else question.options
    rows = [
        [InlineKeyboardButton(("✅ " if o.code in chosen else "") + o.label, callback_data=o.code)]
        for o in options
    ]
    controls = {"multi": ["geen", "verder"], "text": ["overslaan"]}.get(question.kind, [])
    rows.append([InlineKeyboardButton(c, callback_data=c) for c in [*controls, "stoppen"]])
    return InlineKeyboardMarkup(rows)


def _text(index: int) -> str:
    if index == SUMMARY:
        return "Controleer uw aanmelding. Klopt alles?"
    return f"Vraag {index + 1} van {len(QUESTIONS)}\n{QUESTIONS[index].text}"


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    assert update.effective_chat is not None and context.user_data is not None
    context.user_data.clear()
    await context.bot.send_message(
        update.effective_chat.id, _text(0), reply_markup=_keyboard(0, [])
    )
    return 0


def _state_handler(index: int) -> Any:
    async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        query = update.callback_query
        assert query is not None and context.user_data is not None
        await query.answer()
        data = query.data or ""
        if index == SUMMARY:
            answers = {q: a for q, a in context.user_data.items() if q in SCHEMA.question_by_id}
            advice = advise(SCHEMA, answers)
            assert isinstance(advice, Advice)
            await query.edit_message_text(f"Advies: casusregie bij {advice.partij.name}.")
            return ConversationHandler.END
        question = QUESTIONS[index]
        if question.kind == "multi" and data not in ("verder", "geen"):
            chosen = context.user_data.setdefault("_draft", [])
            chosen.remove(data) if data in chosen else chosen.append(data)
            await query.edit_message_text(_text(index), reply_markup=_keyboard(index, chosen))
            return index
        if question.kind == "multi":
            context.user_data[question.id] = (
                [] if data == "geen" else context.user_data.pop("_draft", [])
            )
        else:
            context.user_data[question.id] = "" if data == "overslaan" else data
        await query.edit_message_text(_text(index + 1), reply_markup=_keyboard(index + 1, []))
        return index + 1

    return answer


def baseline(base_url: str, pickle_file: str, concurrent: bool) -> None:
    conversation = ConversationHandler(
        entry_points=[CommandHandler("aanmelden", _start)],
        states={i: [CallbackQueryHandler(_state_handler(i))] for i in range(SUMMARY + 1)},
        fallbacks=[],
        name="aanmelding",
        persistent=True,
        per_message=False,
    )
    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(base_url)
        .persistence(PicklePersistence(pickle_file))
        .concurrent_updates(concurrent)
        .rate_limiter(AIORateLimiter(overall_max_rate=UNLIMITED, max_retries=3))
        .build()
    )
    application.add_handler(conversation)
    application.run_polling(poll_interval=0.0, timeout=10)


def regiebot(base_url: str, database_url: str, max_rate: float = UNLIMITED) -> None:
    settings = Settings(
        database_url=database_url,
        telegram_token=SecretStr(TOKEN),
        telegram_base_url=base_url,
        telegram_max_rate=max_rate,
    )
    application = build_application(settings)
    channel: Channel = application.bot_data["channel"]
    asyncio.run(run(application, settings, channel.health))  # as `regiebot run` runs it


if __name__ == "__main__":
    kind, base_url, target = sys.argv[1:4]
    if kind == "regiebot":  # an optional fourth argument: Telegram's overall rate to keep
        regiebot(base_url, target, *(float(rate) for rate in sys.argv[4:5]))
    else:
        baseline(base_url, target, concurrent="--concurrent" in sys.argv)

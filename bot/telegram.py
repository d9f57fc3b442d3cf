"""The Telegram channel (python-telegram-bot 22). It renders replies as messages with inline
keyboards and turns commands, button presses and text into dialogue inputs; what to say next is
decided in conversation/ and kept in storage/, through the same IntakeService as `regiebot chat`.

`build_application` wires every handler. Updates of one chat are handled in order, different
chats concurrently (`PerChatOrder`). Every callback query is answered first. A reply that cannot
be sent right away is retried; the state was committed before, so nothing answered is lost.
"""

from __future__ import annotations

import asyncio
import json
import logging
import warnings
from collections.abc import Awaitable, Sequence
from datetime import timedelta
from functools import lru_cache
from typing import Any

from telegram import (
    Bot,
    BotCommand,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Message,
    Update,
)
from telegram.constants import ChatType, MessageLimit
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.admission import Admission, Gate, Member, admit
from bot.http import AiohttpRequest, UpdatesRequest
from bot.intake_service import IntakeService, Turn
from bot.settings import Settings
from conversation.advice_text import lookup_text
from conversation.messages import Command, Input, Pressed, Reply, Typed
from rules import Advice, QueryError, Schema, lookup, parse_text
from storage import Casussen, Database
from storage.models import Casus

log = logging.getLogger(__name__)
# Messages go out through do_api_request with keyboards already in Bot API JSON (cached per
# reply), and what Telegram returns goes unparsed: building and parsing PTB objects for every
# message was most of the CPU an update cost (bench/telegram_load.py).
warnings.filterwarnings(
    "ignore",
    message=r"Please use 'Bot\.(sendMessage|editMessageText)' instead of",
    category=PTBUserWarning,
)

CALLBACK_VERSION = "1"
ACCESS_PARAMETER = "toegang"  # /start from the inline button for strangers: how to get access
SEND_RETRY_DELAYS = (0.2, 0.5, 1.0, 2.0, 4.0)  # seconds; about 8 s before giving up

REFUSED = (
    "U heeft (nog) geen toegang tot regiebot. Vraag de coördinator van het Zorg- en "
    "Veiligheidshuis om een uitnodiging; met de link daarin krijgt u toegang."
)
ADMISSION_TEXT = {
    Admission.ADMITTED: (
        "Welkom bij regiebot! U heeft nu toegang. Met /aanmelden meldt u een casus aan, met /wie "
        "vraagt u snel wie de regie neemt. /help toont alles."
    ),
    Admission.ALREADY_ADMITTED: "U heeft al toegang tot regiebot. /help toont wat u kunt doen.",
    Admission.UNKNOWN_CODE: (
        "Deze uitnodigingscode ken ik niet. Controleer de link, of vraag de coördinator om een "
        "nieuwe uitnodiging."
    ),
    Admission.USED_CODE: "Deze uitnodiging is al gebruikt. Vraag de coördinator om een nieuwe.",
    Admission.EXPIRED_CODE: "Deze uitnodiging is verlopen. Vraag de coördinator om een nieuwe.",
}
HELP = (
    "Wat u kunt doen:\n"
    "/aanmelden: een casus aanmelden, stap voor stap\n"
    "/wie: snel vragen wie de casusregie neemt, bijvoorbeeld /wie ots 15 lvb\n"
    "/status: uw aanmeldingen, of /status ZVH-2026-0042 voor één casus\n"
    "/stoppen: de lopende aanmelding stoppen\n"
    "/opnieuw: de lopende aanmelding opnieuw beginnen\n"
    "U kunt ook in elk gesprek @-vermelden: typ de naam van deze bot en uw vraag."
)
WIE_HINT = (
    "Typ na /wie wat u weet, bijvoorbeeld: /wie ots 15 lvb of /wie vrijwillig 30 huiselijk geweld"
)
PRIVATE_ONLY = "Een casus aanmelden kan alleen in een privégesprek met mij."
SOMETHING_WENT_WRONG = (
    "Er ging iets mis bij het verwerken van uw bericht. Uw antwoorden zijn bewaard: probeer het "
    "zo nog eens, of typ /aanmelden om verder te gaan waar u was."
)
NO_CASUSSEN = "U heeft nog geen casussen aangemeld. Met /aanmelden meldt u er een aan."
CASUS_NOT_FOUND = "Die casus vind ik niet bij uw aanmeldingen. /status toont ze allemaal."
COMMANDS = (
    ("aanmelden", "Een casus aanmelden"),
    ("wie", "Wie neemt de casusregie? Bijvoorbeeld /wie ots 15 lvb"),
    ("status", "Uw aanmeldingen"),
    ("stoppen", "De lopende aanmelding stoppen"),
    ("opnieuw", "De lopende aanmelding opnieuw beginnen"),
    ("help", "Wat kan regiebot?"),
)


# --- rendering -----------------------------------------------------------------------------------


def callback_data(step: str, button: str) -> str:
    return f"{CALLBACK_VERSION}|{step}|{button}"


def read_callback(data: str | None) -> Pressed:
    """The pressed button; anything unreadable or from another version counts as stale."""
    parts = (data or "").split("|")
    if len(parts) == 3 and parts[0] == CALLBACK_VERSION:
        return Pressed(parts[1], parts[2])
    return Pressed("", "")


@lru_cache(maxsize=2048)  # the same questions come back all day; a keyboard depends on its reply
def keyboard(reply: Reply) -> str | None:
    """The reply's inline keyboard as Bot API JSON, ready to send as it is."""
    if reply.step is None or not reply.buttons:
        return None
    step = reply.step
    rows = [
        [
            {
                "text": (("✅ " if option.selected else "▫️ ") if reply.multi else "")
                + option.label,
                "callback_data": callback_data(step, option.id),
            }
        ]
        for option in reply.options
    ]
    rows.append(
        [
            {"text": control.label, "callback_data": callback_data(step, control.id)}
            for control in reply.controls
        ]
    )
    return json.dumps({"inline_keyboard": rows}, ensure_ascii=False)


def casus_line(casus: Casus) -> str:
    partij = casus.advice.get("partij_name", casus.partij)
    return f"• {casus.reference} ({casus.created_at:%d-%m-%Y}): {casus.status}; advies {partij}"


def casus_detail(casus: Casus) -> str:
    partij = casus.advice.get("partij_name", casus.partij)
    return (
        f"Casus {casus.reference}\nAangemeld: {casus.created_at:%d-%m-%Y}\n"
        f"Status: {casus.status}\nAdvies: casusregie bij {partij}\n"
        f"Volgende stap: {casus.next_step}"
    )


# --- ordering ------------------------------------------------------------------------------------


class PerChatOrder(BaseUpdateProcessor):
    """Different chats concurrently, the updates of one chat strictly one after another."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_key(update)
        if key is None:
            await coroutine
            return
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                await coroutine
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


def _chat_key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None


# --- the channel ---------------------------------------------------------------------------------


class TelegramChannel:
    def __init__(self, database: Database, schema: Schema) -> None:
        self.database = database
        self.schema = schema
        self.service = IntakeService(database, schema)
        self.gate = Gate(database)

    def register(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        private = filters.ChatType.PRIVATE
        application.add_handler(CommandHandler("start", self.start))
        application.add_handler(CommandHandler("help", self.help))
        application.add_handler(CommandHandler("wie", self.wie))
        application.add_handler(CommandHandler("status", self.status))
        for name in ("aanmelden", "stoppen", "opnieuw", "vorige"):
            application.add_handler(CommandHandler(name, self.command, filters=private))
        application.add_handler(
            CommandHandler(["aanmelden", "stoppen", "opnieuw"], self.private_only)
        )
        application.add_handler(CallbackQueryHandler(self.button))
        application.add_handler(
            MessageHandler(private & filters.TEXT & ~filters.COMMAND, self.text)
        )
        application.add_handler(InlineQueryHandler(self.inline))
        application.add_error_handler(self.error)

    async def post_init(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        await self.database.prepare()
        try:
            await application.bot.set_my_commands([BotCommand(c, d) for c, d in COMMANDS])
        except TelegramError as error:  # the menu is a convenience; the bot works without it
            log.warning("setMyCommands failed: %s", error)

    async def post_shutdown(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        await self.database.dispose()

    # --- handlers --------------------------------------------------------------------------------

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        if context.args and context.args[0] != ACCESS_PARAMETER:
            admission = await admit(self.database, context.args[0], user.id, user.full_name)
            await self._say(context.bot, message.chat_id, ADMISSION_TEXT[admission])
            return
        member = await self.gate.member(user.id)
        await self._say(context.bot, message.chat_id, HELP if member else REFUSED)

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if await self._member(update, context) is not None and update.effective_chat is not None:
            await self._say(context.bot, update.effective_chat.id, HELP)

    async def command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or message.text is None:
            return
        name = message.text.split()[0].lstrip("/").split("@")[0].lower()
        await self._intake(update, context, Command(name))

    async def private_only(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if await self._member(update, context) is not None and update.effective_chat is not None:
            await self._say(context.bot, update.effective_chat.id, PRIVATE_ONLY)

    async def text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is not None and message.text is not None:
            await self._intake(update, context, Typed(message.text))

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        await query.answer()
        pressed = read_callback(query.data)
        turn = await self._intake(update, context, pressed, show=False)
        if turn is None or update.effective_chat is None:
            return
        shown = query.message if isinstance(query.message, Message) else None
        last = turn.replies[-1] if turn.replies else None
        in_place = turn.answered is not None or (last is not None and last.step == pressed.step)
        if shown is None or not in_place:  # a stale button: the current question comes anew
            await self._show(context.bot, update.effective_chat.id, turn.replies)
            return
        # The pressed message becomes what follows: the choice on top, then the next question
        # (or the same question with a toggle or a correction). One edit instead of edit + send.
        text = "\n\n".join(reply.text for reply in turn.replies)
        if turn.answered is not None:
            text = f"✓ {turn.answered}\n\n{text}"
        await self._edit(shown, text, keyboard(last) if last is not None else None)

    async def wie(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if await self._member(update, context) is None or update.effective_chat is None:
            return
        query = " ".join(context.args or ())
        await self._say(
            context.bot, update.effective_chat.id, self._lookup(query)[1] if query else WIE_HINT
        )

    async def inline(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.inline_query
        if query is None:
            return
        if await self.gate.member(query.from_user.id) is None:
            button = InlineQueryResultsButton(
                text="Toegang aanvragen", start_parameter=ACCESS_PARAMETER
            )
            await query.answer([], cache_time=0, is_personal=True, button=button)
            return
        if not query.query.strip():
            title, text = "Wie neemt de casusregie?", WIE_HINT
        else:
            title, text = self._lookup(query.query)
        article = InlineQueryResultArticle(
            id="wie",
            title=title,
            description=text.splitlines()[0][:120],
            input_message_content=InputTextMessageContent(text),
        )
        await query.answer([article], cache_time=0, is_personal=True)

    async def status(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        member = await self._member(update, context)
        if member is None or update.effective_chat is None:
            return
        async with self.database.transaction() as session:
            casussen = await Casussen(session).of_melder(member.person_id)
        wanted = (context.args or [""])[0].upper()
        if wanted:
            mine = next((c for c in casussen if c.reference == wanted), None)
            text = casus_detail(mine) if mine is not None else CASUS_NOT_FOUND
        elif casussen:
            text = "Uw aanmeldingen:\n" + "\n".join(casus_line(c) for c in casussen[:20])
        else:
            text = NO_CASUSSEN
        await self._say(context.bot, update.effective_chat.id, text)

    async def error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        # Never log the update itself: it holds what the user typed.
        chat = (
            update.effective_chat.id
            if isinstance(update, Update) and update.effective_chat
            else None
        )
        log.error("handling an update for chat %s failed", chat, exc_info=context.error)
        if chat is not None:
            try:
                await self._say(context.bot, chat, SOMETHING_WENT_WRONG)
            except TelegramError:
                log.warning("could not tell chat %s that something went wrong", chat)

    # --- helpers ---------------------------------------------------------------------------------

    async def _member(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> Member | None:
        """The admitted person behind this update; a stranger is told how to get access."""
        user = update.effective_user
        member = await self.gate.member(user.id) if user is not None else None
        if member is None and update.effective_chat is not None:
            await self._say(context.bot, update.effective_chat.id, REFUSED)
        return member

    async def _intake(
        self,
        update: Update,
        context: ContextTypes.DEFAULT_TYPE,
        event: Input,
        *,
        show: bool = True,
    ) -> Turn | None:
        member = await self._member(update, context)
        chat = update.effective_chat
        if member is None or chat is None:
            return None
        if chat.type != ChatType.PRIVATE:
            await self._say(context.bot, chat.id, PRIVATE_ONLY)
            return None
        turn = await self.service.handle(chat.id, event, melder_id=member.person_id)
        if show:
            await self._show(context.bot, chat.id, turn.replies)
        return turn

    def _lookup(self, text: str) -> tuple[str, str]:
        """A title and the Dutch answer to a one-line question."""
        try:
            result = lookup(self.schema, parse_text(self.schema, text))
        except QueryError as error:
            return "Dat begrijp ik niet helemaal", str(error)
        if isinstance(result, Advice):
            return f"Casusregie: {result.partij.name}", lookup_text(result)
        return "Nog niet eenduidig", lookup_text(result)

    async def _show(self, bot: Bot, chat_id: int, replies: Sequence[Reply]) -> None:
        """The replies of one turn as one message (only the last one has buttons), so a turn
        costs one Bot API call; split only where Telegram's length limit demands it."""
        texts = [reply.text for reply in replies]
        while len(texts) > 1 and len("\n\n".join(texts)) > MessageLimit.MAX_TEXT_LENGTH:
            await self._send(bot, chat_id, texts.pop(0), None)
        if texts:
            await self._send(bot, chat_id, "\n\n".join(texts), keyboard(replies[-1]))

    async def _say(self, bot: Bot, chat_id: int, text: str) -> None:
        await self._send(bot, chat_id, text, None)

    async def _send(self, bot: Bot, chat_id: int, text: str, markup: str | None) -> None:
        parameters: dict[str, Any] = {"chat_id": chat_id, "text": text}
        if markup is not None:
            parameters["reply_markup"] = markup
        await self._call(bot, "sendMessage", parameters)

    async def _edit(self, message: Message, text: str, markup: str | None) -> None:
        """Turns a pressed message into what follows; if Telegram will not edit it (too old,
        deleted), the same content comes as a new message instead."""
        parameters: dict[str, Any] = {
            "chat_id": message.chat_id,
            "message_id": message.message_id,
            "text": text,
        }
        if markup is not None:
            parameters["reply_markup"] = markup
        try:
            await self._call(message.get_bot(), "editMessageText", parameters)
        except BadRequest as error:
            if "not modified" in str(error).lower():
                return
            log.info("editing a message failed (%s); sending it anew", error)
            await self._send(message.get_bot(), message.chat_id, text, markup)

    async def _call(self, bot: Bot, method: str, parameters: dict[str, Any]) -> None:
        """One Bot API call, tried again on flood control and network trouble: the state is
        committed already, so the reply is the only thing that can still get lost."""
        for delay in (*SEND_RETRY_DELAYS, None):
            try:
                await bot.do_api_request(method, api_kwargs=parameters)
                return
            except RetryAfter as error:
                if delay is None:
                    raise
                wait = error.retry_after
                seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
                await asyncio.sleep(min(seconds, 30.0))
            except (BadRequest, Forbidden):
                raise
            except NetworkError as error:
                if delay is None:
                    raise
                log.warning(
                    "%s to chat %s failed (%s); trying again", method, parameters["chat_id"], error
                )
                await asyncio.sleep(delay)


def build_application(
    settings: Settings, builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] | None = None
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The bot with every handler wired. A given builder is used as it is (tests and embedders
    bring their own token, base URL and request objects); otherwise one comes from `settings`."""
    if builder is None:
        builder = (
            ApplicationBuilder()
            .token(settings.token())
            .request(AiohttpRequest(settings.telegram_concurrency + 2))
            .get_updates_request(UpdatesRequest(1))
        )
        if settings.telegram_base_url:
            builder = builder.base_url(settings.telegram_base_url)
    channel = TelegramChannel(Database(settings.database_url), settings.load_schema())
    application = (
        builder.concurrent_updates(PerChatOrder(settings.telegram_concurrency))
        .rate_limiter(AIORateLimiter(overall_max_rate=settings.telegram_max_rate, max_retries=3))
        .post_init(channel.post_init)
        .post_shutdown(channel.post_shutdown)
        .build()
    )
    channel.register(application)
    application.bot_data["channel"] = channel  # for embedders and tests: its database, its gate
    return application

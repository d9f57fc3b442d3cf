"""One way out to Telegram: every message regiebot sends or edits goes through a `Sender`, the
handlers' replies and the outbox dispatcher's messages alike.

A reply is retried briefly within the update (flood control, 5xx, dropped connections): the
state was committed before, so the reply is the only thing that can still get lost, and the
user can always ask for the current question again. Durable retries belong to the outbox: its
dispatcher tries once (`send_once`) and reschedules the row itself.

Telegram's limits: about 30 messages a second per bot (an overall limiter here) and about one a
second per chat. A 429 ("retry after N") pauses only the chat it was about: other chats go on.
"""

from __future__ import annotations

import asyncio
import logging
import time
import warnings
from collections import deque
from datetime import timedelta
from typing import Any

from telegram import Bot, InputFile
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBUserWarning

log = logging.getLogger(__name__)

WINDOW = 1.05  # seconds: Telegram's rolling second, with room for the requests' travel time
RETRY_DELAYS = (0.2, 0.5, 1.0, 2.0, 4.0)  # seconds between tries; about 8 s before giving up
LONGEST_WAIT = 30.0  # seconds: a longer flood wait is not worth holding an update for


class Sender:
    def __init__(
        self, bot: Bot, max_rate: float, retry_delays: tuple[float, ...] = RETRY_DELAYS
    ) -> None:
        self.bot = bot
        self.max_rate = max_rate
        self.retry_delays = retry_delays
        # Messages go out through do_api_request with keyboards already in Bot API JSON, and
        # what Telegram returns goes unparsed: building and parsing PTB objects for every message
        # was most of the CPU an update cost (bench/telegram_load.py). PTB warns about that use.
        warnings.filterwarnings(
            "ignore",
            message=(
                r"Please use 'Bot\.(sendMessage|editMessageText|sendPhoto|sendDocument)' "
                "instead of"
            ),
            category=PTBUserWarning,
        )
        self._overall = RollingWindow(max_rate, WINDOW)
        self._chat_free_at: dict[int, float] = {}  # monotonic time a paused chat may send again

    async def send(self, chat_id: int, text: str, keyboard: str | None = None) -> int | None:
        """Sends a message (`keyboard` as Bot API JSON); returns its message id."""
        parameters: dict[str, Any] = {"chat_id": chat_id, "text": text}
        if keyboard is not None:
            parameters["reply_markup"] = keyboard
        result = await self._call("sendMessage", parameters, counted=True)
        return int(result["message_id"]) if isinstance(result, dict) else None

    async def send_photo(
        self, chat_id: int, png: bytes, filename: str, caption: str | None = None
    ) -> int | None:
        """Sends a picture (PNG bytes), with the retries of a reply; returns its message id."""
        return await self._send_file("sendPhoto", "photo", chat_id, png, filename, caption)

    async def send_document(
        self, chat_id: int, content: bytes, filename: str, caption: str | None = None
    ) -> int | None:
        """Sends a file as a document, with the retries of a reply; returns its message id."""
        return await self._send_file(
            "sendDocument", "document", chat_id, content, filename, caption
        )

    async def _send_file(
        self,
        method: str,
        field: str,
        chat_id: int,
        content: bytes,
        filename: str,
        caption: str | None,
    ) -> int | None:
        parameters: dict[str, Any] = {
            "chat_id": chat_id,
            field: InputFile(content, filename=filename),
        }
        if caption is not None:
            parameters["caption"] = caption
        result = await self._call(method, parameters, counted=True)
        return int(result["message_id"]) if isinstance(result, dict) else None

    async def send_once(self, chat_id: int, text: str, keyboard: str | None = None) -> int:
        """Sends a message with one try, through the same overall limit and per-chat pause as
        every reply; a failure raises python-telegram-bot's error (RetryAfter, Forbidden,
        BadRequest, NetworkError) for the caller to classify. A RetryAfter pauses the chat."""
        parameters: dict[str, Any] = {"chat_id": chat_id, "text": text}
        if keyboard is not None:
            parameters["reply_markup"] = keyboard
        await self._wait_for_chat(chat_id)
        await self._overall.turn()
        try:
            result = await self.bot.do_api_request("sendMessage", api_kwargs=parameters)
        except RetryAfter as error:
            self._chat_free_at[chat_id] = time.monotonic() + _seconds(error.retry_after)
            raise
        return int(result["message_id"])

    async def edit(
        self, chat_id: int, message_id: int, text: str, keyboard: str | None = None
    ) -> int | None:
        """Turns a message into `text` (without a keyboard unless one is given); if Telegram will
        not edit it (too old, deleted), the same content comes as a new message instead. Returns
        the id of the message that shows it now."""
        parameters: dict[str, Any] = {"chat_id": chat_id, "message_id": message_id, "text": text}
        if keyboard is not None:
            parameters["reply_markup"] = keyboard
        try:
            await self._call("editMessageText", parameters)
        except BadRequest as error:
            if "not modified" in str(error).lower():
                return message_id
            log.info("editing a message failed (%s); sending it anew", error)
            return await self.send(chat_id, text, keyboard)
        return message_id

    async def acknowledge(self, query_id: str, text: str | None = None) -> None:
        """Answers a button press. A courtesy: when Telegram refuses it (a press older than about
        15 s, or a 5xx), the press itself is still handled."""
        try:
            await self.bot.answer_callback_query(query_id, text=text)
        except TelegramError as error:
            log.info("answering a button press failed (%s); handling it all the same", error)

    async def _call(self, method: str, parameters: dict[str, Any], *, counted: bool = False) -> Any:
        """`counted`: a new message, which Telegram's overall limit counts (edits are not)."""
        chat_id = int(parameters["chat_id"])
        for delay in (*self.retry_delays, None):
            await self._wait_for_chat(chat_id)
            if counted:
                await self._overall.turn()
            try:
                return await self.bot.do_api_request(method, api_kwargs=parameters)
            except RetryAfter as error:
                wait = _seconds(error.retry_after)
                if delay is None or wait > LONGEST_WAIT:
                    raise
                self._chat_free_at[chat_id] = time.monotonic() + wait
            except BadRequest:
                raise
            except NetworkError as error:  # 5xx, timeouts and dropped connections
                if delay is None:
                    raise
                log.warning("%s to chat %s failed (%s); trying again", method, chat_id, error)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable: the last try raises or returns")

    async def _wait_for_chat(self, chat_id: int) -> None:
        free_at = self._chat_free_at.get(chat_id)
        if free_at is None:
            return
        wait = free_at - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        self._chat_free_at.pop(chat_id, None)


class RollingWindow:
    """At most `rate` messages begun in any `period` seconds, in the order asked: the way
    Telegram counts them. After a quiet spell a whole second's allowance goes at once, where a
    leaky bucket (aiolimiter) spread it out: 50 offers after 50 confirms then arrived 2.5 s
    later at the median instead of 0.6 s (bench/notify.py)."""

    def __init__(self, rate: float, period: float) -> None:
        self.count = max(1, int(rate))
        self.period = period
        self._begun: deque[float] = deque()
        self._order = asyncio.Lock()

    async def turn(self) -> None:
        async with self._order:
            while True:
                now = time.monotonic()
                while self._begun and self._begun[0] <= now - self.period:
                    self._begun.popleft()
                if len(self._begun) < self.count:
                    self._begun.append(now)
                    return
                await asyncio.sleep(self._begun[0] + self.period - now)


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)

"""A small Bot API server on 127.0.0.1 that the test suite owns: it answers python-telegram-bot
like Telegram does (form-encoded requests, JSON in some fields, 400 with ok=false for anything it
does not know), records every call, plays users (messages, button presses, inline queries), and
can fail on purpose (400, 403, 429, 500, dropped connections) and deliver an update a second time.

Updates wait for getUpdates (polling), or, once `deliver_to` names webhook URLs, are POSTed to
them in turn with Telegram's secret-token header, as Telegram does to a load balancer in front of
several replicas: a delivery that fails (refused, dropped, not 200) is tried on the next URL.

With `limits` on it enforces Telegram's flood limits on sendMessage as the real server does: at
most 30 messages in any rolling second per bot and one a second per chat, answering 429 with
`parameters.retry_after` past them (counted in `limited`)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

TOKEN = "123456789:AAF-fake-token-for-the-test-suite-only"
BOT = {
    "id": 999,
    "is_bot": True,
    "first_name": "regiebot",
    "username": "regiebot_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": True,
}
JSON_FIELDS = ("reply_markup", "entities", "commands", "allowed_updates", "results", "button")
PER_BOT = 30  # sendMessage calls in any rolling second, with `limits` on
PER_CHAT = 1.0  # seconds between two messages to one chat, with `limits` on
BLOCKED = "Forbidden: bot was blocked by the user"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DELIVERY_TIMEOUT = 10.0  # seconds a webhook has to answer one delivery
DELIVERY_DEADLINE = 60.0  # seconds of tries before the fake gives an update up (Telegram: a day)


@dataclass
class Fault:
    """The next `times` calls of `method` fail: with HTTP 400, 403, 429 or 500, or by dropping
    the connection."""

    method: str
    kind: str  # "400", "403", "429", "500" or "drop"
    times: int
    chat: int | None = None  # only calls about this chat; None: any
    description: str = "Bad Request: message can't be edited"  # of a 400
    retry_after: int = 1  # of a 429, in seconds


@dataclass(frozen=True)
class Upload:
    """A file the bot uploaded, as the multipart form carried it."""

    filename: str
    content_type: str
    content: bytes


@dataclass
class Call:
    method: str
    params: dict[str, Any]


@dataclass
class Webhooks:
    """Where updates go in webhook mode, and how their deliveries went."""

    urls: list[str]
    secret: str
    client: aiohttp.ClientSession
    turn: int = 0  # the next update goes to urls[turn % len(urls)]
    delivered: Counter[str] = field(default_factory=Counter)  # answered 200, per URL
    failed: Counter[str] = field(default_factory=Counter)  # tries that failed, per URL
    given_up: list[int] = field(default_factory=list)  # update ids no URL took in time
    tasks: set[asyncio.Task[None]] = field(default_factory=set)


@dataclass
class FakeBotAPI:
    calls: list[Call] = field(default_factory=list)
    listeners: list[Callable[[Call, Any], None]] = field(default_factory=list)  # (call, result)
    record: bool = True  # a long benchmark keeps no list of calls
    polls: int = 0  # getUpdates calls so far
    faults: list[Fault] = field(default_factory=list)
    limits: bool = False  # enforce Telegram's flood limits on sendMessage
    limited: int = 0  # 429s answered for going past them
    messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _again: list[dict[str, Any]] = field(default_factory=list)  # redelivered, whatever the offset
    _pushed: dict[int, dict[str, Any]] = field(default_factory=dict)
    _next_update: int = 1
    _next_message: int = 1
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _recent: deque[float] = field(default_factory=deque)  # monotonic times of accepted sends
    _chat_last: dict[int, float] = field(default_factory=dict)
    _runner: web.AppRunner | None = None
    webhooks: Webhooks | None = None  # set by deliver_to
    port: int = 0

    @property
    def updates(self) -> int:
        """How many updates the fake made (each user action is one)."""
        return len(self._pushed)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self.webhooks is not None:
            for task in self.webhooks.tasks:
                task.cancel()
            await asyncio.gather(*self.webhooks.tasks, return_exceptions=True)
            await self.webhooks.client.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def deliver_to(self, urls: Sequence[str], secret: str) -> Webhooks:
        """From now on every update is POSTed to one of `urls`, each in turn, with the secret
        token, instead of waiting for getUpdates; a failed try goes to the next URL after a short
        pause (Telegram retries a failed webhook call; a load balancer skips a replica that is
        down). Returns the record of the deliveries."""
        self.webhooks = Webhooks(list(urls), secret, aiohttp.ClientSession())
        return self.webhooks

    # --- the API ---------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        if request.match_info["token"] != TOKEN:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            if isinstance(value, web.FileField):  # an upload (sendPhoto, sendDocument)
                params[key] = Upload(value.filename, value.content_type, value.file.read())
            else:
                params[key] = json.loads(str(value)) if key in JSON_FIELDS else str(value)
        fault = next(
            (
                f
                for f in self.faults
                if f.method == method
                and f.times > 0
                and f.chat in (None, int(params.get("chat_id", 0) or 0))
            ),
            None,
        )
        if fault is not None:
            fault.times -= 1
            await self._record(Call(f"{method}!{fault.kind}", params))
            if fault.kind == "drop":
                assert request.transport is not None
                request.transport.close()
                raise ConnectionResetError
            if fault.kind == "400":
                return _bad_request(fault.description)
            if fault.kind == "403":
                return web.json_response(
                    {"ok": False, "error_code": 403, "description": BLOCKED}, status=403
                )
            if fault.kind == "429":
                return _too_many(fault.retry_after)
            return web.json_response(
                {"ok": False, "error_code": 500, "description": "Internal Server Error"}, status=500
            )
        if self.limits and method == "sendMessage":
            wait = self._flood_wait(int(params["chat_id"]))
            if wait:
                self.limited += 1
                await self._record(Call(f"{method}!429", params))
                return _too_many(wait)
        if method == "getUpdates":
            return web.json_response({"ok": True, "result": await self._get_updates(params)})
        answer = getattr(self, f"_api_{method}", None)
        if answer is None:
            return _bad_request(f"Bad Request: method {method} not found")
        result = answer(params)
        if isinstance(result, web.Response):
            await self._record(Call(f"{method}!{result.status}", params))
            return result
        call = Call(method, params)
        for listener in self.listeners:
            listener(call, result)
        await self._record(call)
        return web.json_response({"ok": True, "result": result})

    def _flood_wait(self, chat_id: int) -> int:
        """Seconds to wait before this message may go (0: it may go now, and is counted)."""
        now = time.monotonic()
        while self._recent and self._recent[0] <= now - 1.0:
            self._recent.popleft()
        waits = [0.0]
        if len(self._recent) >= PER_BOT:
            waits.append(self._recent[0] + 1.0 - now)
        last = self._chat_last.get(chat_id)
        if last is not None and now - last < PER_CHAT:
            waits.append(last + PER_CHAT - now)
        if max(waits) > 0:
            return max(1, math.ceil(max(waits)))
        self._recent.append(now)
        self._chat_last[chat_id] = now
        return 0

    async def _record(self, call: Call) -> None:
        async with self._changed:
            if self.record:
                self.calls.append(call)
            self._changed.notify_all()

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        self.polls += 1
        offset = int(params.get("offset", 0) or 0)
        limit = int(params.get("limit", 100) or 100)
        timeout = float(params.get("timeout", 0) or 0)
        async with self._changed:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            if not self._updates and not self._again and timeout > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._changed.wait_for(lambda: bool(self._updates or self._again)),
                        timeout,
                    )
            again, self._again = self._again, []
            return (again + list(self._updates))[:limit]  # at most `limit`, as Telegram gives

    def _api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return BOT

    def _api_deleteWebhook(self, params: dict[str, Any]) -> bool:
        return True

    def _api_setWebhook(self, params: dict[str, Any]) -> bool:
        return True

    def _api_setMyCommands(self, params: dict[str, Any]) -> bool:
        return True

    def _api_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        return True

    def _api_answerInlineQuery(self, params: dict[str, Any]) -> bool:
        return True

    def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message = {
            "message_id": self._next_message,
            "date": int(time.time()),
            "text": params["text"],
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT,
        }
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        self._next_message += 1
        self.messages[(chat_id, message["message_id"])] = message
        return message

    def _api_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        upload = params["photo"]
        assert isinstance(upload, Upload), "a photo is uploaded, not referred to"
        size = {"file_id": f"photo{self._next_message}", "file_unique_id": "p", "width": 1}
        return self._sent_file(params, {"photo": [dict(size, height=1)]})

    def _api_sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        upload = params["document"]
        assert isinstance(upload, Upload), "a document is uploaded, not referred to"
        document = {
            "file_id": f"document{self._next_message}",
            "file_unique_id": "d",
            "file_name": upload.filename,
            "mime_type": upload.content_type,
            "file_size": len(upload.content),
        }
        return self._sent_file(params, {"document": document})

    def _sent_file(self, params: dict[str, Any], media: dict[str, Any]) -> dict[str, Any]:
        """A message with a file; kept in `messages` with its caption as its text."""
        chat_id = int(params["chat_id"])
        message = {
            "message_id": self._next_message,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT,
            "caption": params.get("caption", ""),
            **media,
        }
        self._next_message += 1
        self.messages[(chat_id, message["message_id"])] = dict(message, text=message["caption"])
        return message

    def _api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any] | web.Response:
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.messages:  # as Telegram answers a forged or deleted message
            return _bad_request("Bad Request: message to edit not found")
        message = dict(self.messages[key], text=params["text"])
        message.pop("reply_markup", None)  # as in Telegram: no markup given, keyboard removed
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        self.messages[key] = message
        return message

    # --- playing users ---------------------------------------------------------------------------

    async def _push(self, update: dict[str, Any]) -> int:
        async with self._changed:
            update["update_id"] = self._next_update
            self._next_update += 1
            self._pushed[update["update_id"]] = update
            if self.webhooks is not None:
                self._post(update)
            else:
                self._updates.append(update)
            self._changed.notify_all()
            return int(update["update_id"])

    async def redeliver(self, update_id: int) -> None:
        """Serves an update once more with its own update_id, as Telegram does when the bot
        crashed before confirming it (its next getUpdates offset) or a webhook call failed."""
        async with self._changed:
            if self.webhooks is not None:
                self._post(self._pushed[update_id])
            else:
                self._again.append(self._pushed[update_id])
            self._changed.notify_all()

    def _post(self, update: dict[str, Any]) -> None:
        assert self.webhooks is not None
        hooks = self.webhooks
        task = asyncio.create_task(self._deliver(hooks, update, hooks.turn))
        hooks.turn += 1
        hooks.tasks.add(task)
        task.add_done_callback(hooks.tasks.discard)

    async def _deliver(self, hooks: Webhooks, update: dict[str, Any], turn: int) -> None:
        """Tries the URLs from `turn` on, round and round, until one answers 200."""
        deadline = time.monotonic() + DELIVERY_DEADLINE
        timeout = aiohttp.ClientTimeout(total=DELIVERY_TIMEOUT)
        tries = 0
        while time.monotonic() < deadline:
            url = hooks.urls[(turn + tries) % len(hooks.urls)]
            try:
                async with hooks.client.post(
                    url, json=update, headers={SECRET_HEADER: hooks.secret}, timeout=timeout
                ) as response:
                    if response.status == 200:
                        hooks.delivered[url] += 1
                        return
            except (aiohttp.ClientError, TimeoutError):
                pass
            hooks.failed[url] += 1
            tries += 1
            if tries % len(hooks.urls) == 0:  # every URL failed this round: wait a little
                await asyncio.sleep(min(0.05 * 2 ** (tries // len(hooks.urls)), 1.0))
        hooks.given_up.append(int(update["update_id"]))

    @staticmethod
    def user(user_id: int) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": f"Professional {user_id}"}

    async def send_text(self, user_id: int, text: str) -> int:
        """Plays a user typing `text`; returns the update's id."""
        message: dict[str, Any] = {
            "message_id": 100_000 + self._next_update,
            "date": int(time.time()),
            "text": text,
            "chat": {"id": user_id, "type": "private"},
            "from": self.user(user_id),
        }
        if text.startswith("/"):
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        return await self._push({"message": message})

    async def press(
        self, user_id: int, message_id: int, data: str, *, chat_id: int | None = None
    ) -> int:
        """Plays a user pressing a button of a message in `chat_id` (their own chat unless
        forged); returns the update's id."""
        message = self.messages[(user_id if chat_id is None else chat_id, message_id)]
        return await self._push(
            {
                "callback_query": {
                    "id": f"cb{self._next_update}",
                    "from": self.user(user_id),
                    "chat_instance": "ci",
                    "message": message,
                    "data": data,
                }
            }
        )

    async def send_update(self, update: dict[str, Any]) -> int:
        """Plays any update Telegram could send (an edited message, a group's message, a press
        with forged data); its update_id is set here. Returns that id."""
        return await self._push(update)

    async def inline_query(self, user_id: int, query: str) -> None:
        await self._push(
            {
                "inline_query": {
                    "id": f"iq{self._next_update}",
                    "from": self.user(user_id),
                    "query": query,
                    "offset": "",
                }
            }
        )

    # --- looking ---------------------------------------------------------------------------------

    def sent(self, chat_id: int) -> list[dict[str, Any]]:
        """Messages the bot sent to a chat, as they are now (after edits)."""
        return [m for (chat, _), m in sorted(self.messages.items()) if chat == chat_id]

    def last(self, chat_id: int) -> dict[str, Any]:
        return self.sent(chat_id)[-1]

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(condition), timeout)

    async def wait_for_message(self, chat_id: int, after: int) -> dict[str, Any]:
        """The first message to `chat_id` with an id above `after`, once it is there."""
        await self.wait_for(
            lambda: any(chat == chat_id and number > after for chat, number in self.messages)
        )
        return next(m for m in self.sent(chat_id) if m["message_id"] > after)

    def count(self, method: str) -> int:
        return sum(1 for c in self.calls if c.method == method)


def _bad_request(description: str) -> web.Response:
    return web.json_response(
        {"ok": False, "error_code": 400, "description": description}, status=400
    )


def _too_many(retry_after: int) -> web.Response:
    return web.json_response(
        {
            "ok": False,
            "error_code": 429,
            "description": f"Too Many Requests: retry after {retry_after}",
            "parameters": {"retry_after": retry_after},
        },
        status=429,
    )

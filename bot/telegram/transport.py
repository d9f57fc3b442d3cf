"""python-telegram-bot's requests over aiohttp instead of httpx.

Measured on this 2-core machine against the loopback fake Bot API: about 0.5 ms of CPU per Bot
API call through aiohttp against 1.0 ms through PTB's default httpx client; the bot makes two or
three calls per update, so this is most of its cost (bench/telegram_load.py). Plugged in through
PTB's documented `BaseRequest` extension point; timeouts and connection errors become PTB's
`TimedOut` and `NetworkError` exactly as with its own client.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

_DEFAULT_TIMEOUT = 5.0


def _seconds(value: Any, default: float | None) -> float | None:
    """A timeout PTB passed: a number, None (no limit) or its placeholder for "the default"."""
    return value if value is None or isinstance(value, int | float) else default


class AiohttpRequest(BaseRequest):
    def __init__(
        self,
        connection_pool_size: int = 8,
        read_timeout: float | None = _DEFAULT_TIMEOUT,
        connect_timeout: float | None = _DEFAULT_TIMEOUT,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        timeout = aiohttp.ClientTimeout(
            sock_read=_seconds(read_timeout, self._read_timeout),
            connect=_seconds(connect_timeout, self._connect_timeout),
        )
        data: Any = None
        if request_data is not None:
            if request_data.contains_files:
                data = aiohttp.FormData()
                for name, value in (request_data.json_parameters or {}).items():
                    data.add_field(name, value)
                for name, (filename, content, mimetype) in request_data.multipart_data.items():
                    data.add_field(name, content, filename=filename, content_type=mimetype)
            else:
                data = request_data.json_parameters
        try:
            async with self._session.request(method, url, data=data, timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{error.__class__.__name__}: {error}") from error


class UpdatesRequest(AiohttpRequest):
    """The request that fetches updates; python-telegram-bot turns every update it passes on into
    objects, so it passes on only what is worth that.

    Only updates it did not pass on before: Telegram answers getUpdates with every update from
    the offset on, and polling confirms an update only once it is handled (running.Poller), so
    every answer repeats the updates still in hand. Turning one into objects again cost 0.9 ms of
    CPU, measured on this busy 2-core machine (64 updates of a button press each).

    Without the keyboard of the message a button was pressed on, which no handler reads: parsing
    every button of it again cost, measured in one session through bench/telegram_load.py, about
    0.15 ms of CPU per update (1.54-1.62 ms with this, 1.72-1.77 ms without) and 8-12% of the
    closed-loop updates/s. A handler that needs that keyboard must use AiohttpRequest here."""

    _passed = 0  # one past the highest update id passed on

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        status, body = await super().do_request(
            url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
        )
        offset = request_data.parameters.get("offset") if request_data is not None else None
        if status != 200 or not isinstance(offset, int):
            return status, body
        data = json.loads(body)
        updates = data.get("result")
        if not isinstance(updates, list) or not updates:
            return status, body
        fresh = [u for u in updates if not offset <= _update_id(u) < self._passed]
        self._passed = max(self._passed, *(_update_id(u) + 1 for u in updates))
        if len(fresh) == len(updates):
            return status, body
        return status, json.dumps({**data, "result": fresh}).encode()

    @staticmethod
    def parse_json_payload(payload: bytes) -> dict[str, Any]:
        data: dict[str, Any] = BaseRequest.parse_json_payload(payload)
        result = data.get("result")
        if isinstance(result, list):
            for update in result:
                message = (
                    update.get("callback_query", {}).get("message")
                    if isinstance(update, dict)
                    else None
                )
                if isinstance(message, dict):
                    message.pop("reply_markup", None)
        return data


def _update_id(update: Any) -> int:
    update_id = update.get("update_id") if isinstance(update, dict) else None
    return update_id if isinstance(update_id, int) else -1

"""A recording BaseRequest: python-telegram-bot talks to it instead of the network, and it
answers the few methods the handlers use, the way aiogram's mocked bot session does."""

from __future__ import annotations

import json
import time
from typing import Any

from telegram.request import BaseRequest, RequestData

from tests.telegram.fake_bot_api import BOT


class RecordingRequest(BaseRequest):
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._message_id = 0

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data is not None else {}
        self.calls.append((name, params))
        result: Any = True
        if name == "getMe":
            result = BOT
        elif name == "sendMessage":
            self._message_id += 1
            result = {
                "message_id": self._message_id,
                "date": int(time.time()),
                "text": params["text"],
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "from": BOT,
            }
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def texts(self, chat_id: int) -> list[str]:
        return [
            str(p["text"])
            for name, p in self.calls
            if name == "sendMessage" and int(p["chat_id"]) == chat_id
        ]

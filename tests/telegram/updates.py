"""Updates as Telegram sends them, for handlers driven without a network (`process_update`)."""

from __future__ import annotations

import time
from typing import Any

from telegram import Update

from tests.telegram.fake_bot_api import FakeBotAPI


def message(update_id: int, text: str, user: int, bot: Any = None) -> Update:
    data: dict[str, Any] = {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "text": text,
            "chat": {"id": user, "type": "private"},
            "from": FakeBotAPI.user(user),
        },
    }
    if text.startswith("/"):
        data["message"]["entities"] = [
            {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
        ]
    return Update.de_json(data, bot)


def press(update_id: int, data: str, user: int, bot: Any = None) -> Update:
    shown = {
        "message_id": 1,
        "date": int(time.time()),
        "text": "Vraag 1 van 9",
        "chat": {"id": user, "type": "private"},
    }
    query = {
        "id": f"q{update_id}",
        "from": FakeBotAPI.user(user),
        "chat_instance": "c",
        "message": shown,
        "data": data,
    }
    return Update.de_json({"update_id": update_id, "callback_query": query}, bot)


def inline(update_id: int, text: str, user: int, bot: Any = None) -> Update:
    query = {"id": f"iq{update_id}", "from": FakeBotAPI.user(user), "query": text, "offset": ""}
    return Update.de_json({"update_id": update_id, "inline_query": query}, bot)

"""The aiohttp transport's update parsing: a pressed message's keyboard is dropped, nothing else."""

from __future__ import annotations

import json

from bot.telegram.transport import UpdatesRequest


def test_keyboard_of_a_pressed_message_is_dropped_before_parsing() -> None:
    keyboard = {"inline_keyboard": [[{"text": "Ja", "callback_data": "1|criteria|ja"}]]}
    payload = {
        "ok": True,
        "result": [
            {
                "update_id": 1,
                "callback_query": {
                    "id": "c",
                    "data": "1|criteria|ja",
                    "message": {"message_id": 5, "text": "Vraag 1", "reply_markup": keyboard},
                },
            },
            {
                "update_id": 2,
                "message": {"message_id": 6, "text": "hallo", "reply_markup": keyboard},
            },
        ],
    }
    parsed = UpdatesRequest.parse_json_payload(json.dumps(payload).encode())
    assert "reply_markup" not in parsed["result"][0]["callback_query"]["message"]
    assert parsed["result"][0]["callback_query"]["data"] == "1|criteria|ja"
    assert parsed["result"][1]["message"]["reply_markup"] == keyboard
    assert UpdatesRequest.parse_json_payload(b'{"ok": true, "result": true}') == {
        "ok": True,
        "result": True,
    }

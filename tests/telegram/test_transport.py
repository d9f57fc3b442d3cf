"""The aiohttp transport's update parsing: a pressed message's keyboard is dropped, nothing else;
an update Telegram gives again because it is not confirmed yet is not passed on again."""

from __future__ import annotations

import json

from telegram import Bot

from bot.telegram.transport import AiohttpRequest, UpdatesRequest
from tests.telegram.fake_bot_api import TOKEN, FakeBotAPI


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


async def test_an_update_given_again_before_it_is_confirmed_is_passed_on_once(
    fake: FakeBotAPI,
) -> None:
    bot = Bot(
        TOKEN,
        base_url=fake.base_url,
        request=AiohttpRequest(),
        get_updates_request=UpdatesRequest(),
    )
    async with bot:
        first = await fake.send_text(1, "eerste")
        second = await fake.send_text(2, "tweede")
        assert [u.update_id for u in await bot.get_updates(offset=0)] == [first, second]
        third = await fake.send_text(3, "derde")
        # Only the first is confirmed: Telegram gives the second again, with the third.
        again = await bot.get_updates(offset=second)
        assert [u.update_id for u in again] == [third]
        assert again[0].message is not None and again[0].message.text == "derde"

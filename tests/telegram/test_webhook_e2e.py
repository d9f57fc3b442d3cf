"""Webhook mode, on the server `regiebot run` serves it with (bot/telegram/webhook.py): it
registers the webhook with its secret and checks Telegram's secret token on every delivery."""

from __future__ import annotations

import socket
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.settings import Settings
from bot.telegram import build_application
from bot.telegram.texts import REFUSED
from bot.telegram.webhook import receiving_webhook
from tests.clock import TestClock
from tests.telegram.conftest import App
from tests.telegram.fake_bot_api import FakeBotAPI
from tests.telegram.helpers import channel

STRANGER = 801


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def webhook_bot(settings: Settings, clock: TestClock) -> AsyncIterator[tuple[App, str]]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    settings = settings.model_copy(update={"webhook_url": url, "webhook_port": port})
    app = build_application(settings, clock=clock)
    await app.initialize()
    assert app.post_init is not None and app.post_stop is not None
    await app.post_init(app)
    async with receiving_webhook(app, settings, channel(app).health):
        await app.start()
        yield app, url
    await app.stop()
    await app.post_stop(app)
    await app.shutdown()


def update(update_id: int, text: str) -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "text": text,
            "chat": {"id": STRANGER, "type": "private"},
            "from": FakeBotAPI.user(STRANGER),
        },
    }


async def test_webhook_with_secret(
    fake: FakeBotAPI, settings: Settings, webhook_bot: tuple[App, str]
) -> None:
    _, url = webhook_bot
    set_webhook = next(c for c in fake.calls if c.method == "setWebhook")
    assert set_webhook.params["url"] == url
    assert set_webhook.params["secret_token"] == settings.webhook_secret()
    async with aiohttp.ClientSession() as client:
        wrong = await client.post(
            url, json=update(1, "hallo"), headers={"X-Telegram-Bot-Api-Secret-Token": "fout"}
        )
        assert wrong.status == 403
        right = await client.post(
            url,
            json=update(2, "hallo"),
            headers={"X-Telegram-Bot-Api-Secret-Token": settings.webhook_secret()},
        )
        assert right.status == 200
    answer = await fake.wait_for_message(STRANGER, 0)
    assert answer["text"] == REFUSED
    assert len(fake.sent(STRANGER)) == 1, "the update with the wrong secret was not handled"

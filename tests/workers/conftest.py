"""A python-telegram-bot Bot on the fake Bot API (tests/conftest.py's `fake`), for the workers,
which send through it over aiohttp as `regiebot run` does."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from bot.telegram.transport import AiohttpRequest
from tests.telegram.fake_bot_api import TOKEN, FakeBotAPI


@pytest.fixture
async def bot(fake: FakeBotAPI) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=fake.base_url, request=AiohttpRequest(8)) as bot:
        yield bot

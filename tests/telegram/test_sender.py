"""The one way out: a reply is retried briefly and boundedly, and flood control on one chat holds
up only that chat. Against the fake Bot API on 127.0.0.1, through python-telegram-bot's Bot."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from telegram import Bot
from telegram.error import Forbidden, NetworkError, RetryAfter

from bot.telegram.sender import Sender
from tests.telegram.fake_bot_api import TOKEN, FakeBotAPI, Fault

BUSY, OTHER = 601, 602


@pytest.fixture
async def bot(fake: FakeBotAPI) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=fake.base_url) as bot:
        yield bot


async def test_flood_control_on_one_chat_does_not_hold_up_another(
    fake: FakeBotAPI, bot: Bot
) -> None:
    sender = Sender(bot, max_rate=30)
    fake.faults.append(Fault("sendMessage", "429", 2, chat=BUSY))  # "retry after 1" twice

    async def other_chat_a_moment_later() -> None:
        await fake.wait_for(lambda: fake.count("sendMessage!429") == 1)
        await sender.send(OTHER, "Vraag 2 van 9")

    await asyncio.gather(sender.send(BUSY, "Vraag 3 van 9"), other_chat_a_moment_later())
    delivered = [int(c.params["chat_id"]) for c in fake.calls if c.method == "sendMessage"]
    assert delivered == [OTHER, BUSY], "the other chat went first; the busy one got through"
    assert fake.count("sendMessage!429") == 2


async def test_a_reply_is_tried_a_bounded_number_of_times(fake: FakeBotAPI, bot: Bot) -> None:
    sender = Sender(bot, max_rate=30, retry_delays=(0.0,) * 5)
    fake.faults.append(Fault("sendMessage", "500", 100))
    with pytest.raises(NetworkError):
        await sender.send(BUSY, "Vraag 1 van 9")
    assert fake.count("sendMessage!500") == 6, "one try and five retries, nothing around them"


async def test_a_failed_acknowledgement_costs_nothing(fake: FakeBotAPI, bot: Bot) -> None:
    sender = Sender(bot, max_rate=30)
    fake.faults += [Fault("answerCallbackQuery", "400", 1), Fault("answerCallbackQuery", "500", 1)]
    await sender.acknowledge("too-old")
    await sender.acknowledge("server-trouble")
    assert fake.count("answerCallbackQuery!400") == fake.count("answerCallbackQuery!500") == 1


async def test_the_outbox_path_tries_once_and_says_why_it_failed(
    fake: FakeBotAPI, bot: Bot
) -> None:
    sender = Sender(bot, max_rate=30)
    fake.faults += [Fault("sendMessage", "500", 1), Fault("sendMessage", "403", 1)]
    with pytest.raises(NetworkError):
        await sender.send_once(BUSY, "Casus aangeboden")
    with pytest.raises(Forbidden):
        await sender.send_once(BUSY, "Casus aangeboden")
    assert await sender.send_once(BUSY, "Casus aangeboden") > 0
    assert [c.method for c in fake.calls[1:]] == [
        "sendMessage!500",
        "sendMessage!403",
        "sendMessage",
    ]


async def test_flood_control_on_the_outbox_path_pauses_the_chat(fake: FakeBotAPI, bot: Bot) -> None:
    """A 429 for an outbox message holds up the next message to that chat, a reply included,
    until Telegram's retry_after has passed."""
    sender = Sender(bot, max_rate=30)
    fake.faults.append(Fault("sendMessage", "429", 1, chat=BUSY))
    with pytest.raises(RetryAfter):
        await sender.send_once(BUSY, "Casus aangeboden")
    started = asyncio.get_running_loop().time()
    await sender.send(BUSY, "Vraag 1 van 9")
    assert asyncio.get_running_loop().time() - started >= 0.9

"""Handlers through a recording BaseRequest: no network, no polling; updates go straight in."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from telegram import Update

from bot.services.intake import IntakeService
from bot.telegram.callbacks import IntakeButton
from bot.telegram.ordering import PerChatOrder
from bot.telegram.texts import REFUSED, SOMETHING_WENT_WRONG
from tests.telegram.conftest import App
from tests.telegram.fake_bot_api import TOKEN
from tests.telegram.helpers import channel
from tests.telegram.recording import RecordingRequest
from tests.telegram.updates import message

USER = 900


async def test_builder_given_is_used_and_commands_are_set(
    recorded: tuple[App, RecordingRequest],
) -> None:
    app, request = recorded
    assert app.bot.token == TOKEN
    assert [name for name, _ in request.calls[:2]] == ["getMe", "setMyCommands"]


async def test_stranger_is_refused(recorded: tuple[App, RecordingRequest]) -> None:
    app, request = recorded
    await app.process_update(message(1, "/aanmelden", USER, bot=app.bot))
    assert request.texts(USER) == [REFUSED]


async def test_member_starts_an_aanmelding(recorded: tuple[App, RecordingRequest]) -> None:
    app, request = recorded
    invitation = await channel(app).admission.invite(role="melder")
    await app.process_update(message(1, f"/start {invitation.code}", USER, bot=app.bot))
    await app.process_update(message(2, "/aanmelden", USER, bot=app.bot))
    texts = request.texts(USER)
    assert texts[1].startswith("Welkom bij regiebot. Ik stel u een paar vragen")
    assert "\n\nVraag 1 van 9\n" in texts[1], "the welcome and the first question, one message"
    keyboard = next(p["reply_markup"] for n, p in reversed(request.calls) if n == "sendMessage")
    assert '"callback_data": "i|criteria|ja"' in str(keyboard).replace("'", '"')


async def test_error_tells_the_user_and_logs_without_their_text(
    recorded: tuple[App, RecordingRequest],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app, request = recorded
    invitation = await channel(app).admission.invite(role="melder")
    await app.process_update(message(1, f"/start {invitation.code}", USER, bot=app.bot))

    async def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(IntakeService, "step", broken)
    with caplog.at_level(logging.ERROR):
        await app.process_update(message(2, "Jongere woont bij tante, groep 8", USER, bot=app.bot))
    assert request.texts(USER)[-1] == SOMETHING_WENT_WRONG
    assert "handling an update for chat 900 failed" in caplog.text
    assert "tante" not in caplog.text


def test_callback_data_is_prefixed_and_short() -> None:
    assert IntakeButton.unpack("i|leeftijd|minderjarig") == IntakeButton("leeftijd", "minderjarig")
    assert IntakeButton("leeftijd", "minderjarig").pack() == "i|leeftijd|minderjarig"
    assert IntakeButton.unpack("1|leeftijd|minderjarig") is None, "an older layout is stale"
    assert IntakeButton.unpack("a|leeftijd|minderjarig") is None, "another feature's button"
    assert IntakeButton.unpack("rommel") is None
    with pytest.raises(ValueError, match="over 64"):
        IntakeButton("omschrijving", "x" * 60).pack()


async def test_per_chat_order_serialises_a_chat_and_overlaps_chats() -> None:
    processor = PerChatOrder(16)
    events: list[tuple[str, int, str]] = []

    async def work(chat: int, n: int) -> None:
        events.append(("start", chat, str(n)))
        await asyncio.sleep(0.01)
        events.append(("end", chat, str(n)))

    def update(chat: int) -> Update:
        return message(chat * 100, "x", user=chat)

    async with processor:
        await asyncio.gather(
            *(
                processor.process_update(update(chat), work(chat, n))
                for n in range(3)
                for chat in (1, 2)
            )
        )
    for chat in (1, 2):
        mine = [(kind, n) for kind, c, n in events if c == chat]
        assert mine == [
            ("start", "0"),
            ("end", "0"),
            ("start", "1"),
            ("end", "1"),
            ("start", "2"),
            ("end", "2"),
        ]
    first_end = next(i for i, e in enumerate(events) if e[0] == "end")
    assert {c for kind, c, _ in events[:first_end] if kind == "start"} == {1, 2}, "chats overlap"
    assert processor._locks == {}, "no lock kept for idle chats"

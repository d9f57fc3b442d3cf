"""Buttons whose data carries a number no button of ours carries (2^63 and more, negative, another
script's digits), pressed by a coördinator over the real PTB stack: each is answered as a stale
button, nothing is logged as an error and nobody is told that something went wrong."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.telegram.texts import SOMETHING_WENT_WRONG, STALE_BUTTON
from rules.vocabulary import Role
from tests.telegram.conftest import Running
from tests.telegram.fake_bot_api import FakeBotAPI
from tests.telegram.helpers import channel, wait_for_text

COORDINATOR = 4801
HUGE = str(2**63)
FORGED = (
    f"a|card|{HUGE}",
    f"a|accept|{HUGE}",
    f"a|decline|{HUGE}",
    f"a|close|{HUGE}",
    f"a|afw|{HUGE}",
    f"a|afr-gi-jbra|{HUGE}.0",
    f"a|afr-gi-jbra|1.{HUGE}",
    f"a|nonote|decline:{HUGE}",
    "a|card|-1",
    "a|accept|-9223372036854775809",
    "a|card|²",
    f"g|groep|{HUGE}",
    "g|groep-kies|-1",
    f"c|kaart|{HUGE}|",
    f"c|intrek|{HUGE}|",
    f"c|capaciteit|{HUGE}|3",
    "c|dagen|1|-5",
    f"c|lijst||{HUGE}",
    f"p|capaciteit|{HUGE}",
    f"p|dagen|{HUGE}",
    "p|dagen|99999999",
    "p|dagen|-1",
    f"k|||||{HUGE}",
)


async def test_a_press_carrying_an_impossible_number_is_a_stale_button(
    fake: FakeBotAPI, running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    assert running.app is not None
    caplog.set_level(logging.WARNING)
    invitation = await channel(running.app).admission.invite(role=Role.COORDINATOR)
    await fake.send_text(COORDINATOR, f"/start {invitation.code}")
    await fake.send_text(COORDINATOR, "/mensen")
    shown = await wait_for_text(fake, COORDINATOR, "Mensen")
    answers = {data: await press(fake, shown, f"forged{n}", data) for n, data in enumerate(FORGED)}
    assert answers == dict.fromkeys(FORGED, STALE_BUTTON)
    assert not [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert all(m["text"] != SOMETHING_WENT_WRONG for m in fake.sent(COORDINATOR))


async def press(fake: FakeBotAPI, shown: dict[str, Any], query_id: str, data: str) -> str | None:
    """Presses a button carrying `data` on the message `shown`; what the press is answered."""
    query = {
        "id": query_id,
        "from": FakeBotAPI.user(COORDINATOR),
        "chat_instance": "ci",
        "message": shown,
        "data": data,
    }
    await fake.send_update({"callback_query": query})
    await fake.wait_for(lambda: _answer(fake, query_id) is not None)
    return _answer(fake, query_id)


def _answer(fake: FakeBotAPI, query_id: str) -> str | None:
    """The text the press was answered with ("" without one); None before it is answered."""
    for call in fake.calls:
        if call.method == "answerCallbackQuery" and call.params["callback_query_id"] == query_id:
            return str(call.params.get("text", ""))
    return None

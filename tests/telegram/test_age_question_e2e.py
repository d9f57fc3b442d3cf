"""The age question over the real PTB stack follows the regime: under jeugdreclassering only the
band that fits is offered, and a typed age outside 12-22 is refused with the reason."""

from __future__ import annotations

from tests.telegram.conftest import Running
from tests.telegram.fake_bot_api import FakeBotAPI
from tests.telegram.helpers import at_first_question, wait_for_text, wait_until_asking

USER = 650


async def test_the_age_question_offers_and_accepts_what_the_regime_allows(
    fake: FakeBotAPI, running: Running
) -> None:
    assert running.app is not None
    await at_first_question(fake, running.app, USER)
    for answer in ("ja", "een persoon", "maatregel", "jeugdreclassering"):
        await fake.send_text(USER, answer)
    asked = await wait_until_asking(fake, USER, "leeftijd")
    options = [row[0]["text"] for row in asked["reply_markup"]["inline_keyboard"][:-1]]
    assert options == ["Jongvolwassen (18-22 jaar)"]
    assert "Bij uw antwoorden past een leeftijd van 12 tot en met 22 jaar" in asked["text"]

    await fake.send_text(USER, "10")
    refused = await wait_for_text(fake, USER, "Jeugdreclassering", after=asked["message_id"])
    assert "12" in refused["text"] and refused["reply_markup"], "the question again, with buttons"
    await fake.send_text(USER, "15")
    await wait_until_asking(fake, USER, "profiel", after=refused["message_id"])

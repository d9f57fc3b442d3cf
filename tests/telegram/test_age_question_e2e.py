"""The age question over the real PTB stack follows the regime: under jeugdreclassering the bands
with an age from 12 to 22 in them are offered, a typed age outside 12-22 is refused with the
reason; under leerplicht a 13-year-old is Minderjarig with one press."""

from __future__ import annotations

from tests.telegram.conftest import Running
from tests.telegram.fake_bot_api import FakeBotAPI
from tests.telegram.helpers import (
    at_first_question,
    data_of,
    wait_for_text,
    wait_until_asking,
)

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
    assert options == ["Minderjarig (0-17 jaar)", "Jongvolwassen (18-22 jaar)"]
    assert "Bij uw antwoorden past een leeftijd van 12 tot en met 22 jaar" in asked["text"]

    await fake.send_text(USER, "10")
    refused = await wait_for_text(fake, USER, "Jeugdreclassering", after=asked["message_id"])
    assert "12" in refused["text"] and refused["reply_markup"], "the question again, with buttons"
    await fake.send_text(USER, "15")
    await wait_until_asking(fake, USER, "profiel", after=refused["message_id"])


async def test_under_leerplicht_a_minor_is_one_press(fake: FakeBotAPI, running: Running) -> None:
    assert running.app is not None
    await at_first_question(fake, running.app, USER)
    for answer in ("ja", "een persoon", "onderzoek", "leerplicht"):
        await fake.send_text(USER, answer)
    asked = await wait_until_asking(fake, USER, "leeftijd")
    options = [row[0]["text"] for row in asked["reply_markup"]["inline_keyboard"][:-1]]
    assert options == ["Minderjarig (0-17 jaar)", "Jongvolwassen (18-22 jaar)"]
    assert "Bij uw antwoorden past een leeftijd van 5 tot en met 22 jaar" in asked["text"]
    await fake.press(USER, asked["message_id"], data_of(asked, "minderjarig"))
    key = (USER, asked["message_id"])
    await fake.wait_for(lambda: fake.messages[key]["text"].startswith("✓ Leeftijd: Minderjarig"))
    assert "\nVraag 6 van 9\nSpeelt er (ook)" in fake.messages[key]["text"]

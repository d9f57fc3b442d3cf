"""Faults found by probing, over the real PTB stack and the fake Bot API: a press whose
acknowledgement Telegram refuses, an update delivered twice (polling and webhook), and a button
pressed on a message of another chat."""

from __future__ import annotations

import time
from typing import Any

import aiohttp

from bot.settings import Settings
from bot.telegram.texts import STALE_BUTTON
from conversation.intake_texts import RESUMED
from storage import Intake, IntakeStates
from tests.telegram.conftest import App, Running
from tests.telegram.fake_bot_api import FakeBotAPI, Fault
from tests.telegram.helpers import (
    ASKS_SCOPE,
    admitted,
    asking,
    channel,
    data_of,
    wait_for_text,
    wait_until_asking,
)
from tests.telegram.test_webhook_e2e import webhook_bot  # noqa: F401 (a fixture)

USER = 710
OTHER = 711
TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


async def state_of(app: App, chat: int) -> Intake:
    async with channel(app).database.transaction() as session:
        found = await IntakeStates(session).lock(chat)
    assert found is not None
    return found


async def at_first_question(fake: FakeBotAPI, app: App, user: int) -> dict[str, Any]:
    await admitted(fake, app, user)
    await fake.send_text(user, "/aanmelden")
    return await wait_until_asking(fake, user, "criteria")


async def test_a_press_whose_acknowledgement_fails_still_counts(
    fake: FakeBotAPI, running: Running
) -> None:
    assert running.app is not None
    question = await at_first_question(fake, running.app, USER)
    key = (USER, question["message_id"])
    fake.faults.append(Fault("answerCallbackQuery", "400", 1, description=TOO_OLD))
    await fake.press(USER, question["message_id"], data_of(question, "ja"))
    await fake.wait_for(lambda: asking(fake.messages[key]) == "omvang")
    await fake.press(USER, question["message_id"], data_of(fake.messages[key], "persoon"))
    await fake.wait_for(lambda: asking(fake.messages[key]) == "kader")
    fake.faults.append(Fault("answerCallbackQuery", "500", 1))
    await fake.press(USER, question["message_id"], data_of(fake.messages[key], "maatregel"))
    await fake.wait_for(lambda: asking(fake.messages[key]) == "maatregel")
    assert fake.count("answerCallbackQuery!400") == fake.count("answerCallbackQuery!500") == 1
    assert (await state_of(running.app, USER)).answers == {"criteria": "ja", "kader": "maatregel"}
    assert not any(m["text"].startswith("Er ging iets mis") for m in fake.sent(USER))


async def test_a_typed_answer_delivered_twice_answers_one_question(
    fake: FakeBotAPI, running: Running
) -> None:
    assert running.app is not None
    await at_first_question(fake, running.app, USER)
    last = 0
    for text, step in (
        ("ja", "omvang"),
        ("een persoon", "kader"),
        ("maatregel", "maatregel"),
        ("ots", "leeftijd"),
        ("15", "profiel"),
        ("geen", "interventie"),
        ("jeugdbescherming", "betrokken"),
    ):
        await fake.send_text(USER, text)
        last = (await wait_until_asking(fake, USER, step, after=last))["message_id"]
    geen = await fake.send_text(USER, "geen")
    shown = await wait_for_text(fake, USER, "Vraag ", after=last)
    await fake.redeliver(geen)  # as after a crash before the offset was confirmed
    again = await wait_for_text(fake, USER, RESUMED, after=shown["message_id"])
    assert "Geef een korte omschrijving" in again["text"], "the current question, again"
    saved = await state_of(running.app, USER)
    assert saved.state == "omschrijving" and "omschrijving" not in saved.answers


async def test_a_toggle_delivered_twice_stays_ticked(fake: FakeBotAPI, running: Running) -> None:
    assert running.app is not None
    question = await at_first_question(fake, running.app, USER)
    key = (USER, question["message_id"])
    for button, step in (
        ("ja", "omvang"),
        ("persoon", "kader"),
        ("maatregel", "maatregel"),
        ("ots", "leeftijd"),
    ):
        await fake.press(USER, question["message_id"], data_of(fake.messages[key], button))
        await fake.wait_for(lambda step=step: asking(fake.messages[key]) == step)  # type: ignore[misc]
    await fake.press(USER, question["message_id"], data_of(fake.messages[key], "minderjarig"))
    await fake.wait_for(lambda: asking(fake.messages[key]) == "profiel")
    tick = await fake.press(USER, question["message_id"], data_of(fake.messages[key], "lvb"))
    await fake.wait_for(lambda: "✅" in str(fake.messages[key]["reply_markup"]))
    await fake.redeliver(tick)
    await fake.wait_for(lambda: RESUMED in fake.messages[key]["text"])
    assert "✅" in str(fake.messages[key]["reply_markup"]), "the question shown as it is now"
    assert (await state_of(running.app, USER)).draft == ["lvb"], "still ticked, not unticked"


async def test_a_command_delivered_twice_restarts_once(fake: FakeBotAPI, running: Running) -> None:
    assert running.app is not None
    asked = await at_first_question(fake, running.app, USER)
    for text, step in (("ja", "omvang"), ("een persoon", "kader")):
        await fake.send_text(USER, text)
        asked = await wait_until_asking(fake, USER, step, after=asked["message_id"])
    restart = await fake.send_text(USER, "/opnieuw")
    asked = await wait_until_asking(fake, USER, "criteria", after=asked["message_id"])
    for text, step in (("ja", "omvang"), ("een persoon", "kader")):
        await fake.send_text(USER, text)
        asked = await wait_until_asking(fake, USER, step, after=asked["message_id"])
    await fake.redeliver(restart)
    await wait_for_text(fake, USER, RESUMED, after=asked["message_id"])
    saved = await state_of(running.app, USER)
    assert (saved.state, saved.answers) == ("kader", {"criteria": "ja"})


def message_update(update_id: int, text: str) -> dict[str, object]:
    message: dict[str, object] = {
        "message_id": update_id,
        "date": int(time.time()),
        "text": text,
        "chat": {"id": USER, "type": "private"},
        "from": FakeBotAPI.user(USER),
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": update_id, "message": message}


async def test_a_webhook_update_posted_twice_is_applied_once(
    fake: FakeBotAPI,
    settings: Settings,
    webhook_bot: tuple[App, str],  # noqa: F811
) -> None:
    app, url = webhook_bot
    invitation = await channel(app).admission.invite(role="melder")
    headers = {"X-Telegram-Bot-Api-Secret-Token": settings.webhook_secret()}
    said = 0

    async def post(update_id: int, text: str, answer: str) -> None:
        nonlocal said
        async with aiohttp.ClientSession() as client:
            response = await client.post(url, json=message_update(update_id, text), headers=headers)
            assert response.status == 200
        said = (await wait_for_text(fake, USER, answer, after=said))["message_id"]

    await post(1, f"/start {invitation.code}", "Welkom bij regiebot!")
    await post(2, "/aanmelden", "Welkom bij regiebot.")
    await post(3, "ja", ASKS_SCOPE)
    await post(4, "een persoon", "Vraag 3")
    await post(5, "/opnieuw", "We beginnen opnieuw")
    await post(6, "ja", ASKS_SCOPE)
    await post(7, "een persoon", "Vraag 3")
    await post(5, "/opnieuw", RESUMED)  # Telegram retrying a call it saw fail
    saved = await state_of(app, USER)
    assert (saved.state, saved.answers) == ("kader", {"criteria": "ja"})


async def test_a_press_on_a_message_of_another_chat_changes_nothing(
    fake: FakeBotAPI, running: Running
) -> None:
    assert running.app is not None
    theirs = await at_first_question(fake, running.app, OTHER)
    await at_first_question(fake, running.app, USER)
    before = (await state_of(running.app, USER), await state_of(running.app, OTHER))
    shown = dict(fake.messages[(OTHER, theirs["message_id"])])
    await fake.press(USER, theirs["message_id"], data_of(theirs, "ja"), chat_id=OTHER)
    await fake.wait_for(lambda: fake.count("answerCallbackQuery") == 1)
    call = next(c for c in fake.calls if c.method == "answerCallbackQuery")
    assert call.params["text"] == STALE_BUTTON
    assert (await state_of(running.app, USER), await state_of(running.app, OTHER)) == before
    assert fake.messages[(OTHER, theirs["message_id"])] == shown

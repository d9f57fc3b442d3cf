"""A flaky Bot API: 429s, 500s and dropped connections on sendMessage. No answer is lost, the user
sees the next question once the API recovers, and the bot keeps running."""

from __future__ import annotations

from tests.telegram.conftest import Running
from tests.telegram.fake_bot_api import FakeBotAPI, Fault
from tests.telegram.helpers import ASKS_SCOPE, admitted, asking, data_of, wait_until_asking

USER = 700


async def test_answers_survive_a_flaky_api(fake: FakeBotAPI, running: Running) -> None:
    assert running.app is not None
    await admitted(fake, running.app, USER)
    await fake.send_text(USER, "/aanmelden")
    first = await wait_until_asking(fake, USER, "criteria")
    fake.faults += [
        Fault("sendMessage", "500", 2),
        Fault("sendMessage", "429", 1),
        Fault("sendMessage", "drop", 1),
    ]
    await fake.send_text(USER, "ja")
    second = await wait_until_asking(fake, USER, "omvang", after=first["message_id"])
    assert [c.method for c in fake.calls if c.method.startswith("sendMessage!")] == [
        "sendMessage!500",
        "sendMessage!500",
        "sendMessage!429",
        "sendMessage!drop",
    ]
    assert [asking(m) for m in fake.sent(USER)].count("omvang") == 1, "sent once, not twice"
    await fake.send_text(USER, "een persoon")
    third = await wait_until_asking(fake, USER, "kader", after=second["message_id"])
    fake.faults.append(Fault("sendMessage", "500", 1))
    await fake.send_text(USER, "vrijwillig")
    await wait_until_asking(fake, USER, "leeftijd", after=third["message_id"])
    assert running.app is not None and running.app.running


async def test_a_flaky_edit_still_shows_the_next_question(
    fake: FakeBotAPI, running: Running
) -> None:
    assert running.app is not None
    await admitted(fake, running.app, USER)
    await fake.send_text(USER, "/aanmelden")
    question = await wait_until_asking(fake, USER, "criteria")
    fake.faults += [Fault("editMessageText", "500", 1), Fault("editMessageText", "drop", 1)]
    await fake.press(USER, question["message_id"], data_of(question, "ja"))
    key = (USER, question["message_id"])
    await fake.wait_for(lambda: asking(fake.messages[key]) == "omvang")
    assert [c.method for c in fake.calls if c.method.startswith("editMessageText")] == [
        "editMessageText!500",
        "editMessageText!drop",
        "editMessageText",
    ]


async def test_a_message_that_cannot_be_edited_is_sent_anew(
    fake: FakeBotAPI, running: Running
) -> None:
    assert running.app is not None
    await admitted(fake, running.app, USER)
    await fake.send_text(USER, "/aanmelden")
    question = await wait_until_asking(fake, USER, "criteria")
    fake.faults.append(Fault("editMessageText", "400", 1))
    await fake.press(USER, question["message_id"], data_of(question, "ja"))
    following = await wait_until_asking(fake, USER, "omvang", after=question["message_id"])
    assert following["text"].startswith("✓ Criteria complexe casus: Ja\n\n" + ASKS_SCOPE)
    await fake.send_text(USER, "een persoon")  # a typed answer closes the message that asked
    await wait_until_asking(fake, USER, "kader", after=following["message_id"])
    closed = fake.messages[(USER, following["message_id"])]
    assert closed["text"] == "✓ Omvang: één persoon" and "reply_markup" not in closed
    assert fake.messages[(USER, question["message_id"])]["reply_markup"], "the old one untouched"


async def test_a_failing_command_menu_is_not_fatal(fake: FakeBotAPI, running: Running) -> None:
    await running.stop()
    fake.faults.append(Fault("setMyCommands", "500", 1))
    await running.start()
    assert fake.count("setMyCommands!500") == 1
    assert running.app is not None
    await admitted(fake, running.app, USER)  # and the bot answers all the same

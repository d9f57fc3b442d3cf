"""What a question's message shows over the real PTB stack: answered by a press or by typing, it
closes the same way; ticking an option keeps the answers it showed; keyboards use a phone's width."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from conversation import intake_texts
from storage import IntakeStates
from tests.telegram.conftest import Running
from tests.telegram.fake_bot_api import FakeBotAPI
from tests.telegram.helpers import (
    admitted,
    asking,
    channel,
    data_of,
    wait_for_text,
    wait_until_asking,
)

USER = 700
OTHER = 701


async def started(fake: FakeBotAPI, running: Running, user: int) -> dict[str, Any]:
    assert running.app is not None
    await admitted(fake, running.app, user)
    await fake.send_text(user, "/aanmelden")
    return await wait_until_asking(fake, user, "criteria")


async def typed(fake: FakeBotAPI, user: int, text: str, next_step: str) -> dict[str, Any]:
    """Types an answer; the next question comes as a new message."""
    last = fake.last(user)["message_id"]
    await fake.send_text(user, text)
    return await wait_until_asking(fake, user, next_step, after=last)


async def pressed(
    fake: FakeBotAPI, user: int, message: dict[str, Any], button: str, next_step: str
) -> dict[str, Any]:
    """Presses a button; the pressed message itself turns into the next question."""
    key = (user, message["message_id"])
    await fake.press(user, message["message_id"], data_of(message, button))
    await fake.wait_for(lambda: asking(fake.messages[key]) == next_step)
    return fake.messages[key]


def rows_shown(message: dict[str, Any]) -> list[list[str]]:
    return [[key["text"] for key in row] for row in message["reply_markup"]["inline_keyboard"]]


def first_button_marked(fake: FakeBotAPI, key: tuple[int, int], mark: str) -> Callable[[], bool]:
    return lambda: rows_shown(fake.messages[key])[0][0].startswith(mark)


def labels(row: list[dict[str, Any]]) -> list[str]:
    return [key["text"].removeprefix("▫️ ").removeprefix("✅ ") for key in row]


def rows_of(message: dict[str, Any]) -> list[list[str]]:
    return [labels(row) for row in message["reply_markup"]["inline_keyboard"]]


async def test_a_typed_answer_closes_its_question_as_a_press_does(
    fake: FakeBotAPI, running: Running
) -> None:
    by_press = await started(fake, running, OTHER)
    by_press = await pressed(fake, OTHER, by_press, "ja", "omvang")
    press_line = by_press["text"].split("\n\n")[0]
    assert press_line.startswith("✓ ")

    question = await started(fake, running, USER)
    stale_data = data_of(question, "nee")
    edits = fake.count("editMessageText")
    await typed(fake, USER, "ja", "omvang")
    closed = fake.messages[(USER, question["message_id"])]
    assert closed["text"] == press_line, "the same line a press leaves"
    assert "reply_markup" not in closed, "its buttons are gone"
    assert fake.count("editMessageText") == edits + 1, "one edit closes it"

    # a press that was on its way still answers nothing: the question it asked is answered
    last = fake.last(USER)["message_id"]
    await fake.press(USER, question["message_id"], stale_data)
    stale = await wait_for_text(fake, USER, intake_texts.STALE_BUTTON, after=last)
    assert asking(stale) == "omvang"
    assert fake.messages[(USER, question["message_id"])] == closed
    assert running.app is not None
    async with channel(running.app).database.transaction() as session:
        state = await IntakeStates(session).lock(USER)
    assert state is not None and state.answers == {"criteria": "ja"}


async def test_typed_answers_close_whichever_message_asked(
    fake: FakeBotAPI, running: Running
) -> None:
    first = await started(fake, running, USER)
    first = await pressed(fake, USER, first, "ja", "omvang")  # the first message asks on
    first = await pressed(fake, USER, first, "persoon", "kader")
    leeftijd = await typed(fake, USER, "vrijwillig", "leeftijd")
    closed = fake.messages[(USER, first["message_id"])]
    assert closed["text"].startswith("✓ Kader: ") and "reply_markup" not in closed
    await typed(fake, USER, "30", "profiel")
    closed = fake.messages[(USER, leeftijd["message_id"])]
    assert closed["text"].startswith("✓ Leeftijd: 30") and "reply_markup" not in closed
    for message in fake.sent(USER)[:-1]:
        assert "reply_markup" not in message, "only the question asked now has buttons"


async def test_ticking_an_option_keeps_the_answer_shown_above(
    fake: FakeBotAPI, running: Running
) -> None:
    question = await started(fake, running, USER)
    for button, next_step in (
        ("ja", "omvang"),
        ("persoon", "kader"),
        ("maatregel", "maatregel"),
        ("ots", "leeftijd"),
        ("minderjarig", "profiel"),
    ):
        question = await pressed(fake, USER, question, button, next_step)
    answered_above = question["text"].split("\n\n")[0]
    assert answered_above.startswith("✓ Leeftijd: ")
    key = (USER, question["message_id"])
    for mark in ("✅", "▫️"):  # tick LVB, then untick it
        await fake.press(USER, question["message_id"], data_of(question, "lvb"))
        await fake.wait_for(first_button_marked(fake, key, mark))
        question = fake.messages[key]
        assert question["text"].split("\n\n")[0] == answered_above
        assert question["text"].split("\n\n")[1].startswith("Vraag ")
    question = await pressed(fake, USER, question, "verder", "interventie")
    assert question["text"].startswith("✓ Cliëntprofiel: ")
    assert question["text"].count("✓") == 1, "an answer replaces the one shown before"


def fits_a_phone(row: list[str]) -> bool:
    longest = max(len(label) for label in row)
    return len(row) == 1 or (len(row) == 2 and longest <= 22) or longest <= 14


async def test_keyboards_use_the_width_of_a_phone(fake: FakeBotAPI, running: Running) -> None:
    question = await started(fake, running, USER)
    assert rows_of(question) == [["Ja", "Nee", "Twijfel"], ["Stoppen"]]
    question = await pressed(fake, USER, question, "ja", "omvang")
    assert rows_of(question) == [["Eén persoon", "Een groep"], ["Vorige", "Stoppen"]]
    question = await pressed(fake, USER, question, "persoon", "kader")
    kader = rows_of(question)
    assert all(len(row) == 1 for row in kader[:-1]), "long labels: one a row"
    assert kader[-1] == ["Vorige", "Stoppen"]

    for text, step in (("vrijwillig", "leeftijd"), ("30", "profiel"), ("geen", "interventie")):
        question = await typed(fake, USER, text, step)
    interventie = rows_of(question)
    assert interventie[:-1] == [
        ["Veiligheid en overlast", "Jeugdbescherming"],
        ["Onderwijs", "Werk en inkomen"],
        ["Zorg en gezondheid", "Wonen"],
        ["Huiselijk geweld of kindermishandeling"],
    ]

    question = await typed(fake, USER, "zorg", "betrokken")
    betrokken = rows_of(question)
    *options, answering, navigation = betrokken
    assert answering == ["Nog geen", "Verder"] and navigation == ["Vorige", "Stoppen"]
    partijen = [label for row in options for label in row]
    assert len(partijen) == 16
    assert len(options) < 16 and ["Politie", "Openbaar Ministerie"] in options
    assert all(fits_a_phone(row) for row in options)
    buttons = [key for row in question["reply_markup"]["inline_keyboard"] for key in row]
    assert [key["callback_data"] for key in buttons[:2]] == [
        "i|betrokken|gi-jbra",
        "i|betrokken|gi-wsg",
    ]


async def test_a_press_on_an_earlier_copy_of_the_question_moves_the_question_there(
    fake: FakeBotAPI, running: Running
) -> None:
    first = await started(fake, running, USER)
    first = await pressed(fake, USER, first, "ja", "omvang")
    first = await pressed(fake, USER, first, "persoon", "kader")
    first = await pressed(fake, USER, first, "vrijwillig", "leeftijd")
    again = await typed(fake, USER, "honderd", "leeftijd")  # not an age: asked again below
    first = await pressed(fake, USER, first, "volwassen", "profiel")  # on the first copy
    await typed(fake, USER, "geen", "interventie")
    closed = fake.messages[(USER, first["message_id"])]
    assert closed["text"].startswith("✓ Cliëntprofiel: ") and "reply_markup" not in closed
    assert asking(fake.messages[(USER, again["message_id"])]) == "leeftijd", "stale from now on"

"""/profiel over the real PTB stack: a regisseur toggles an expertise, changes their capacity,
is absent by a button and by a typed day, and present again, every press in the same message; a
melder is refused. The database holds each change and its audit entry."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import col, select

from bot.services.profile import CHANGED
from bot.telegram import texts
from bot.telegram.profile_view import PRESENT_TEXT
from conversation import absence
from conversation.dates import IN_THE_PAST
from storage import People
from storage.models import AuditEntry
from tests.telegram.conftest import Running
from tests.telegram.fake_bot_api import FakeBotAPI
from tests.telegram.helpers import admitted, channel, wait_for_text

REGISSEUR = 810
MELDER = 811
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # Friday 20 November 2026


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """Each button's text and its callback data."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return {key["text"]: key["callback_data"] for row in rows for key in row}


async def press(fake: FakeBotAPI, user: int, message: dict[str, Any], text: str) -> dict[str, Any]:
    """Presses the button labelled `text`; waits until the press is answered and the message
    edited; the message as it is then."""
    key = (user, message["message_id"])
    seen = len(fake.calls)
    update = await fake.press(user, message["message_id"], buttons(message)[text])

    def answered_and_edited() -> bool:
        edits = (c for c in fake.calls[seen:] if c.method == "editMessageText")
        edited = any(int(c.params["message_id"]) == key[1] for c in edits)
        return edited and answers(fake, update) == 1

    await fake.wait_for(answered_and_edited)
    return fake.messages[key]


def answers(fake: FakeBotAPI, update: int) -> int:
    """How often the press of `update` was answered."""
    calls = (c for c in fake.calls if c.method == "answerCallbackQuery")
    return sum(1 for c in calls if c.params["callback_query_id"] == f"cb{update}")


async def typed(fake: FakeBotAPI, user: int, text: str) -> dict[str, Any]:
    """Types `text`; the bot's answer as a new message."""
    last = fake.last(user)["message_id"]
    await fake.send_text(user, text)
    return await fake.wait_for_message(user, last)


async def test_a_regisseur_changes_their_profile(fake: FakeBotAPI, running: Running) -> None:
    assert running.app is not None
    app = running.app
    await admitted(fake, app, REGISSEUR, role="regisseur")
    running.clock.now = NOW
    await fake.send_text(REGISSEUR, "/help")
    assert texts.PROFILE_HELP in (await wait_for_text(fake, REGISSEUR, "Wat u kunt doen"))["text"]

    await fake.send_text(REGISSEUR, "/profiel")
    shown = await wait_for_text(fake, REGISSEUR, "Uw profiel")
    assert "Partij: Wijkteam / Samen DOEN" in shown["text"]
    assert "• Cliëntprofiel: nog niets gekozen" in shown["text"]
    assert "Capaciteit: 10 casussen tegelijk" in shown["text"]
    assert PRESENT_TEXT in shown["text"]
    assert "Weer aanwezig" not in buttons(shown), "present: nothing to end"

    shown = await press(fake, REGISSEUR, shown, "▫️ Verslaving")
    assert "• Cliëntprofiel: Verslaving" in shown["text"]
    assert "✅ Verslaving" in buttons(shown)
    shown = await press(fake, REGISSEUR, shown, "▫️ Wonen")
    shown = await press(fake, REGISSEUR, shown, "✅ Wonen")
    assert "• Interventie: nog niets gekozen" in shown["text"], "pressed again: unchosen"

    shown = await press(fake, REGISSEUR, shown, "➕ Capaciteit 11")
    assert "Capaciteit: 11 casussen tegelijk" in shown["text"]
    assert {"➖ Capaciteit 10", "➕ Capaciteit 12"} <= set(buttons(shown))

    shown = await press(fake, REGISSEUR, shown, "Afwezig tot…")
    assert shown["text"].endswith("Hoe lang bent u afwezig?")
    shown = await press(fake, REGISSEUR, shown, "1 week")
    assert "Afwezig tot en met vrijdag 27 november 2026" in shown["text"]
    shown = await press(fake, REGISSEUR, shown, "Weer aanwezig")
    assert PRESENT_TEXT in shown["text"]

    shown = await press(fake, REGISSEUR, shown, "Afwezig tot…")
    question = await press(fake, REGISSEUR, shown, "Anders: typ een datum")
    assert question["text"].endswith(absence.QUESTION)
    assert list(buttons(question)) == ["Annuleren"]
    refused = await typed(fake, REGISSEUR, "1-1-2020")
    assert refused["text"] == f"{IN_THE_PAST}\n\n{absence.QUESTION}"
    noted = await typed(fake, REGISSEUR, "5 december")
    assert noted["text"].startswith("Genoteerd: u bent afwezig tot en met zaterdag 5 december 2026")
    closed = fake.messages[(REGISSEUR, question["message_id"])]
    assert closed["text"] == "✓ Afwezig tot en met zaterdag 5 december 2026"
    assert "reply_markup" not in closed, "the question's buttons are gone"

    await fake.send_text(REGISSEUR, "/profiel")
    shown = await fake.wait_for_message(REGISSEUR, noted["message_id"])
    assert "Afwezig tot en met zaterdag 5 december 2026" in shown["text"]
    shown = await press(fake, REGISSEUR, shown, "Weer aanwezig")
    assert PRESENT_TEXT in shown["text"]
    done = await press(fake, REGISSEUR, shown, "Klaar")
    assert "reply_markup" not in done and done["text"].startswith("Uw profiel")

    async with channel(app).database.transaction() as session:
        person = await People(session).by_telegram_id(REGISSEUR)
        entries = (await session.exec(select(AuditEntry).order_by(col(AuditEntry.id)))).all()
    assert person is not None
    assert (person.expertise, person.capacity, person.absent_until) == (["verslaving"], 11, None)
    assert [e.details for e in entries if e.action == CHANGED] == [
        {"field": "expertise", "code": "verslaving", "chosen": True},
        {"field": "expertise", "code": "wonen", "chosen": True},
        {"field": "expertise", "code": "wonen", "chosen": False},
        {"field": "capacity", "from": 10, "to": 11},
        {"field": "absent_until", "to": "2026-11-27"},
        {"field": "absent_until", "to": None},
        {"field": "absent_until", "to": "2026-12-05"},
        {"field": "absent_until", "to": None},
    ]
    assert all(e.actor_id == person.id for e in entries if e.action == CHANGED)


async def test_cancelling_the_typed_day_leaves_the_absence_and_frees_the_chat(
    fake: FakeBotAPI, running: Running
) -> None:
    assert running.app is not None
    await admitted(fake, running.app, REGISSEUR, role="regisseur")
    await fake.send_text(REGISSEUR, "/profiel")
    shown = await wait_for_text(fake, REGISSEUR, "Uw profiel")
    shown = await press(fake, REGISSEUR, shown, "Afwezig tot…")
    shown = await press(fake, REGISSEUR, shown, "Anders: typ een datum")
    shown = await press(fake, REGISSEUR, shown, "Annuleren")
    assert PRESENT_TEXT in shown["text"] and "Afwezig tot…" in buttons(shown)
    answer = await typed(fake, REGISSEUR, "5 december")
    assert "/aanmelden" in answer["text"], "typed text is no longer a day: the intake answers"


async def test_a_melder_has_no_profile(fake: FakeBotAPI, running: Running) -> None:
    assert running.app is not None
    await admitted(fake, running.app, MELDER)
    await fake.send_text(MELDER, "/help")
    assert "/profiel" not in (await wait_for_text(fake, MELDER, "Wat u kunt doen"))["text"]
    last = fake.last(MELDER)["message_id"]
    await fake.send_text(MELDER, "/profiel")
    refusal = await fake.wait_for_message(MELDER, last)
    assert refusal["text"] == texts.NOT_FOR_YOUR_ROLE
    update = await fake.press(MELDER, refusal["message_id"], "p|capaciteit|50")  # forged
    await fake.wait_for(lambda: answers(fake, update) == 1)
    answer = next(c for c in fake.calls if c.params.get("callback_query_id") == f"cb{update}")
    assert answer.params["text"] == texts.NOT_FOR_YOUR_ROLE, "the press is refused"


async def test_a_press_that_comes_twice_counts_once(fake: FakeBotAPI, running: Running) -> None:
    """Telegram may deliver an update again; an expertise button says what to set, not to flip."""
    assert running.app is not None
    app = running.app
    await admitted(fake, app, REGISSEUR, role="regisseur")
    await fake.send_text(REGISSEUR, "/profiel")
    shown = await wait_for_text(fake, REGISSEUR, "Uw profiel")
    shown = await press(fake, REGISSEUR, shown, "▫️ Verslaving")
    update = max(fake._pushed)
    await fake.redeliver(update)

    def answered_twice() -> bool:
        query = f"cb{update}"
        return [
            c.params.get("callback_query_id")
            for c in fake.calls
            if c.method == "answerCallbackQuery"
        ].count(query) == 2

    await fake.wait_for(answered_twice)
    assert "✅ Verslaving" in buttons(fake.messages[(REGISSEUR, shown["message_id"])])
    async with channel(app).database.transaction() as session:
        person = await People(session).by_telegram_id(REGISSEUR)
        entries = (await session.exec(select(AuditEntry).where(AuditEntry.action == CHANGED))).all()
    assert person is not None and person.expertise == ["verslaving"]
    assert len(entries) == 1

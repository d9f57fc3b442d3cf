"""The one access check, through a recording BaseRequest: strangers and deactivated people get
nothing but how to get access, from any command, button, text or inline query; buttons are routed
by their prefix, and one the bot no longer knows is answered as stale."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import update
from telegram.ext import ApplicationHandlerStop

from bot.services.admission import Member
from bot.telegram.gate import Gate
from bot.telegram.handlers import Family
from bot.telegram.texts import NOT_FOR_YOUR_ROLE, REFUSED, REFUSED_SHORT, STALE_BUTTON
from storage import IntakeStates
from storage.models import Person
from tests.telegram.conftest import App
from tests.telegram.helpers import ASKS_SCOPE, channel
from tests.telegram.recording import RecordingRequest
from tests.telegram.updates import inline, message, press

USER = 910


EVERY_KIND = (
    "/aanmelden",
    "/wie ots 15 lvb",
    "/status",
    "/status ZVH-2026-0001",
    "/stoppen",
    "/opnieuw",
    "/vorige",
    "/help",
    "/start",
    "/onbekend",
    "ja",
    "Jongere van 15 met LVB",
)
BUTTONS = ("i|criteria|ja", "i|summary|bevestig", "a|ZVH-2026-0001|accepteer", "rommel")


async def offer_everything(app: App, first_id: int) -> None:
    update_id = first_id
    for text in EVERY_KIND:
        await app.process_update(message(update_id, text, user=USER, bot=app.bot))
        update_id += 1
    for data in BUTTONS:
        await app.process_update(press(update_id, data, USER, bot=app.bot))
        update_id += 1
    await app.process_update(inline(update_id, "ots 15 lvb", USER, bot=app.bot))


async def member_at_the_first_question(app: App) -> None:
    invitation = await channel(app).admission.invite(role="melder")
    await app.process_update(message(1, f"/start {invitation.code}", USER, bot=app.bot))
    await app.process_update(message(2, "/aanmelden", USER, bot=app.bot))


def answers_after(request: RecordingRequest, start: int) -> list[tuple[str, Any]]:
    """What the bot said after call number `start`: (method, text or results)."""
    said = []
    for name, params in request.calls[start:]:
        if name == "sendMessage":
            said.append((name, params["text"]))
        elif name == "answerCallbackQuery":
            said.append((name, params.get("text")))
        elif name == "answerInlineQuery":
            said.append((name, params["results"]))
    return said


def only_refusals(said: list[tuple[str, Any]]) -> bool:
    allowed = {
        ("sendMessage", REFUSED),
        ("answerCallbackQuery", REFUSED_SHORT),
        ("answerInlineQuery", "[]"),
    }
    return all((name, str(what)) in allowed for name, what in said)


async def test_a_stranger_gets_nothing_but_the_way_in(
    recorded: tuple[App, RecordingRequest],
) -> None:
    app, request = recorded
    start = len(request.calls)
    await offer_everything(app, 1)
    said = answers_after(request, start)
    assert len(said) == len(EVERY_KIND) + 2 * len(BUTTONS) + 1, "every update is answered"
    assert only_refusals(said), said
    async with channel(app).database.transaction() as session:
        assert await IntakeStates(session).count() == 0, "nothing of theirs is kept"


async def test_a_deactivated_person_loses_access_at_once_and_keeps_their_answers(
    recorded: tuple[App, RecordingRequest],
) -> None:
    app, request = recorded
    await member_at_the_first_question(app)
    await app.process_update(message(3, "ja", user=USER, bot=app.bot))
    await app.process_update(message(4, "een persoon", user=USER, bot=app.bot))
    assert "Vraag 3 van 9" in request.texts(USER)[-1]
    async with channel(app).database.transaction() as session:
        await session.exec(update(Person).values(active=False))  # as a coördinator would
        before = await IntakeStates(session).lock(USER)

    start = len(request.calls)
    await offer_everything(app, 10)
    said = answers_after(request, start)
    assert only_refusals(said), said
    async with channel(app).database.transaction() as session:
        assert await IntakeStates(session).lock(USER) == before, "the answers stay as they were"


async def test_a_button_of_another_feature_never_reaches_the_intake(
    recorded: tuple[App, RecordingRequest],
) -> None:
    app, request = recorded
    await member_at_the_first_question(app)
    async with channel(app).database.transaction() as session:
        before = await IntakeStates(session).lock(USER)

    start = len(request.calls)
    # Same step and button as the intake's own "ja", under an unknown feature's prefix, and under
    # the layout the intake used before prefixes: both stale, neither an answer.
    for update_id, data in enumerate(("x|criteria|ja", "1|criteria|ja", "zz"), start=3):
        await app.process_update(press(update_id, data, USER, bot=app.bot))
    assert answers_after(request, start) == [("answerCallbackQuery", STALE_BUTTON)] * 3
    async with channel(app).database.transaction() as session:
        assert await IntakeStates(session).lock(USER) == before

    await app.process_update(press(6, "i|criteria|ja", USER, bot=app.bot))
    assert ASKS_SCOPE in str(request.calls[-1][1]["text"]), "the intake's own button works"


class RecordingSender:
    def __init__(self) -> None:
        self.said: list[tuple[int | str, str | None]] = []

    async def send(self, chat_id: int, text: str, keyboard: str | None = None) -> None:
        self.said.append((chat_id, text))

    async def acknowledge(self, query_id: str, text: str | None = None) -> None:
        self.said.append((query_id, text))


class OneMember:
    def __init__(self, role: str) -> None:
        self.role = role

    async def member(self, telegram_id: int) -> Member:
        return Member(person_id=1, role=self.role, partij=None)


@pytest.mark.parametrize(
    ("role", "admitted"), [("coordinator", True), ("regisseur", False), ("melder", False)]
)
async def test_roles_are_checked_per_feature_at_the_gate(role: str, admitted: bool) -> None:
    coordination = Family(
        name="coordination",
        handlers=(),
        roles=frozenset({"coordinator"}),
        commands=frozenset({"mensen"}),
        button_prefix="c",
    )
    sender = RecordingSender()
    gate = Gate(OneMember(role), sender, [coordination])  # type: ignore[arg-type]
    for offered in (message(1, "/mensen", user=USER), press(2, "c|42|deactiveer", USER)):
        context = SimpleNamespace(member=None)
        if admitted:
            await gate.check(offered, context)  # type: ignore[arg-type]
            assert context.member == Member(1, role, None)
        else:
            with pytest.raises(ApplicationHandlerStop):
                await gate.check(offered, context)  # type: ignore[arg-type]
    assert all(text == NOT_FOR_YOUR_ROLE for _, text in sender.said) and (
        bool(sender.said) != admitted
    )


async def test_a_melder_is_told_once_that_the_regisseurs_work_is_not_for_them(
    recorded: tuple[App, RecordingRequest],
) -> None:
    app, request = recorded
    await member_at_the_first_question(app)
    start = len(request.calls)
    await app.process_update(press(3, "a|accept|1", USER, bot=app.bot))
    await app.process_update(message(4, "/mijn", USER, bot=app.bot))
    assert answers_after(request, start) == [
        ("answerCallbackQuery", NOT_FOR_YOUR_ROLE),
        ("sendMessage", NOT_FOR_YOUR_ROLE),
    ]

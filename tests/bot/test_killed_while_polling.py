"""SIGKILL while polling, with updates fetched and not yet handled: `regiebot run` is killed while
some melders' button presses wait for their answerCallbackQuery (before the step is committed),
their next typed answer waits behind them, and other melders' typed answers are committed but
their replies not yet sent. After a restart every answer is there, none lost and none applied
twice: Telegram delivers again what the killed process had not confirmed, and what it had
committed already only shows its question again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.services.admission import AdmissionService
from bot.services.clock import wall_clock
from conversation.intake_texts import RESUMED
from rules.vocabulary import Role
from storage import Database, Intake, IntakeStates
from tests.bot.bot_process import BotProcess, environment
from tests.telegram.fake_bot_api import Call, FakeBotAPI
from tests.telegram.helpers import asking, data_of, wait_until_asking

PRESSING = range(7001, 7005)  # press "ja" (held before its commit), then type the next answer
COMMITTED = range(7005, 7007)  # type "ja": committed, its reply held


class HoldingFake(FakeBotAPI):
    """The fake Bot API that, while `holding`, answers no answerCallbackQuery and no call about
    a chat in `held_chats` until `release` (a killed bot never gets an answer). It keeps, per
    getUpdates call, the offset asked and the highest update id handed out before that call."""

    holding: bool = False
    held_chats: frozenset[int] = frozenset()
    held: list[Call]
    polls_seen: list[tuple[int, int]]
    handed_out: int = 0
    _released: asyncio.Event

    async def start(self) -> None:
        self.held, self.polls_seen, self._released = [], [], asyncio.Event()
        await super().start()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        # Overrides the fake's own request handler (a private method of a test helper) to hold.
        method = request.match_info["method"]
        form = await request.post()  # aiohttp keeps the parsed form for the fake's own reading
        chat = int(str(form.get("chat_id", 0) or 0))
        if self.holding and (method == "answerCallbackQuery" or chat in self.held_chats):
            await self._record(Call(f"{method}!held", {"chat_id": chat}))
            self.held.append(Call(method, {"chat_id": chat}))
            await self._released.wait()
            if request.transport is None or request.transport.is_closing():
                return web.Response(status=503)  # the bot that asked is gone
        return await super()._handle(request)

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        self.polls_seen.append((int(params.get("offset", 0) or 0), self.handed_out))
        updates = await super()._get_updates(params)
        self.handed_out = max([self.handed_out, *(u["update_id"] for u in updates)])
        return updates

    def release(self) -> None:
        self.holding = False
        self._released.set()

    def polled_after(self, update_id: int) -> bool:
        """Whether the bot asked for updates again after it had been given `update_id`: the
        call that confirmed it, if the bot confirms what it merely received."""
        return any(seen >= update_id for _, seen in self.polls_seen)


@pytest.fixture
async def holding() -> AsyncIterator[HoldingFake]:
    api = HoldingFake()
    await api.start()
    yield api
    await api.stop()


async def _invitations(database_file: Path, count: int) -> list[str]:
    database = Database(f"sqlite+aiosqlite:///{database_file}")
    try:
        await database.upgrade()
        admission = AdmissionService(database, clock=wall_clock)
        return [(await admission.invite(role=Role.MELDER)).code for _ in range(count)]
    finally:
        await database.dispose()


async def _intakes(database_file: Path, chats: range) -> dict[int, Intake | None]:
    database = Database(f"sqlite+aiosqlite:///{database_file}")
    try:
        async with database.transaction() as session:
            return {chat: await IntakeStates(session).lock(chat) for chat in chats}
    finally:
        await database.dispose()


def _resumed(fake: FakeBotAPI, chat: int) -> int:
    return sum(1 for m in fake.sent(chat) if m["text"].startswith(RESUMED))


async def test_updates_in_hand_at_a_sigkill_come_again(
    holding: HoldingFake, tmp_path: Path
) -> None:
    fake = holding
    database_file = tmp_path / "regiebot.db"
    settings = environment(fake, database_file)
    chats = range(PRESSING.start, COMMITTED.stop)
    codes = await _invitations(database_file, len(chats))
    killed, restarted = BotProcess(fake, settings), BotProcess(fake, settings)
    try:
        await killed.start()
        first_questions = {}
        for chat, code in zip(chats, codes, strict=True):
            await fake.send_text(chat, f"/start {code}")
            await fake.send_text(chat, "/aanmelden")
        for chat in chats:
            first_questions[chat] = await wait_until_asking(fake, chat, "criteria")

        fake.holding, fake.held_chats = True, frozenset(COMMITTED)
        sent: dict[int, list[int]] = {}
        for chat in PRESSING:
            question = first_questions[chat]
            press = await fake.press(chat, question["message_id"], data_of(question, "ja"))
            sent[chat] = [press, await fake.send_text(chat, "een persoon")]
        for chat in COMMITTED:
            sent[chat] = [await fake.send_text(chat, "ja")]
        last = max(u for ids in sent.values() for u in ids)
        await fake.wait_for(
            lambda: len(fake.held) == len(chats) and fake.polled_after(last), timeout=30
        )
        killed.kill()
        await killed.exited()
        fake.release()

        await restarted.start()
        for chat in PRESSING:
            await wait_until_asking(fake, chat, "kader", first_questions[chat]["message_id"])
        for chat in COMMITTED:
            await fake.wait_for(lambda chat=chat: _resumed(fake, chat) > 0, timeout=30)  # type: ignore[misc]
        status, _ = await restarted.terminate()
        assert status == 0, "\n".join(restarted.log)
    finally:
        for bot in (killed, restarted):
            await bot.close()

    intakes = await _intakes(database_file, chats)
    for chat in PRESSING:  # the press and the text after it, each applied once
        intake = intakes[chat]
        assert intake is not None
        assert (intake.state, intake.answers) == ("kader", {"criteria": "ja"}), chat
        assert set(sent[chat]) <= set(intake.handled_updates), chat
        assert sum(1 for m in fake.sent(chat) if asking(m) == "kader") == 1, chat
    for chat in COMMITTED:  # applied before the kill; delivered again, it only asks again
        intake = intakes[chat]
        assert intake is not None
        assert (intake.state, intake.answers) == ("omvang", {"criteria": "ja"}), chat
        assert _resumed(fake, chat) == 1, chat
        assert asking(fake.last(chat)) == "omvang", chat

"""SIGTERM during a burst of updates from 24 chats, polling and on the webhook: `regiebot run`
exits 0 within 10 s; every update it had received (fetched and confirmed to Telegram, or
under way on the webhook, which answers 200 once handled) got its answer before it exited; what it had not received is answered by
the next start, and nothing is answered twice, also when Telegram delivers an answered update
again. Every log line is JSON without a token, a name or a typed text."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.services.admission import AdmissionService
from bot.services.clock import wall_clock
from conversation.intake_texts import RESUMED
from rules.vocabulary import Role
from storage import Database
from tests.bot.bot_process import BotProcess, Webhook, environment, free_port
from tests.telegram.fake_bot_api import TOKEN, Call, FakeBotAPI
from tests.telegram.helpers import TO_THE_DESCRIPTION, asking

CHATS = range(5001, 5025)
DESCRIPTION = "Jongere woont sinds kort bij een tante in de wijk"
SCRIPT = [*TO_THE_DESCRIPTION, (DESCRIPTION, "summary")]  # typed answers, and the next step
BEFORE_SIGNAL = 6  # rounds of answers sent before SIGTERM; the rest arrive while it stops


class CountingFake(FakeBotAPI):
    """The fake Bot API, keeping the highest getUpdates offset (every update below it was fetched
    and confirmed, so Telegram will never deliver it again) and, as Telegram does, giving at
    most `limit` updates at once."""

    confirmed: int = 0
    fetched: int = 0  # the highest update id handed out

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        # Overrides the fake's own getUpdates (a private method of a test helper) to count.
        self.confirmed = max(self.confirmed, int(params.get("offset", 0) or 0))
        updates = await super()._get_updates(params)
        updates = updates[: int(params.get("limit", 100) or 100)]
        self.fetched = max([self.fetched, *(u["update_id"] for u in updates)])
        async with self._changed:
            self._changed.notify_all()
        return updates


@pytest.fixture
async def counting() -> AsyncIterator[CountingFake]:
    api = CountingFake()
    await api.start()
    yield api
    await api.stop()


class Users:
    """Sends the users' updates: through the fake's getUpdates, or delivered to the webhook."""

    def __init__(self, fake: CountingFake, webhook: Webhook | None) -> None:
        self.fake = fake
        self.webhook = webhook
        self.chat_of: dict[int, int] = {}  # update id -> chat
        self.delivered: dict[int, dict[str, Any]] = {}  # webhook updates, by id

    async def send(self, texts: dict[int, str]) -> None:
        """One text from each chat, all chats at once."""
        if self.webhook is None:
            for chat, text in texts.items():
                self.chat_of[await self.fake.send_text(chat, text)] = chat
            return
        updates = [self.webhook.message(chat, text) for chat, text in texts.items()]
        self.chat_of |= {u["update_id"]: u["message"]["chat"]["id"] for u in updates}
        self.delivered |= {u["update_id"]: u for u in updates}
        await self.webhook.deliver(updates)

    async def again(self, update_ids: list[int]) -> None:
        """Telegram delivers updates once more, as after a crash or a lost 200."""
        if self.webhook is None:
            for update_id in update_ids:
                await self.fake.redeliver(update_id)
        else:
            await self.webhook.deliver([self.delivered[u] for u in update_ids])

    def received(self) -> set[int]:
        """Update ids the bot has received for good: it will not get them again unasked."""
        if self.webhook is None:
            return {u for u in self.chat_of if u < self.fake.confirmed}
        return set(self.webhook.accepted)


class Replies:
    """Every message the bot sends, per chat, as (text, the step its keyboard answers), recorded
    as sent (later edits take the keyboards away)."""

    def __init__(self, fake: FakeBotAPI) -> None:
        self.sent: dict[int, list[tuple[str, str | None]]] = {}
        self.skip: dict[int, int] = {}
        fake.listeners.append(self.on_call)

    def on_call(self, call: Call, result: Any) -> None:
        if call.method == "sendMessage":
            self.sent.setdefault(int(call.params["chat_id"]), []).append(
                (call.params["text"], asking(result))
            )

    def from_now_on(self) -> None:
        self.skip = {chat: len(sent) for chat, sent in self.sent.items()}

    def steps(self, chat: int) -> list[str | None]:
        """The steps asked since `from_now_on`, in order; a question shown again for an update
        delivered again (it starts with RESUMED) left out."""
        return [s for t, s in self.of(chat) if not t.startswith(RESUMED)]

    def repeated(self, chat: int) -> int:
        return sum(1 for t, _ in self.of(chat) if t.startswith(RESUMED))

    def of(self, chat: int) -> list[tuple[str, str | None]]:
        return self.sent.get(chat, [])[self.skip.get(chat, 0) :]


async def invitations(database_file: Path) -> list[str]:
    database = Database(f"sqlite+aiosqlite:///{database_file}")
    try:
        await database.upgrade()
        admission = AdmissionService(database, clock=wall_clock)
        return [(await admission.invite(role=Role.MELDER)).code for _ in CHATS]
    finally:
        await database.dispose()


@pytest.mark.processes
@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_sigterm_during_a_burst(counting: CountingFake, tmp_path: Path, mode: str) -> None:
    fake = counting
    settings = environment(fake, tmp_path / "regiebot.db")
    webhook = None
    if mode == "webhook":
        port = free_port()
        url = f"http://127.0.0.1:{port}/telegram"
        settings |= {"REGIEBOT_WEBHOOK_URL": url, "REGIEBOT_WEBHOOK_PORT": str(port)}
        webhook = Webhook(url)
    users = Users(fake, webhook)
    replies = Replies(fake)
    codes = await invitations(tmp_path / "regiebot.db")
    bots = [BotProcess(fake, settings), BotProcess(fake, settings)]
    try:
        await bots[0].start()
        await users.send({chat: f"/start {code}" for chat, code in zip(CHATS, codes, strict=True)})
        await fake.wait_for(lambda: all(fake.sent(c) for c in CHATS))
        await users.send(dict.fromkeys(CHATS, "/aanmelden"))
        await fake.wait_for(lambda: all(asking(fake.last(c)) == "criteria" for c in CHATS))
        replies.from_now_on()

        def answered() -> int:
            return sum(len(replies.steps(chat)) for chat in CHATS)

        burst_from = max(users.chat_of) + 1
        for text, _ in SCRIPT[: BEFORE_SIGNAL - 1]:
            await users.send(dict.fromkeys(CHATS, text))
        # The last round before the signal: fetched (polling), or its deliveries under way, the
        # first of them answered (the webhook answers each delivery once handled).
        before = answered()
        last_round = asyncio.create_task(
            users.send(dict.fromkeys(CHATS, SCRIPT[BEFORE_SIGNAL - 1][0]))
        )
        if webhook is None:
            await last_round
            sent_so_far = max(users.chat_of)
            await fake.wait_for(lambda: fake.fetched >= sent_so_far)
        else:
            await fake.wait_for(lambda: answered() > before)
        in_hand = len(CHATS) * BEFORE_SIGNAL - answered()
        stopping = asyncio.create_task(bots[0].terminate())
        await last_round
        for text, _ in SCRIPT[BEFORE_SIGNAL:]:  # typed while the bot stops
            await users.send(dict.fromkeys(CHATS, text))
        status, seconds = await stopping  # within 10 s, or TimeoutError
        assert status == 0, "\n".join(bots[0].log)
        print(f"\n{mode}: {in_hand} updates in hand at SIGTERM, exit 0 after {seconds:.1f} s")
        assert in_hand > 0, "SIGTERM came when every update was answered already"

        received = {u for u in users.received() if u >= burst_from}
        for chat in CHATS:  # each received answer answered, no more
            got = sum(1 for u in received if users.chat_of[u] == chat)
            assert len(replies.steps(chat)) == got, chat
        assert len(received) < len(CHATS) * len(SCRIPT), "nothing was left for the next start"

        await bots[1].start()
        if webhook is not None:
            await webhook.deliver([])  # what got no 200, as Telegram retries it
        again = sorted(received)[-5:]
        await users.again(again)  # answered ones, once more
        await fake.wait_for(
            lambda: all(len(replies.steps(c)) == len(SCRIPT) for c in CHATS), timeout=30
        )
        status, _ = await bots[1].terminate()
        assert status == 0, "\n".join(bots[1].log)
    finally:
        for bot in bots:
            await bot.close()

    for chat in CHATS:  # every answer applied once, in order; an answered update only repeats
        assert replies.steps(chat) == [step for _, step in SCRIPT], chat
        assert replies.repeated(chat) == sum(1 for u in again if users.chat_of[u] == chat)
    for bot in bots:
        records = bot.records()  # every line one JSON object
        assert records and all({"time", "level", "logger", "message"} <= set(r) for r in records)
        for line in bot.log:
            assert TOKEN not in line and TOKEN.split(":")[1] not in line
            assert DESCRIPTION not in line and "Professional" not in line

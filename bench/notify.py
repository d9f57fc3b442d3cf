"""Reaching people: the outbox dispatcher, in its own process, delivering to the loopback fake Bot
API in this one, which enforces Telegram's flood limits (30 sendMessage in any rolling second per
bot, one a second per chat, 429 with retry_after past them).

Delivery: 1,000 notifications to 200 regisseur chats, committed to a SQLite outbox, sent by a
dispatcher with the production settings: messages/s (target >= 27, 90% of the limit), lost
(must be 0), 429s, duplicates, and the closest two messages to one chat (1 s honoured).

    python -m bench.notify [--messages 1000] [--chats 200]

Then the second figure of docs/benchmarks.md: from a melder's confirm to the regisseur's offer
arriving, with 50 confirms at once, through the whole bot (`confirm_to_offer`).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlmodel import col, func, select
from telegram import Bot

from bench.telegram_load import SCRIPT, Users, admitted_database, start_bot
from bot.services.clock import wall_clock
from bot.services.outbox import OutboxService
from bot.telegram.sender import Sender
from bot.telegram.transport import AiohttpRequest
from bot.workers.outbox import OutboxDispatcher
from storage import Database, Outbox
from storage.models import OutboxMessage, Person
from tests.telegram.fake_bot_api import TOKEN, Call, FakeBotAPI
from tests.texts import reference_in

FIRST_CHAT = 700_000
TELEGRAM_RATE = 30.0  # Settings.telegram_max_rate's default: the Sender's overall limit
DEADLINE = 300.0  # seconds for every message to arrive
OFFER = "Nieuwe casus voor u: "  # how an offer begins (conversation/casus_texts.py)


@dataclass
class Arrivals:
    """What the fake accepted, with when, per chat."""

    times: list[float] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    per_chat: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))

    def on_call(self, call: Call, result: Any) -> None:
        if call.method == "sendMessage":
            now = time.perf_counter()
            self.times.append(now)
            self.texts.append(call.params["text"])
            self.per_chat[int(call.params["chat_id"])].append(now)

    def closest_in_a_chat(self) -> float:
        gaps = [b - a for times in self.per_chat.values() for a, b in itertools.pairwise(times)]
        return min(gaps, default=float("inf"))


async def queued(url: str, messages: int, chats: int) -> set[str]:
    """The notifications, committed as the services do (a few per transaction)."""
    database = Database(url)
    await database.prepare()
    texts: set[str] = set()
    for first in range(0, messages, 5):
        async with database.transaction() as session:
            outbox = Outbox(session)
            for n in range(first, min(first + 5, messages)):
                chat = FIRST_CHAT + n % chats
                text = f"Casus ZVH-2026-{n:04d} wordt u aangeboden (bericht {n})."
                payload = {
                    "text": text,
                    "buttons": [
                        {"label": "Accepteren", "action": "accepteer", "subject": str(n)},
                        {"label": "Afwijzen", "action": "wijs_af", "subject": str(n)},
                    ],
                }
                await outbox.add(chat, payload, f"ZVH-2026-{n:04d}", now=wall_clock())
                texts.add(text)
    await database.dispose()
    return texts


async def unmarked(url: str) -> int:
    """Rows still without `sent_at` once the dispatcher stopped."""
    database = Database(url)
    async with database.transaction() as session:
        statement = select(func.count()).where(col(OutboxMessage.sent_at).is_(None))
        left = (await session.exec(statement)).one()
    await database.dispose()
    return int(left)


async def delivery(messages: int, chats: int) -> dict[str, float]:
    fake = FakeBotAPI(record=False, limits=True)
    arrivals = Arrivals()
    fake.listeners.append(arrivals.on_call)
    await fake.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'notify.db'}"
            expected = await queued(url, messages, chats)
            process = subprocess.Popen(
                [sys.executable, "-m", "bench.notify", "--dispatch", url, fake.base_url],
                stdout=subprocess.DEVNULL,
            )
            try:
                await fake.wait_for(lambda: expected <= set(arrivals.texts), DEADLINE)
            except TimeoutError:
                pass
            finally:
                process.send_signal(signal.SIGTERM)  # a graceful stop: marks what was sent
                process.wait(30)
            left = await unmarked(url)
    finally:
        await fake.stop()
    seconds = arrivals.times[-1] - arrivals.times[0] if len(arrivals.times) > 1 else 0.0
    return {
        "messages": messages,
        "per_s": (len(set(arrivals.texts)) - 1) / seconds if seconds else 0.0,
        "lost": len(expected - set(arrivals.texts)),
        "limited": fake.limited,
        "duplicates": len(arrivals.texts) - len(set(arrivals.texts)),
        "closest_in_a_chat": arrivals.closest_in_a_chat(),
        "unmarked": left,
    }


async def confirm_to_offer(confirms: int = 50, regisseurs: int = 200) -> dict[str, float]:
    """From a melder's confirm to the regisseur's offer arriving, `confirms` at once (target
    p50 < 1 s, p99 < 3 s): the bot in its own process with Telegram's rate (30/s, shared by its
    replies and the outbox), the fake enforcing the limits, `regisseurs` of the ZVH to offer to."""
    fake = FakeBotAPI(record=False, limits=True)
    await fake.start()
    users = Users(fake)
    offered: dict[str, float] = {}  # reference -> when its offer arrived
    confirmed: dict[str, float] = {}  # reference -> when its melder pressed "Bevestigen"

    def on_offer(call: Call, result: Any) -> None:
        text = call.params.get("text", "")
        if call.method == "sendMessage" and text.startswith(OFFER):
            offered.setdefault(text.removeprefix(OFFER).split()[0], time.perf_counter())

    fake.listeners[:] = [users.on_call, on_offer]
    melders = range(1, confirms + 1)
    try:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'offers.db'}"
            await admitted_database(url, melders)
            await regisseurs_of_the_zvh(url, regisseurs)
            bot = await start_bot(fake, ["regiebot", url, str(TELEGRAM_RATE)])
            try:
                summaries = await asyncio.gather(*(at_summary(users, m) for m in melders))

                async def confirm(melder: int, summary: dict[str, Any]) -> None:
                    pressed = time.perf_counter()
                    advice = await users.offer(melder, "bevestig", summary)
                    confirmed[reference_in(advice["text"])] = pressed

                pairs = zip(melders, summaries, strict=True)
                await asyncio.gather(*(confirm(melder, shown) for melder, shown in pairs))
                await fake.wait_for(lambda: set(confirmed) <= set(offered), DEADLINE)
            finally:
                bot.stop()
    finally:
        await fake.stop()
    latencies = sorted(offered[r] - confirmed[r] for r in confirmed)
    return {
        "p50_s": latencies[len(latencies) // 2],
        "p99_s": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "offers": len(latencies),
        "limited": fake.limited,
    }


async def at_summary(users: Users, melder: int) -> dict[str, Any]:
    """A melder through the intake up to the summary (bench/telegram_load.py's script)."""
    message = await users.offer(melder, None, None)
    for press in SCRIPT[:-1]:
        message = await users.offer(melder, press, message)
    return message


async def regisseurs_of_the_zvh(url: str, count: int) -> None:
    database = Database(url)
    async with database.transaction() as session:
        await session.exec(  # type: ignore[call-overload]
            insert(Person),
            params=[
                {
                    "telegram_id": FIRST_CHAT + n,
                    "display_name": f"Regisseur {n}",
                    "role": "regisseur",
                    "partij": "zvh",
                    "expertise": [],
                }
                for n in range(count)
            ],
        )
    await database.dispose()


def dispatch(database_url: str, base_url: str) -> None:
    """The dispatcher process: production settings, stopped gracefully by SIGTERM."""

    async def run() -> None:
        database = Database(database_url)
        async with Bot(TOKEN, base_url=base_url, request=AiohttpRequest(8)) as bot:
            dispatcher = OutboxDispatcher(
                OutboxService(database), Sender(bot, TELEGRAM_RATE), clock=wall_clock
            )
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, dispatcher.stop)
            await dispatcher.run()
        await database.dispose()

    asyncio.run(run())


async def main(messages: int, chats: int) -> None:
    figures = await delivery(messages, chats)
    print(
        f"outbox delivery, {messages} messages to {chats} chats against Telegram's limits:\n"
        f"  {figures['per_s']:.1f} messages/s (target >= 27)  lost {figures['lost']:.0f}  "
        f"429s {figures['limited']:.0f}  duplicates {figures['duplicates']:.0f}  "
        f"closest two to one chat {figures['closest_in_a_chat']:.2f} s (>= 1 honoured)  "
        f"rows not marked sent after the stop {figures['unmarked']:.0f}"
    )
    latency = await confirm_to_offer()
    print(
        f"confirm to offer, {latency['offers']:.0f} at once: p50 {latency['p50_s']:.2f} s "
        f"(target < 1), p99 {latency['p99_s']:.2f} s (target < 3), "
        f"429s {latency['limited']:.0f}"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--dispatch"]:
        dispatch(sys.argv[2], sys.argv[3])
    else:
        parser = argparse.ArgumentParser(description="Outbox delivery benchmark")
        parser.add_argument("--messages", type=int, default=1000)
        parser.add_argument("--chats", type=int, default=200)
        options = parser.parse_args()
        asyncio.run(main(options.messages, options.chats))

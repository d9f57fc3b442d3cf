"""A real dispatcher process, killed with SIGKILL again and again (right after Telegram accepted
a message and before the process could mark it sent, and at random moments) while the Bot API
fails for a while (429 with retry_after, 500, dropped connections): afterwards every message has
arrived at least once, at its own chat and in its chat's order; duplicates are few, and counted."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from storage import Database, Outbox
from tests.clock import START
from tests.telegram.fake_bot_api import Call, FakeBotAPI, Fault

ROOT = Path(__file__).resolve().parents[2]
CHATS = range(301, 321)
PER_CHAT = 8
KILLS = 8  # every other one right after an arrival, the others at a random moment
LEASE = 1.0  # seconds: a row a killed process claimed is sent again this soon


def _text(chat: int, n: int) -> str:
    return f"bericht {n} voor chat {chat}"


class Dispatchers:
    """Starts the dispatcher process and kills it: once `kill_at` messages have arrived, or
    when a timer runs out."""

    def __init__(self, fake: FakeBotAPI, database_url: str, stderr: Path) -> None:
        self.fake = fake
        self.database_url = database_url
        self.stderr = stderr
        self.arrivals: list[tuple[int, str]] = []
        self.process: subprocess.Popen[bytes] | None = None
        self.kill_at: int | None = None
        fake.listeners.append(self.on_call)

    def on_call(self, call: Call, result: Any) -> None:
        if call.method != "sendMessage":
            return
        self.arrivals.append((int(call.params["chat_id"]), call.params["text"]))
        if self.kill_at is not None and len(self.arrivals) >= self.kill_at:
            self.kill()  # Telegram has the message; the process never hears so

    def start(self) -> None:
        with self.stderr.open("ab") as errors:
            self.process = subprocess.Popen(
                [
                    *(sys.executable, "-m", "tests.workers.dispatcher_process"),
                    *(self.database_url, self.fake.base_url, str(LEASE), "0.05"),
                ],
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=errors,
            )

    def kill(self) -> None:
        self.kill_at = None
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)

    async def killed(self) -> None:
        assert self.process is not None
        code = await asyncio.wait_for(asyncio.to_thread(self.process.wait), 60)
        assert code == -signal.SIGKILL, f"the dispatcher died by itself: {self.stderr.read_text()}"


@pytest.mark.processes
async def test_a_killed_dispatcher_loses_no_message(tmp_path: Path, fake: FakeBotAPI) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'outbox.db'}"
    database = Database(url)
    await database.upgrade()
    async with database.transaction() as session:
        for n in range(PER_CHAT):
            for chat in CHATS:
                await Outbox(session).add(
                    chat, {"text": _text(chat, n)}, f"ZVH-2026-{chat:04d}", now=START
                )
    await database.dispose()
    fake.faults += [
        Fault("sendMessage", "429", 3, retry_after=1),
        Fault("sendMessage", "500", 6),
        Fault("sendMessage", "drop", 4),
    ]
    dispatchers = Dispatchers(fake, url, tmp_path / "dispatcher.err")
    rng = random.Random(20260302)
    loop = asyncio.get_running_loop()
    for kill in range(KILLS):
        if kill % 2 == 0:
            dispatchers.kill_at = len(dispatchers.arrivals) + rng.randint(2, 9)
        dispatchers.start()
        timer = loop.call_later(rng.uniform(0.5, 2.0) if kill % 2 else 60, dispatchers.kill)
        await dispatchers.killed()
        timer.cancel()
    sent_before_the_last_start = len(dispatchers.arrivals)

    dispatchers.start()
    expected = {(chat, _text(chat, n)) for chat in CHATS for n in range(PER_CHAT)}
    try:
        await fake.wait_for(lambda: expected <= set(dispatchers.arrivals), timeout=60)
    finally:
        dispatchers.kill()
        await dispatchers.killed()

    arrivals = dispatchers.arrivals
    duplicates = len(arrivals) - len(set(arrivals))
    print(
        f"\n{len(expected)} messages, {KILLS} kills, {sent_before_the_last_start} arrivals "
        f"before the last start, {len(arrivals)} in all: {duplicates} duplicates"
    )
    assert all(fault.times == 0 for fault in fake.faults), "the Bot API failed on the way"
    assert set(arrivals) == expected, "every message arrived, and only to its own chat"
    for chat in CHATS:
        first_seen = list(dict.fromkeys(text for to, text in arrivals if to == chat))
        assert first_seen == [_text(chat, n) for n in range(PER_CHAT)], "in its chat's order"
    # Only each chat's oldest unsent row is claimed: at a kill, at most one row per chat was
    # sent and not yet marked, and only those can come twice.
    assert duplicates <= KILLS * len(CHATS), "only what was in flight at a kill comes twice"

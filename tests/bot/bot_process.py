"""`regiebot run` and the other commands as real processes against the loopback fake Bot API, for
the tests of what an operator sees: the run lock, graceful shutdown, the webhook's health check,
the JSON logs."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import aiohttp
from pydantic import SecretStr

from bot.settings import Settings
from tests.telegram.fake_bot_api import TOKEN, FakeBotAPI

ROOT = Path(__file__).resolve().parents[2]
# Seconds from SIGTERM to exit: well inside the 15 s systemd (TimeoutStopSec) and compose
# (stop_grace_period) wait before they kill the bot and what it had in hand.
STOP_WITHIN = 10.0
SECRET = Settings(telegram_token=SecretStr(TOKEN)).webhook_secret()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(fake: FakeBotAPI, database: Path, **settings: str) -> dict[str, str]:
    """The environment of a regiebot process on a SQLite file, against the fake, JSON logs."""
    return {
        "REGIEBOT_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "REGIEBOT_TELEGRAM_TOKEN": TOKEN,
        "REGIEBOT_TELEGRAM_BASE_URL": fake.base_url,
        "REGIEBOT_TELEGRAM_BOT_USERNAME": "regiebot_test_bot",
        "REGIEBOT_LOG_FORMAT": "json",
        **{f"REGIEBOT_{name.upper()}": value for name, value in settings.items()},
    }


def _child_environment(settings: dict[str, str]) -> dict[str, str]:
    kept = {k: v for k, v in os.environ.items() if not k.startswith("REGIEBOT_")}
    return {**kept, "PYTHONPATH": str(ROOT), **settings}


async def command(settings: dict[str, str], *argv: str) -> tuple[int, str, str]:
    """A short `regiebot` command in a process of its own: status, stdout, stderr."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        *argv,
        cwd=ROOT,
        env=_child_environment(settings),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


class BotProcess:
    """One `regiebot run` process; its stderr (the log) kept line by line."""

    def __init__(self, fake: FakeBotAPI, settings: dict[str, str]) -> None:
        self.fake = fake
        self.settings = settings
        self.process: asyncio.subprocess.Process | None = None
        self.log: list[str] = []
        self._reading: asyncio.Task[None] | None = None

    @property
    def webhook(self) -> bool:
        return "REGIEBOT_WEBHOOK_URL" in self.settings

    async def start(self) -> None:
        """Starts the process and returns once it takes updates: its command menu is set
        (polling fetches what waits from then on) or its webhook registered."""
        ready = "setWebhook" if self.webhook else "setMyCommands"
        before = self.fake.count(ready)
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            cwd=ROOT,
            env=_child_environment(self.settings),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        self._reading = asyncio.create_task(self._read())
        await self.fake.wait_for(lambda: self.fake.count(ready) > before, timeout=30)

    async def _read(self) -> None:
        assert self.process is not None and self.process.stderr is not None
        async for line in self.process.stderr:
            self.log.append(line.decode().rstrip("\n"))

    async def exited(self, timeout: float = 30) -> int:
        assert self.process is not None and self._reading is not None
        status = await asyncio.wait_for(self.process.wait(), timeout)
        await self._reading
        return status

    async def terminate(self) -> tuple[int, float]:
        """SIGTERM; the exit status and the seconds it took to exit (at most STOP_WITHIN, or
        TimeoutError)."""
        assert self.process is not None
        start = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        status = await self.exited(STOP_WITHIN)
        return status, time.monotonic() - start

    def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()

    async def close(self) -> None:
        """For a test's cleanup: whatever is still running is killed."""
        self.kill()
        if self.process is not None:
            await self.exited()

    def records(self) -> list[dict[str, Any]]:
        """The log as JSON objects (REGIEBOT_LOG_FORMAT=json): every line must be one."""
        return [json.loads(line) for line in self.log if line]


class Webhook:
    """Plays Telegram delivering updates to a webhook: each chat's updates in order, one at a
    time; a delivery that gets no 2xx (or no answer) is delivered again later, before that
    chat's next update, as Telegram does."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.secret = SECRET
        self.next_update = 1
        self.accepted: list[int] = []  # update ids, as answered 200
        self.waiting: dict[int, list[dict[str, Any]]] = {}  # per chat, not delivered yet

    def message(self, chat: int, text: str) -> dict[str, Any]:
        """An update of `chat`'s user typing `text`, with the next update id."""
        message: dict[str, Any] = {
            "message_id": 200_000 + self.next_update,
            "date": int(time.time()),
            "text": text,
            "chat": {"id": chat, "type": "private"},
            "from": FakeBotAPI.user(chat),
        }
        if text.startswith("/"):
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        self.next_update += 1
        return {"update_id": self.next_update - 1, "message": message}

    async def deliver(self, updates: Iterable[dict[str, Any]]) -> None:
        """Delivers `updates` behind what each chat has waiting, all chats at once; returns
        when every chat is done or stuck on a failed delivery."""
        for update in updates:
            self.waiting.setdefault(update["message"]["chat"]["id"], []).append(update)
        async with aiohttp.ClientSession() as client:
            await asyncio.gather(*(self._deliver_chat(client, c) for c in list(self.waiting)))

    async def _deliver_chat(self, client: aiohttp.ClientSession, chat: int) -> None:
        queue = self.waiting[chat]
        while queue:
            try:
                async with client.post(
                    self.url,
                    json=queue[0],
                    headers={"X-Telegram-Bot-Api-Secret-Token": self.secret},
                    timeout=aiohttp.ClientTimeout(total=5),
                ) as response:
                    if response.status != 200:
                        return
            except (aiohttp.ClientError, TimeoutError):
                return
            self.accepted.append(queue.pop(0)["update_id"])

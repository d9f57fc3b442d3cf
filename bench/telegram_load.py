"""Load benchmark through the whole Telegram stack: the bot in its own process (polling over HTTP)
against the loopback fake Bot API in this one, which also plays the users.

Closed loop: 200 chats each do a full aanmelding by buttons, every chat pressing its next button
as soon as the reply to the previous one arrives. Open loop: updates offered at a fixed 50 per
second for 30 s. The same harness drives regiebot (committing every step to SQLite) and the
baseline, python-telegram-bot's own idiom (bench/bots.py), in the same run, taking turns for
three closed loops each (the ratio compares their medians); and the baseline once more with
concurrent updates on, to count the dialogues it loses.

    python -m bench.telegram_load [--chats 200] [--rate 50] [--seconds 30] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from storage import Database
from storage.models import Person
from tests.telegram.fake_bot_api import Call, FakeBotAPI

# The vrijwillig path by buttons: the command, then each button (one person, not a group;
# profiel: toggle lvb, then verder).
SCRIPT = [
    "ja",
    "persoon",
    "vrijwillig",
    "volwassen",
    "lvb",
    "verder",
    "zorg",
    "geen",
    "overslaan",
    "bevestig",
]
REPLY_TIMEOUT = 10.0
ROUNDS = 3  # closed loops per bot, taking turns
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Users:
    """The simulated professionals: each waits for the bot's next question, then presses."""

    fake: FakeBotAPI
    waiting: dict[int, asyncio.Future[dict[str, Any]]] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    completed: int = 0
    lost: int = 0

    def on_call(self, call: Call, result: Any) -> None:
        if call.method not in ("sendMessage", "editMessageText"):
            return
        future = self.waiting.get(int(call.params["chat_id"]))
        keyboard = call.params.get("reply_markup", {}).get("inline_keyboard")
        if future is not None and not future.done() and (keyboard or "Advies: " in result["text"]):
            future.set_result(result)

    async def offer(
        self, user: int, press: str | None, message: dict[str, Any] | None
    ) -> dict[str, Any]:
        """Sends one update (the command, or a button of `message`) and waits for the reply."""
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.waiting[user] = future
        start = time.perf_counter()
        if press is None or message is None:
            await self.fake.send_text(user, "/aanmelden")
        else:
            await self.fake.press(user, message["message_id"], _button(message, press))
        reply = await asyncio.wait_for(future, REPLY_TIMEOUT)
        self.latencies.append(time.perf_counter() - start)
        return reply

    async def dialogue(self, user: int) -> None:
        try:
            message = await self.offer(user, None, None)
            for press in SCRIPT:
                message = await self.offer(user, press, message)
            if "Advies: " not in message["text"]:
                raise LookupError(message["text"])
            self.completed += 1
        except (TimeoutError, LookupError):  # no reply, or not the question the user expects
            self.lost += 1


def _button(message: dict[str, Any], press: str) -> str:
    for row in message["reply_markup"]["inline_keyboard"]:
        for key in row:
            data = str(key["callback_data"])
            if data == press or data.endswith(f"|{press}"):
                return data
    raise LookupError(f"no button {press!r}")


@dataclass
class Bot:
    process: subprocess.Popen[bytes]

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def peak_rss_mib(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()


async def start_bot(fake: FakeBotAPI, args: list[str]) -> Bot:
    polls = fake.polls
    profile = os.environ.get("BENCH_PROFILE")  # a file: profile the bot process with cProfile
    python = [sys.executable, *(["-m", "cProfile", "-o", profile] if profile else [])]
    process = subprocess.Popen(
        [*python, "-m", "bench.bots", args[0], fake.base_url, *args[1:]],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while fake.polls == polls:  # polling has started
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError(f"bot {args[0]} did not start")
        await asyncio.sleep(0.05)
    return Bot(process)


async def closed_loop(fake: FakeBotAPI, bot: Bot, chats: int, first_user: int) -> dict[str, float]:
    users = Users(fake)
    fake.listeners[:] = [users.on_call]
    cpu, start = bot.cpu_seconds(), time.perf_counter()
    await asyncio.gather(*(users.dialogue(first_user + n) for n in range(chats)))
    elapsed, cpu = time.perf_counter() - start, bot.cpu_seconds() - cpu
    return _figures(users, elapsed, cpu) | {"completed": users.completed, "lost": users.lost}


async def open_loop(
    fake: FakeBotAPI, bot: Bot, rate: float, seconds: float, first_user: int
) -> dict[str, float]:
    users = Users(fake)
    fake.listeners[:] = [users.on_call]
    ready: deque[tuple[int, int, dict[str, Any]]] = deque()  # user, next step, last message
    running: set[asyncio.Task[None]] = set()
    next_user = first_user

    async def one(user: int, step: int, message: dict[str, Any] | None) -> None:
        try:
            reply = await users.offer(user, SCRIPT[step - 1] if step else None, message)
        except (TimeoutError, LookupError):
            users.lost += 1
            return
        if step < len(SCRIPT):
            ready.append((user, step + 1, reply))
        else:
            users.completed += 1

    cpu, start = bot.cpu_seconds(), time.perf_counter()
    for tick in range(int(rate * seconds)):
        await asyncio.sleep(max(0.0, start + tick / rate - time.perf_counter()))
        if ready:
            user, step, message = ready.popleft()
            task = asyncio.create_task(one(user, step, message))
        else:
            task = asyncio.create_task(one(next_user, 0, None))
            next_user += 1
        running.add(task)
        task.add_done_callback(running.discard)
    await asyncio.gather(*running)
    elapsed, cpu = time.perf_counter() - start, bot.cpu_seconds() - cpu
    return _figures(users, elapsed, cpu)


def _figures(users: Users, elapsed: float, cpu: float) -> dict[str, float]:
    ordered = sorted(users.latencies) or [0.0]
    return {
        "updates": len(users.latencies),
        "updates_per_s": len(users.latencies) / elapsed,
        "p50_ms": statistics.median(ordered) * 1e3,
        "p95_ms": ordered[int(len(ordered) * 0.95)] * 1e3,
        "p99_ms": ordered[int(len(ordered) * 0.99)] * 1e3,
        "cpu_ms_per_update": cpu / max(len(users.latencies), 1) * 1e3,
    }


async def admitted_database(url: str, users: range) -> None:
    database = Database(url)
    await database.prepare()
    async with database.transaction() as session:
        await session.exec(  # type: ignore[call-overload]
            insert(Person),
            params=[{"telegram_id": u, "role": "melder", "expertise": []} for u in users],
        )
    await database.dispose()


def show(name: str, figures: dict[str, float]) -> None:
    done = ""
    if "completed" in figures:
        total = figures["completed"] + figures["lost"]
        done = f", {figures['completed']:.0f}/{total:.0f} dialogues complete"
    print(
        f"  {name:<38} {figures['updates_per_s']:7.1f} updates/s  p50 {figures['p50_ms']:6.1f} ms  "
        f"p95 {figures['p95_ms']:6.1f} ms  p99 {figures['p99_ms']:6.1f} ms  "
        f"bot CPU {figures['cpu_ms_per_update']:5.2f} ms/update{done}"
    )


async def main(
    chats: int, rate: float, seconds: float, only: str | None, rounds: int = ROUNDS
) -> None:
    fake = FakeBotAPI(record=False)
    await fake.start()
    closed: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'regiebot.db'}"
        await admitted_database(url, range(1, 100_000))
        bots = (
            ("regiebot (concurrent, commits each step)", ["regiebot", url]),
            (
                "baseline (ConversationHandler + pickle)",
                ["baseline", str(Path(folder) / "base.pickle")],
            ),
        )
        # The bots take turns, round after round: a noisy spell of the machine then touches
        # both, and the medians compare like with like.
        for round_ in range(rounds):
            for name, args in bots:
                if only is not None and args[0] != only:
                    continue
                bot = await start_bot(fake, args)
                try:
                    figures = await closed_loop(fake, bot, chats, first_user=1 + round_ * chats)
                    closed.setdefault(name, []).append(figures["updates_per_s"])
                    show(f"{name}, closed, round {round_ + 1}", figures)
                    if round_ == 0:
                        opened = await open_loop(fake, bot, rate, seconds, first_user=50_000)
                        show(name + f", open {rate:.0f}/s", opened)
                        print(f"  {'':38} peak RSS {bot.peak_rss_mib():.1f} MiB")
                finally:
                    bot.stop()
        if only is None:
            name = "baseline with concurrent updates on"
            bot = await start_bot(
                fake, ["baseline", str(Path(folder) / "concurrent.pickle"), "--concurrent"]
            )
            try:
                show(name + ", closed", await closed_loop(fake, bot, chats, first_user=90_000))
            finally:
                bot.stop()
    await fake.stop()
    if only is not None:
        return
    ours, theirs = (statistics.median(closed[name]) for name, _ in bots)
    each = ", ".join(f"{a / b:.2f}" for a, b in zip(*closed.values(), strict=True))
    print(
        f"closed loop, median of {rounds} rounds: regiebot {ours:.1f}, baseline {theirs:.1f} "
        f"updates/s; ratio {ours / theirs:.2f} (target >= 1.5; per round {each})"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Telegram load benchmark")
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--only", choices=("regiebot", "baseline"), help="run one bot")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="closed loops per bot")
    options = parser.parse_args()
    asyncio.run(main(options.chats, options.rate, options.seconds, options.only, options.rounds))

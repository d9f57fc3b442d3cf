"""Benchmark: webhook replicas on PostgreSQL. One `regiebot run` process in webhook mode, then two
sharing one database, behind the loopback fake Bot API, which plays Telegram, the load balancer
(it posts each update to the replicas in turn) and the users.

Closed loop: 200 chats each walk a whole aanmelding by buttons (bench.telegram_load's script),
sending the next update as soon as the reply to the previous one arrives, and start again with
/aanmelden once confirmed. A configuration is started, warmed up, then measured over a window
while the load keeps running; one and two replicas take turns for a few rounds in the same run
and the ratio compares the medians. A duplicate is a second answer (a question or the advice)
to one update: counted per chat and update.

    python -m bench.replicas [--postgres URL] [--chats 200] [--seconds 10] [--rounds 3]

Without PostgreSQL (no --postgres and no REGIEBOT_TEST_DATABASE_URL) it says so and exits 0.

What bounds the ratio here (seen on this 2-core machine, two runs: ratio 1.04 and 1.15, rounds
0.66-1.33, one replica 140-210 updates/s): the fake Bot API with the users, the replicas and
PostgreSQL share the two cores, and with one replica the machine is already 1.5-2 cores busy, so a
second replica has little CPU to add and costs more per update (a second interpreter: 5.3-8 ms of
bot CPU per update against 4.3-5.8 ms). Apart from the cores, one row: every confirm takes the
next casus number from the reference_counters row, locked until its commit. Sampling
pg_stat_activity during a run, almost every backend waiting on a lock waited on that UPDATE, and
transactions sat "idle in transaction" while their replica's event loop served other updates, so
the lock is held for as long as a busy replica takes to come back to it. With two replicas this
gives a long tail (p99 4-9 s against ~2 s for one), and in some rounds deliveries past the fake's
10 s timeout, which it then posts to the other replica: those rounds show failed tries, users
who gave up after 10 s ("lost") and as many duplicate answers (the second delivery answered too).
Taking the number last, just before the commit, or from a sequence, would shorten that lock;
the 1.6x target needs that and a core per replica, with the harness and PostgreSQL elsewhere.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bench.bots import UNLIMITED
from bench.telegram_load import CLOCK_TICKS, SCRIPT, Bot, Users, admitted_database
from bot.settings import Settings
from tests.replicas.replica import Replica, environment, free_ports, regiebot
from tests.telegram.fake_bot_api import TOKEN, Call, FakeBotAPI

CHATS = 200
SECONDS = 10.0  # the measured window of one configuration in one round
WARM_UP = 3.0  # seconds of load before the window: connection pools, first queries
ROUNDS = 3
CONFIGURATIONS = (1, 2)  # replicas
DRAIN = 60.0  # seconds the users may take to finish the aanmeldingen under way at the end
TARGET = 1.6


@dataclass
class CountedUsers(Users):
    """The users of bench.telegram_load, who also count the answers to each of their updates, and
    start aanmelding after aanmelding until told to stop (then they finish the one under way)."""

    answers: Counter[tuple[int, int]] = field(default_factory=Counter)  # (chat, update) -> n
    offered: Counter[int] = field(default_factory=Counter)  # updates per chat so far
    stopping: bool = False

    def on_call(self, call: Call, result: Any) -> None:
        if call.method in ("sendMessage", "editMessageText"):
            keyboard = call.params.get("reply_markup", {}).get("inline_keyboard")
            if keyboard or "Advies: " in result["text"]:
                chat = int(call.params["chat_id"])
                self.answers[chat, self.offered[chat]] += 1
        super().on_call(call, result)

    async def offer(
        self, user: int, press: str | None, message: dict[str, Any] | None
    ) -> dict[str, Any]:
        self.offered[user] += 1
        return await super().offer(user, press, message)

    async def walk(self, user: int) -> None:
        """Aanmeldingen one after another until stopped, or until one gets lost."""
        lost = self.lost
        while not self.stopping and self.lost == lost:
            await self.dialogue(user)

    def duplicates(self) -> int:
        return sum(n - 1 for n in self.answers.values() if n > 1)


@dataclass(frozen=True)
class Usage:
    """CPU seconds so far: the replicas, PostgreSQL's processes, this process; and the machine's
    busy and total seconds over all cores."""

    bots: list[float]  # per replica
    postgres: float
    harness: float
    busy: float
    total: float

    @classmethod
    def now(cls, bots: list[Bot]) -> Usage:
        cpu = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = cpu[3] + cpu[4]  # idle, iowait
        return cls(
            [bot.cpu_seconds() for bot in bots],
            _postgres_seconds(),
            time.process_time(),
            (sum(cpu[:8]) - idle) / CLOCK_TICKS,
            sum(cpu[:8]) / CLOCK_TICKS,
        )


def _postgres_seconds() -> float:
    """CPU of PostgreSQL's processes: the live ones, and the ended ones (backends of closed
    connections), which their parent, the postmaster, counts as its children's. The whole
    server's: work on other databases meanwhile counts too."""
    processes: dict[int, tuple[int, list[int]]] = {}  # pid -> parent, CPU fields
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            head, fields = stat.read_text().rsplit(")", 1)
            pid, name = head.split(" (", 1)
            if name == "postgres":
                parts = fields.split()  # state, ppid, ... utime, stime, cutime, cstime
                processes[int(pid)] = int(parts[1]), [int(n) for n in parts[11:15]]
    ticks = sum(
        utime + stime + (0 if parent in processes else ended + ended_system)
        for parent, (utime, stime, ended, ended_system) in processes.values()
    )
    return ticks / CLOCK_TICKS


@dataclass
class Figures:
    replicas: int
    updates: int
    seconds: float
    latencies: list[float]
    bot_cpu: list[float]  # seconds, per replica
    postgres_cpu: float
    harness_cpu: float
    busy_cores: float
    completed: int
    lost: int
    duplicates: int
    delivered: list[int]  # per replica
    failed_tries: int

    @property
    def updates_per_s(self) -> float:
        return self.updates / self.seconds

    def show(self, round_: int) -> None:
        ordered = sorted(self.latencies) or [0.0]
        per_update = max(self.updates, 1) / 1e3  # CPU seconds -> ms per update
        print(
            f"  round {round_}, {self.replicas} replica{'s' if self.replicas > 1 else ' '} "
            f"{self.updates_per_s:6.1f} updates/s  p50 {statistics.median(ordered) * 1e3:6.1f} ms"
            f"  p99 {ordered[int(len(ordered) * 0.99)] * 1e3:6.1f} ms  CPU ms/update: bots "
            f"{sum(self.bot_cpu) / per_update:5.2f}, "
            f"PostgreSQL {self.postgres_cpu / per_update:5.2f}, "
            f"fake+users {self.harness_cpu / per_update:5.2f}; machine {self.busy_cores:.2f} of "
            f"{os.cpu_count()} cores busy;\n{'':20}aanmeldingen: {self.completed} complete, "
            f"{self.lost} lost; {self.duplicates} duplicate answers; deliveries per replica "
            f"{self.delivered}, {self.failed_tries} failed tries; CPU s per replica "
            f"[{', '.join(f'{cpu:.1f}' for cpu in self.bot_cpu)}] of {self.seconds:.1f} s"
        )


@dataclass(frozen=True)
class Load:
    chats: int
    seconds: float  # measured, after the warm-up
    rounds: int


async def measure(
    fake: FakeBotAPI, env: dict[str, str], replicas: int, load: Load, first_user: int, logs: Path
) -> Figures:
    """Starts `replicas` processes, loads them, measures the window, stops them."""
    started = [
        Replica(f"{replicas}-{n}", port, env, logs / f"replica-{replicas}-{n}.log")
        for n, port in enumerate(free_ports(replicas))
    ]
    for replica in started:
        replica.start()
    try:
        await asyncio.gather(*(replica.listening() for replica in started))
        if fake.webhooks is not None:
            await fake.webhooks.client.close()  # the previous configuration's deliveries
        secret = Settings(telegram_token=SecretStr(TOKEN)).webhook_secret()
        hooks = fake.deliver_to([replica.url for replica in started], secret)
        bots = [Bot(replica.process) for replica in started if replica.process is not None]
        users = CountedUsers(fake)
        fake.listeners[:] = [users.on_call]
        walking = [asyncio.create_task(users.walk(first_user + n)) for n in range(load.chats)]
        await asyncio.sleep(WARM_UP)  # the load runs; nothing to wait on but the clock
        before, counted, start = Usage.now(bots), len(users.latencies), time.perf_counter()
        await asyncio.sleep(load.seconds)
        after, elapsed = Usage.now(bots), time.perf_counter() - start
        window = users.latencies[counted:]
        users.stopping = True
        await asyncio.wait_for(asyncio.gather(*walking), DRAIN)
        return Figures(
            replicas,
            len(window),
            elapsed,
            window,
            [a - b for a, b in zip(after.bots, before.bots, strict=True)],
            after.postgres - before.postgres,
            after.harness - before.harness,
            (after.busy - before.busy) / (after.total - before.total) * (os.cpu_count() or 1),
            users.completed,
            users.lost,
            users.duplicates(),
            [hooks.delivered[replica.url] for replica in started],
            hooks.failed.total(),
        )
    finally:
        await asyncio.gather(*(replica.stop() for replica in started))


@contextlib.asynccontextmanager
async def fresh_database(server: str) -> AsyncIterator[str]:
    """An empty database of its own on `server`, dropped afterwards."""
    base = make_url(server)
    admin = create_async_engine(base, isolation_level="AUTOCOMMIT")
    name = f"regiebot_bench_{uuid.uuid4().hex[:8]}"
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def main(server: str, load: Load) -> None:
    fake = FakeBotAPI(record=False)
    await fake.start()
    measured: dict[int, list[float]] = {}
    try:
        async with fresh_database(server) as url:
            env = environment(url, fake, telegram_max_rate=str(UNLIMITED))
            await regiebot(env, "db", "upgrade")
            await admitted_database(
                url, range(1, 1 + load.rounds * len(CONFIGURATIONS) * load.chats)
            )
            print(
                f"{load.chats} chats in a closed loop, {len(SCRIPT) + 1} updates per aanmelding; "
                f"{WARM_UP:.0f} s warm-up, then {load.seconds:.0f} s measured per configuration"
            )
            with tempfile.TemporaryDirectory() as logs:
                # One and two replicas take turns, round after round: a noisy spell of the
                # machine then touches both, and the medians compare like with like.
                for round_ in range(load.rounds):
                    for turn, replicas in enumerate(CONFIGURATIONS):
                        first_user = 1 + (round_ * len(CONFIGURATIONS) + turn) * load.chats
                        figures = await measure(fake, env, replicas, load, first_user, Path(logs))
                        figures.show(round_ + 1)
                        measured.setdefault(replicas, []).append(figures.updates_per_s)
    finally:
        await fake.stop()
    one, two = (statistics.median(measured[n]) for n in CONFIGURATIONS)
    each = ", ".join(f"{b / a:.2f}" for a, b in zip(*measured.values(), strict=True))
    print(
        f"median of {load.rounds} rounds: one replica {one:.1f}, two {two:.1f} updates/s; "
        f"ratio {two / one:.2f} (target >= {TARGET}; per round {each})"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("REGIEBOT_TEST_DATABASE_URL"))
    parser.add_argument("--chats", type=int, default=CHATS)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--seconds", type=float, default=SECONDS, help="measured per round")
    options = parser.parse_args()
    if options.postgres is None:
        print("replicas    skipped: set REGIEBOT_TEST_DATABASE_URL or pass --postgres URL")
    else:
        load = Load(options.chats, options.seconds, options.rounds)
        asyncio.run(main(options.postgres, load))

"""SQLite: a writer in another process holding the lock makes one unit of work wait, not the
event loop. Other coroutines keep running, and the waiting transaction goes through once the
lock is released."""

from __future__ import annotations

import asyncio
import itertools
import sys
import time
from pathlib import Path

from storage import Database, Intake, IntakeStates
from tests.clock import START

HOLD_SECONDS = 1.5
TICK_SECONDS = 0.01
# Another process: takes the write lock, changes chat 1, says so, and commits after a while.
HOLDER = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
connection.execute("UPDATE intake_states SET state = 'elders' WHERE chat_id = 1")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
connection.execute("COMMIT")
"""


async def test_a_writer_in_another_process_does_not_freeze_the_loop(tmp_path: Path) -> None:
    path = tmp_path / "regiebot.db"
    database = Database(f"sqlite+aiosqlite:///{path}")
    try:
        await database.upgrade()
        async with database.transaction() as session:
            await IntakeStates(session).lock_or_create(1, "criteria", now=START)
        holder = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            HOLDER,
            str(path),
            str(HOLD_SECONDS),
            stdout=asyncio.subprocess.PIPE,
        )
        assert holder.stdout is not None
        assert await holder.stdout.readline() == b"locked\n"

        ticks: list[float] = []

        async def tick() -> None:
            while True:
                ticks.append(time.perf_counter())
                await asyncio.sleep(TICK_SECONDS)

        ticker = asyncio.create_task(tick())
        start = time.perf_counter()
        async with database.transaction() as session:
            states = IntakeStates(session)
            intake = await states.lock_or_create(1, "criteria", now=START)
            waited = time.perf_counter() - start
            await states.save(Intake(1, "kader", {"seen": intake.state}), now=START)
        ticker.cancel()
        assert await holder.wait() == 0

        async with database.transaction() as session:
            stored = await IntakeStates(session).lock(1)
    finally:
        await database.dispose()

    assert waited > HOLD_SECONDS - 0.5  # it did wait for the other process's lock ...
    during = [t for t in ticks if t <= start + waited]
    assert len(during) > waited / TICK_SECONDS / 2  # ... while the loop kept ticking
    assert max(b - a for a, b in itertools.pairwise(during)) < 0.2
    # ... and then went through, on top of what the other process committed.
    assert stored == Intake(1, "kader", {"seen": "elders"})

"""Benchmark: one intake-state round trip (lock the chat's row, change state and answers, commit)
on SQLite and, when REGIEBOT_TEST_DATABASE_URL (or --postgres URL) is given, on PostgreSQL.
It is the storage share of one intake step, which as a whole stays under 2 ms median on SQLite
(bench.intake).

    python -m bench.storage [--postgres postgresql+asyncpg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.services.clock import wall_clock
from storage import Database, Intake, IntakeStates

ROWS = 1_000
UPDATES = 3_000
ANSWERS = {
    "criteria": "ja",
    "kader": "maatregel",
    "maatregel": "ots",
    "leeftijd": 15,
    "profiel": ["lvb"],
}


async def round_trips(database: Database) -> list[float]:
    await database.upgrade()
    async with database.transaction() as session:
        states = IntakeStates(session)
        for chat in range(ROWS):
            await states.lock_or_create(chat, "criteria", now=wall_clock())
    timings = []
    for update in range(UPDATES):
        chat = (update * 7919) % ROWS
        start = time.perf_counter()
        async with database.transaction() as session:
            states = IntakeStates(session)
            intake = await states.lock_or_create(chat, "criteria", now=wall_clock())
            answers = {
                **intake.answers,
                **ANSWERS,
                "kader": "vrijwillig" if update % 2 else "maatregel",
            }
            await states.save(Intake(chat, f"step{update % 9}", answers), now=wall_clock())
        timings.append(time.perf_counter() - start)
    return timings


def report(name: str, timings: list[float]) -> None:
    ordered = sorted(timings)
    p95 = ordered[int(len(ordered) * 0.95)]
    print(
        f"{name:<11} median {statistics.median(timings) * 1e3:6.3f} ms   p95 {p95 * 1e3:6.3f} ms"
        f"   ({len(timings):,} round trips over {ROWS:,} chats)"
    )


async def main(postgres: str | None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}")
        try:
            report("SQLite", await round_trips(database))
        finally:
            await database.dispose()
    if postgres is None:
        print("PostgreSQL  skipped: set REGIEBOT_TEST_DATABASE_URL or pass --postgres URL")
        return
    base = make_url(postgres)
    admin = create_async_engine(base, isolation_level="AUTOCOMMIT")
    name = f"regiebot_bench_{uuid.uuid4().hex[:8]}"
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    database = Database(base.set(database=name))
    try:
        report("PostgreSQL", await round_trips(database))
    finally:
        await database.dispose()
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        await admin.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("REGIEBOT_TEST_DATABASE_URL"))
    asyncio.run(main(parser.parse_args().postgres))

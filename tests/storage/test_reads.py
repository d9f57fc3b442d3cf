"""SQLite: a unit of work that only reads (`Database.reading`, `Database.first`) takes no write
lock, so it answers while another process holds that lock and a writing unit of work of this
process waits for it; the writer goes through once the lock is released. A write in a reading
unit of work fails instead of taking the lock."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from storage import Database, Intake, IntakeStates

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
# Another process: takes the write lock, says so, and commits once told to (a line on stdin).
HOLDER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
connection.execute("COMMIT")
"""


async def test_reads_answer_while_a_writer_waits_for_another_process(tmp_path: Path) -> None:
    path = tmp_path / "regiebot.db"
    database = Database(f"sqlite+aiosqlite:///{path}")
    try:
        await database.upgrade()
        async with database.transaction() as session:
            await IntakeStates(session).lock_or_create(1, "criteria", now=NOW)
        holder = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            HOLDER,
            str(path),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert holder.stdin is not None and holder.stdout is not None
        assert await holder.stdout.readline() == b"locked\n"

        async def write() -> None:
            async with database.transaction() as session:
                await IntakeStates(session).save(Intake(1, "kader", {"criteria": "ja"}), now=NOW)

        writer = asyncio.create_task(write())
        await asyncio.sleep(0)  # the writer begins, and waits for the lock
        async with database.reading() as session:
            read = await IntakeStates(session).lock(1)
        row = await database.first(text("SELECT state FROM intake_states"), {})
        assert not writer.done() and holder.returncode is None, "read while the lock was held"
        assert read is not None and read.state == "criteria" and row == ("criteria",)

        holder.stdin.write(b"commit\n")
        await holder.stdin.drain()
        await writer
        assert await holder.wait() == 0
        async with database.reading() as session:
            saved = await IntakeStates(session).lock(1)
    finally:
        await database.dispose()
    assert saved is not None and saved.state == "kader"


async def test_a_write_in_a_reading_unit_of_work_fails(tmp_path: Path) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'regiebot.db'}")
    try:
        await database.upgrade()
        with pytest.raises(OperationalError, match="readonly"):
            async with database.reading() as session:
                await IntakeStates(session).lock_or_create(1, "criteria", now=NOW)
        async with database.reading() as session:
            assert await IntakeStates(session).lock(1) is None
    finally:
        await database.dispose()

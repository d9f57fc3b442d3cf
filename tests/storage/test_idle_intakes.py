"""The rows the expiry of intakes works on, on SQLite and PostgreSQL: found when untouched since
a moment, warned and deleted only while nobody touched them since they were read."""

from __future__ import annotations

from datetime import datetime, timedelta

from storage import Database, Intake, IntakeStates
from tests.clock import START

HOUR = timedelta(hours=1)


async def save(database: Database, intake: Intake, at: datetime = START) -> None:
    async with database.transaction() as session:
        states = IntakeStates(session)
        await states.lock_or_create(intake.chat_id, intake.state, now=at)
        await states.save(intake, now=at)


async def test_idle_rows_are_found_marked_and_deleted(database: Database) -> None:
    await save(database, Intake(1, "kader", {"criteria": "ja"}))
    await save(database, Intake(2, "cancelled", {}))
    async with database.transaction() as session:
        assert await IntakeStates(session).untouched_since(START - HOUR) == []
        idle = await IntakeStates(session).untouched_since(START + HOUR)
    assert sorted((i.chat_id, i.state, i.answered, i.expiry_warned_at) for i in idle) == [
        (1, "kader", True, None),
        (2, "cancelled", False, None),
    ]
    first = next(i for i in idle if i.chat_id == 1)
    warned_at = START
    async with database.transaction() as session:
        assert await IntakeStates(session).mark_warned(first, warned_at)
    async with database.transaction() as session:
        (again,) = [i for i in await IntakeStates(session).untouched_since(START) if i.chat_id == 1]
    assert again.expiry_warned_at == warned_at and again.updated_at == first.updated_at
    async with database.transaction() as session:
        assert await IntakeStates(session).delete_untouched(first)
        assert await IntakeStates(session).lock(1) is None


async def test_a_row_touched_since_it_was_read_stays(database: Database) -> None:
    await save(database, Intake(1, "kader", {"criteria": "ja"}))
    async with database.transaction() as session:
        (idle,) = await IntakeStates(session).untouched_since(START + HOUR)
    touched = START + timedelta(minutes=1)
    await save(database, Intake(1, "maatregel", {"criteria": "ja", "kader": "maatregel"}), touched)
    async with database.transaction() as session:
        states = IntakeStates(session)
        assert not await states.mark_warned(idle, touched)
        assert not await states.delete_untouched(idle)
        kept = await states.lock(1)
    assert kept is not None and kept.state == "maatregel"

"""Many chats at once: nothing lost, no duplicate references, no lock errors; and two processes
on one chat take turns."""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from sqlalchemy.engine import URL

from storage import Casussen, Database, Intake, IntakeStates
from tests.clock import START

CHATS = 50
STEPS = 6
ADVICE = {
    "partij": "wijkteam",
    "rule": "vrijwillig",
    "outcome": "screening",
    "next_step": "Screening.",
}


async def _one_chat(database: Database, chat_id: int) -> str:
    for step in range(STEPS):
        async with database.transaction() as session:
            states = IntakeStates(session)
            intake = await states.lock_or_create(chat_id, "start", now=START)
            answers = {**intake.answers, f"step{step}": step}
            await states.save(Intake(chat_id, f"step{step}", answers), now=START)
    async with database.transaction() as session:
        casus = await Casussen(session).create(
            answers={"chat": chat_id},
            advice=ADVICE,
            chat_id=chat_id,
            now=START,
        )
        return casus.reference


async def test_fifty_chats_writing_at_once(database: Database) -> None:
    references = await asyncio.gather(*(_one_chat(database, chat) for chat in range(1, CHATS + 1)))
    assert len(set(references)) == CHATS
    numbers = sorted(int(r.rsplit("-", 1)[1]) for r in references)
    assert numbers == list(range(1, CHATS + 1))
    async with database.transaction() as session:
        for chat in range(1, CHATS + 1):
            row = await IntakeStates(session).lock_or_create(chat, "start", now=START)
            assert row.state == f"step{STEPS - 1}"
            assert row.answers == {f"step{s}": s for s in range(STEPS)}


INCREMENTS = 40


async def _bump(url: str, name: str) -> None:
    database = Database(url)
    try:
        for i in range(INCREMENTS):
            async with database.transaction() as session:
                states = IntakeStates(session)
                intake = await states.lock_or_create(99, "start", now=START)
                answers = {**intake.answers, "count": intake.answers.get("count", 0) + 1}
                answers[f"{name}{i}"] = True
                await asyncio.sleep(0.001)  # hold the lock while the other process tries
                await states.save(Intake(99, "start", answers), now=START)
    finally:
        await database.dispose()


def _bump_in_process(url: str, name: str) -> None:
    asyncio.run(_bump(url, name))


async def test_two_processes_on_one_chat_take_turns(database_url: URL, database: Database) -> None:
    """Two bot processes update one chat at the same time; the row lock makes them take turns."""
    url = database_url.render_as_string(hide_password=False)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        loop = asyncio.get_running_loop()
        await asyncio.gather(
            *(loop.run_in_executor(pool, _bump_in_process, url, name) for name in "ab")
        )
    async with database.transaction() as session:
        intake = await IntakeStates(session).lock_or_create(99, "start", now=START)
    assert intake.answers["count"] == 2 * INCREMENTS  # no lost update, no lock error

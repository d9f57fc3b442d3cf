"""Claiming outbox rows, on SQLite and PostgreSQL: a row goes to one dispatcher at a time, comes
back when its lease runs out unsent, keeps its chat's order, and once given up never comes back."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import URL
from sqlmodel import select

from rules.vocabulary import Role
from storage import Database, Outbox, People
from storage.models import OutboxMessage, Person
from storage.repositories import block_chat

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)


async def _add(database: Database, *messages: tuple[int, str]) -> list[int]:
    async with database.transaction() as session:
        return [
            await Outbox(session).add(chat, {"text": text}, "ZVH-2026-0001", now=NOW)
            for chat, text in messages
        ]


async def _claim(database: Database, at: datetime, limit: int = 100) -> list[str]:
    async with database.transaction() as session:
        return [c.payload["text"] for c in await Outbox(session).claim(at, LEASE, limit)]


async def test_a_claimed_row_is_hidden_until_its_lease_runs_out(database: Database) -> None:
    await _add(database, (1, "een"), (2, "twee"), (3, "drie"))
    assert await _claim(database, NOW, limit=2) == ["een", "twee"]
    assert await _claim(database, NOW) == ["drie"]
    assert await _claim(database, NOW + LEASE - timedelta(seconds=1)) == []
    async with database.transaction() as session:
        again = await Outbox(session).claim(NOW + LEASE, LEASE, 100)
    assert [(c.payload["text"], c.attempts) for c in again] == [
        ("een", 2),
        ("twee", 2),
        ("drie", 2),
    ], "a crash after sending means a second try, never none"


async def test_only_the_oldest_unsent_message_of_a_chat_is_due(database: Database) -> None:
    first, _, other = await _add(database, (1, "1a"), (1, "1b"), (2, "2a"))
    assert await _claim(database, NOW) == ["1a", "2a"]
    async with database.transaction() as session:
        await Outbox(session).mark_sent([other], NOW)
        await Outbox(session).retry(first, "500 Internal Server Error", NOW + timedelta(minutes=1))
    assert await _claim(database, NOW + LEASE) == [], "1b waits behind 1a's retry"
    assert await _claim(database, NOW + timedelta(minutes=1)) == ["1a"]
    async with database.transaction() as session:
        await Outbox(session).mark_sent([first], NOW + timedelta(minutes=1))
    assert await _claim(database, NOW + timedelta(minutes=1)) == ["1b"]


async def test_given_up_rows_never_come_back(database: Database) -> None:
    first, second, third, other = await _add(database, (1, "1a"), (1, "1b"), (1, "1c"), (2, "2a"))
    async with database.transaction() as session:
        await Outbox(session).give_up(other, "400 Message is too long", NOW)
        given_up = await Outbox(session).give_up_chat(1, "403 Forbidden", NOW)
    assert [g.id for g in given_up] == [first, second, third]
    for later in (NOW, NOW + LEASE, NOW + timedelta(days=30)):
        assert await _claim(database, later) == []
    async with database.transaction() as session:
        rows = (await session.exec(select(OutboxMessage))).all()
    assert all(r.given_up_at == NOW and r.sent_at is None for r in rows)
    assert {r.last_error for r in rows} == {"403 Forbidden", "400 Message is too long"}


async def test_two_dispatchers_never_claim_the_same_row(database_url: URL) -> None:
    """Two claimers, each with its own engine and connections, claiming in small batches at
    the same moment: every row is handed out exactly once."""
    setup = Database(database_url)
    await setup.upgrade()
    await _add(setup, *((chat, f"m{chat}") for chat in range(1, 201)))
    claimers = [Database(database_url) for _ in range(2)]

    async def claim_all(database: Database) -> list[str]:
        mine: list[str] = []
        while batch := await _claim(database, NOW, limit=7):
            mine += batch
            await asyncio.sleep(0)
        return mine

    try:
        first, second = await asyncio.gather(*(claim_all(d) for d in claimers))
    finally:
        for database in (setup, *claimers):
            await database.dispose()
    assert not set(first) & set(second)
    assert sorted(first + second) == sorted(f"m{chat}" for chat in range(1, 201))
    print(f"claimed: {len(first)} and {len(second)}")


@pytest.mark.postgres
async def test_rows_locked_by_an_open_claim_are_skipped(database: Database) -> None:
    """PostgreSQL: while one claim's transaction is still open, another takes the next rows
    instead of waiting for it or taking the same ones."""
    if database.is_sqlite:
        pytest.skip("SQLite serialises every transaction (BEGIN IMMEDIATE): nothing to skip")
    await _add(database, (1, "een"), (2, "twee"), (3, "drie"))
    async with database.transaction() as session:
        held = await Outbox(session).claim(NOW, LEASE, 2)
        other = await asyncio.wait_for(_claim(database, NOW), 5)
    assert [c.payload["text"] for c in held] == ["een", "twee"]
    assert other == ["drie"]


async def test_a_blocked_chat_names_the_coordinators_to_tell(database: Database) -> None:
    async with database.transaction() as session:
        people = People(session)
        regisseur = await people.add(Person(telegram_id=11, role=Role.REGISSEUR, partij="wsg"))
        await people.add(Person(telegram_id=21, role=Role.COORDINATOR, display_name="Co"))
        await people.add(Person(telegram_id=22, role=Role.COORDINATOR, active=False))
        await people.add(Person(telegram_id=23, role=Role.COORDINATOR, blocked_at=NOW))
        await people.add(Person(telegram_id=24, role=Role.COORDINATOR))
    async with database.transaction() as session:
        blocked = await block_chat(session, 11, NOW)
        unknown = await block_chat(session, 99, NOW)
    assert (blocked.person_id, blocked.role) == (regisseur.id, Role.REGISSEUR)
    assert sorted(blocked.coordinators) == [21, 24]
    assert unknown.person_id is None and sorted(unknown.coordinators) == [21, 24]
    async with database.transaction() as session:
        person = await People(session).by_telegram_id(11)
    assert person is not None and person.blocked_at == NOW

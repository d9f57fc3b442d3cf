"""The storage suite runs on SQLite always, and on PostgreSQL when REGIEBOT_TEST_DATABASE_URL
points at one (CI sets it). Each PostgreSQL test gets a database of its own, dropped afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from storage import Database

POSTGRES_URL = os.environ.get("REGIEBOT_TEST_DATABASE_URL")
NO_POSTGRES = "REGIEBOT_TEST_DATABASE_URL is not set: the PostgreSQL storage tests are skipped"

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=[pytest.mark.postgres, pytest.mark.skipif(POSTGRES_URL is None, reason=NO_POSTGRES)],
    ),
]

MakeUrl = Callable[[], "AsyncIterator[URL]"]


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[URL]:
    """An empty database on the backend of this run."""
    if request.param == "sqlite":
        yield make_url(f"sqlite+aiosqlite:///{tmp_path / 'regiebot.db'}")
        return
    assert POSTGRES_URL is not None
    base = make_url(POSTGRES_URL)
    admin = create_async_engine(base, isolation_level="AUTOCOMMIT")
    name = f"regiebot_test_{uuid.uuid4().hex[:12]}"
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


@pytest.fixture
async def database(database_url: URL) -> AsyncIterator[Database]:
    """A migrated database."""
    database = Database(database_url)
    await database.upgrade()
    yield database
    await database.dispose()

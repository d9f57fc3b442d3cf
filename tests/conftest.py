"""Shared fixtures. Database tests run on SQLite always, and on PostgreSQL when
REGIEBOT_TEST_DATABASE_URL points at one (CI sets it); each PostgreSQL test gets a database of
its own, dropped afterwards."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from rules import DEFAULT_SCHEMA_PATH, Schema, load_schema
from storage import Database
from storage.database import alembic_config
from tests.clock import TestClock
from tests.telegram.fake_bot_api import FakeBotAPI


def pytest_configure(config: pytest.Config) -> None:
    """REGIEBOT_TEST_WALL_CLOCK (an ISO moment) moves this process's wall clock there for the
    whole run, and lets it tick on (.ci/moved-clock): a test that reads today's date where it
    should read its clock fails in such a run."""
    moved = os.environ.get("REGIEBOT_TEST_WALL_CLOCK")
    if moved:
        traveller = time_machine.travel(datetime.fromisoformat(moved), tick=True)
        traveller.start()
        config.add_cleanup(traveller.stop)


def pytest_report_header() -> str | None:
    moved = os.environ.get("REGIEBOT_TEST_WALL_CLOCK")
    return f"wall clock moved to {moved} (REGIEBOT_TEST_WALL_CLOCK)" if moved else None


@pytest.fixture(scope="session", autouse=True)
def own_cache_directory(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Commands keep a parsed schema in the user's cache directory (bot/schema_cache.py); the
    tests, and the processes they start, keep theirs in a temporary one."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    """The loopback fake Bot API (tests/telegram/fake_bot_api.py), started for one test."""
    api = FakeBotAPI()
    await api.start()
    yield api
    await api.stop()


@pytest.fixture
def clock() -> TestClock:
    """The one clock of the services under test: it stands still until the test moves it."""
    return TestClock()


@pytest.fixture(scope="session")
def schema() -> Schema:
    return load_schema()


@pytest.fixture
def default_yaml() -> str:
    return DEFAULT_SCHEMA_PATH.read_text(encoding="utf-8")


@pytest.fixture
def write_schema(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write schema text to a file in a temporary folder and return its path."""

    def write(text: str, name: str = "regio.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


# The newest migration: what an up-to-date database reports.
HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()
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


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[URL]:
    """An empty database on the backend of this run."""
    if request.param == "sqlite":
        yield make_url(f"sqlite+aiosqlite:///{tmp_path / 'regiebot.db'}")
        return
    async with postgres_database() as url:
        yield url


@contextlib.asynccontextmanager
async def postgres_database() -> AsyncIterator[URL]:
    """An empty database of its own on REGIEBOT_TEST_DATABASE_URL's server, dropped afterwards
    (also while processes of the test are still connected to it)."""
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

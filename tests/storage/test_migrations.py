"""The migrations create exactly the schema the models describe, on both databases."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect, text
from sqlalchemy.engine import URL
from sqlmodel import SQLModel

from storage import AuditLog, Database, OutdatedDatabase

TABLES = {
    "people",
    "invitations",
    "intake_states",
    "reference_counters",
    "casussen",
    "assignments",
    "outbox",
    "audit_log",
}


def _drift(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, SQLModel.metadata))


async def test_migrations_create_the_models_schema_without_drift(database_url: URL) -> None:
    database = Database(database_url)
    try:
        await database.upgrade()
        async with database.engine.connect() as connection:
            tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
            drift = await connection.run_sync(_drift)
        assert tables == TABLES | {"alembic_version"}
        assert drift == []
    finally:
        await database.dispose()


async def test_upgrade_twice_is_harmless(database: Database) -> None:
    await database.upgrade()
    async with database.transaction() as session:
        version = (await session.exec(text("SELECT version_num FROM alembic_version"))).one()  # type: ignore[call-overload]
    assert version == ("0001",)


@pytest.mark.parametrize("change", ["UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"])
async def test_audit_log_is_append_only(database: Database, change: str) -> None:
    async with database.transaction() as session:
        await AuditLog(session).record("casus_aangemeld", casus_reference="ZVH-2026-0001")
    with pytest.raises(Exception, match="append-only"):
        async with database.transaction() as session:
            await session.exec(text(change))  # type: ignore[call-overload]
    async with database.transaction() as session:
        assert [e.action for e in await AuditLog(session).of_casus("ZVH-2026-0001")] == [
            "casus_aangemeld"
        ]


async def test_prepare_migrates_sqlite_and_refuses_an_outdated_postgresql(
    database_url: URL,
) -> None:
    database = Database(database_url)
    try:
        if database.is_sqlite:
            await database.prepare()  # a newcomer's empty file: migrated on first start
            assert await database.is_current()
        else:
            with pytest.raises(OutdatedDatabase, match="run `regiebot db upgrade` first"):
                await database.prepare()
            await database.upgrade()
            await database.prepare()
    finally:
        await database.dispose()

"""The migrations create exactly the schema the models describe, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

from rules.vocabulary import AssignmentStatus, CasusStatus, Role
from storage import (
    Assignments,
    AuditLog,
    Casussen,
    Database,
    Intake,
    IntakeStates,
    OutdatedDatabase,
    People,
    open_database,
)
from tests.clock import START
from tests.conftest import HEAD

TABLES = {
    "people",
    "invitations",
    "intake_states",
    "reference_counters",
    "group_counters",
    "casus_groups",
    "casussen",
    "assignments",
    "outbox",
    "audit_log",
    "wrong_codes",
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
    assert version == (HEAD,)


@pytest.mark.parametrize("change", ["UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"])
async def test_audit_log_is_append_only(database: Database, change: str) -> None:
    async with database.transaction() as session:
        await AuditLog(session).record("casus_aangemeld", casus_reference="ZVH-2026-0001", at=START)
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


# Rows as a 0001 database held them, written in SQL because the models have moved on since.
ROWS_OF_0001 = [
    "INSERT INTO people (id, telegram_id, display_name, role, partij, expertise, capacity,"
    " active, created_at) VALUES (1, 501, 'Regisseur', 'regisseur', 'mee', '[\"lvb\"]', 10,"
    " TRUE, :now)",
    "INSERT INTO invitations (code, role, expertise, created_by, created_at, expires_at)"
    " VALUES ('code-1', 'melder', '[]', 1, :now, :now)",
    "INSERT INTO casussen (id, reference, year, number, melder_id, answers, partij, rule,"
    " outcome, next_step, advice, status, created_at, updated_at) VALUES (1, 'ZVH-2026-0001',"
    " 2026, 1, 1, '{\"kader\": \"vrijwillig\"}', 'mee', 'vrijwillig-lvb', 'screening',"
    " 'Screening.', '{\"partij\": \"mee\"}', 'aangeboden', :now, :now)",
    "INSERT INTO assignments (casus_id, regisseur_id, status, offered_at)"
    " VALUES (1, 1, 'aangeboden', :now)",
    "INSERT INTO intake_states (chat_id, state, answers, draft, message_id, updated_at)"
    " VALUES (77, 'leeftijd', '{\"kader\": \"vrijwillig\"}', NULL, 12, :now)",
    "INSERT INTO audit_log (at, actor_id, action, casus_reference, details)"
    " VALUES (:now, 1, 'casus_aangemeld', 'ZVH-2026-0001', '{}')",
]


async def test_upgrade_keeps_the_data_of_a_0001_database(database_url: URL) -> None:
    database = Database(database_url)
    try:
        await database.upgrade("0001")
        async with database.transaction() as session:
            for row in ROWS_OF_0001:
                await session.exec(text(row), params={"now": datetime.now(UTC)})  # type: ignore[call-overload]
        await database.upgrade()
        assert await database.is_current()
        async with database.transaction() as session:
            casus = await Casussen(session).by_reference("ZVH-2026-0001")
            assert casus is not None and casus.id is not None
            [offer] = await Assignments(session).of_casus(casus.id)
            regisseur = await People(session).by_telegram_id(501)
            intake = await IntakeStates(session).lock(77)
            [entry] = await AuditLog(session).of_casus("ZVH-2026-0001")
        assert regisseur is not None
        assert (casus.status, casus.answers) == (CasusStatus.AANGEBODEN, {"kader": "vrijwillig"})
        assert (offer.status, offer.regisseur_id) == (AssignmentStatus.AANGEBODEN, regisseur.id)
        assert (regisseur.role, regisseur.expertise) == (Role.REGISSEUR, ["lvb"])
        assert intake == Intake(77, "leeftijd", {"kader": "vrijwillig"}, None, None, ())
        assert entry.action == "casus_aangemeld"
        for refused in (
            "UPDATE casussen SET status = 'zoek'",
            "UPDATE assignments SET casus_id = 999",  # foreign keys are enforced again
        ):
            with pytest.raises(IntegrityError):
                async with database.transaction() as session:
                    await session.exec(text(refused))  # type: ignore[call-overload]
    finally:
        await database.dispose()


async def test_open_database_prepares_and_disposes(database_url: URL) -> None:
    if database_url.get_backend_name() == "sqlite":
        async with open_database(database_url) as database:
            assert await database.is_current()  # a newcomer's file, migrated on opening
    else:
        with pytest.raises(OutdatedDatabase):
            async with open_database(database_url) as database:
                pass
        async with open_database(database_url, prepare=False) as database:
            await database.upgrade()
        async with open_database(database_url) as database:
            assert await database.is_current()
    assert database.engine.pool.checkedin() == 0  # disposed: no connection left open

"""Roles and statuses are names from rules.vocabulary: the database takes every one of them and
refuses anything else, on both databases, whether the schema came from the migrations or from
the models."""

from __future__ import annotations

from enum import StrEnum

import pytest
from sqlalchemy import CheckConstraint, Connection, inspect, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

from rules.vocabulary import AssignmentStatus, CasusStatus, Role, ScreeningOutcome
from storage import Assignments, Casussen, Database, Invitations, People
from storage.models import Person
from tests.clock import START

ADVICE = {"partij": "mee", "rule": "vrijwillig-lvb", "outcome": "screening", "next_step": "."}

NAMED_COLUMNS: list[tuple[str, str, type[StrEnum]]] = [
    ("people", "role", Role),
    ("invitations", "role", Role),
    ("casussen", "status", CasusStatus),
    ("casussen", "screening_outcome", ScreeningOutcome),
    ("assignments", "status", AssignmentStatus),
]


async def _one_row_each(database: Database) -> None:
    async with database.transaction() as session:
        regisseur = await People(session).add(
            Person(telegram_id=1, role=Role.REGISSEUR, partij="mee")
        )
        await Invitations(session).create(role=Role.MELDER, now=START)
        casus = await Casussen(session).create(answers={}, advice=ADVICE, now=START)
        assert casus.id is not None and regisseur.id is not None
        await Assignments(session).offer(casus.id, regisseur.id, now=START)


async def _set(database: Database, table: str, column: str, value: str) -> None:
    async with database.transaction() as session:
        await session.exec(text(f"UPDATE {table} SET {column} = :value"), params={"value": value})  # type: ignore[call-overload]


@pytest.mark.parametrize(("table", "column", "names"), NAMED_COLUMNS)
async def test_the_database_takes_every_name_and_refuses_others(
    database: Database, table: str, column: str, names: type[StrEnum]
) -> None:
    await _one_row_each(database)
    for name in names:
        await _set(database, table, column, name.value)
    with pytest.raises(IntegrityError, match=rf"ck_{table}_{column}|CHECK constraint failed"):
        await _set(database, table, column, "iets_anders")


async def test_stored_names_come_back_as_members(database: Database) -> None:
    await _one_row_each(database)
    async with database.transaction() as session:
        casus = await Casussen(session).by_reference(f"ZVH-{_this_year()}-0001")
        assert casus is not None and casus.id is not None
        await Casussen(session).close(casus, now=START)
        regisseur = await People(session).by_telegram_id(1)
        [offer] = await Assignments(session).of_casus(casus.id)
        await Assignments(session).answer(offer, accepted=False, reason="Vol", now=START)
    async with database.transaction() as session:
        stored = await Casussen(session).by_reference(f"ZVH-{_this_year()}-0001")
        assert stored is not None and stored.id is not None
        [answered] = await Assignments(session).of_casus(stored.id)
    assert stored.status is CasusStatus.GESLOTEN
    assert stored.screening_outcome is None
    assert regisseur is not None and regisseur.role is Role.REGISSEUR
    assert answered.status is AssignmentStatus.AFGEWEZEN


async def test_a_name_outside_the_vocabulary_is_refused_before_the_database(
    database: Database,
) -> None:
    with pytest.raises(Exception, match="'baas' is not a valid Role"):
        async with database.transaction() as session:
            await People(session).add(Person(telegram_id=2, role="baas"))  # type: ignore[arg-type]


def _checks(connection: Connection) -> dict[str, set[str]]:
    inspector = inspect(connection)
    return {
        table: {check["name"] for check in inspector.get_check_constraints(table) if check["name"]}
        for table in inspector.get_table_names()
        if table != "alembic_version"
    }


def _declared_checks() -> dict[str, set[str]]:
    return {
        table.name: {
            str(constraint.name)
            for constraint in table.constraints
            if isinstance(constraint, CheckConstraint)
        }
        for table in SQLModel.metadata.sorted_tables
    }


async def test_migrations_create_the_checks_the_models_declare(database: Database) -> None:
    async with database.engine.connect() as connection:
        checks = await connection.run_sync(_checks)
    assert checks == _declared_checks()
    assert checks["casussen"] == {"ck_casussen_status", "ck_casussen_screening_outcome"}


def _this_year() -> int:
    return START.year


async def test_a_schema_made_from_the_models_refuses_too(database_url: URL) -> None:
    database = Database(database_url)
    try:
        async with database.engine.begin() as connection:
            await connection.run_sync(SQLModel.metadata.create_all)
        await _one_row_each(database)
        with pytest.raises(IntegrityError, match=r"ck_casussen_status|CHECK constraint failed"):
            await _set(database, "casussen", "status", "iets_anders")
    finally:
        await database.dispose()

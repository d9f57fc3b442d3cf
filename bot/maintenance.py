"""Operator tasks on the database: migrations, invitations and retention."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.services.admission import AdmissionService
from bot.settings import Settings
from storage import Database
from storage.models import Invitation
from storage.retention import anonymise_closed


async def invite_someone(
    settings: Settings, role: str, partij: str | None, expertise: list[str]
) -> Invitation:
    database = Database(settings.database_url)
    try:
        await database.prepare()
        return await AdmissionService(database).invite(
            role=role,
            partij=partij,
            expertise=expertise,
            valid_for=timedelta(days=settings.invitation_days),
        )
    finally:
        await database.dispose()


async def upgrade_database(settings: Settings) -> None:
    database = Database(settings.database_url)
    try:
        await database.upgrade()
    finally:
        await database.dispose()


async def apply_retention(settings: Settings) -> int:
    """Anonymise casussen closed longer than the retention period ago; return how many."""
    ages = next(q for q in settings.load_schema().questions if q.kind == "age")

    def age_group(age: Any) -> str:
        return ages.band_of(age) if isinstance(age, int | str) else "onbekend"

    database = Database(settings.database_url)
    try:
        async with database.transaction() as session:
            return await anonymise_closed(
                session, retention_days=settings.retention_days, age_group=age_group
            )
    finally:
        await database.dispose()

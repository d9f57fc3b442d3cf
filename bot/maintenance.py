"""Operator tasks on the database: migrations, invitations and retention."""

from __future__ import annotations

from datetime import timedelta

from bot.services.admission import AdmissionService
from bot.settings import Settings
from rules import Schema
from storage import Database
from storage.models import Invitation
from storage.retention import KeptAnswers, anonymise_closed


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
    kept = kept_answers(settings.load_schema())
    database = Database(settings.database_url)
    try:
        async with database.transaction() as session:
            return await anonymise_closed(
                session, retention_days=settings.retention_days, kept=kept
            )
    finally:
        await database.dispose()


def kept_answers(schema: Schema) -> KeptAnswers:
    """What retention keeps of a casus's answers, as the schema's questions say."""
    return KeptAnswers(
        as_given=schema.kept_answers,
        as_band={q.id: q.band_of for q in schema.banded_questions},
    )

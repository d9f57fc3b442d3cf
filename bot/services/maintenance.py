"""Operator tasks on the database (the command line's): migrations, invitations, retention."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bot.services.admission import AdmissionService
from bot.settings import Settings
from rules import Schema
from rules.vocabulary import Role
from storage import open_database
from storage.models import Invitation
from storage.retention import KeptAnswers, anonymise_closed


async def invite_someone(
    settings: Settings, role: Role, partij: str | None, expertise: Sequence[str]
) -> Invitation:
    async with open_database(settings.database_url) as database:
        return await AdmissionService(database).invite(
            role=role,
            partij=partij,
            expertise=expertise,
            valid_for=timedelta(days=settings.invitation_days),
        )


async def upgrade_database(settings: Settings) -> None:
    async with open_database(settings.database_url, prepare=False) as database:
        await database.upgrade()


async def apply_retention(settings: Settings) -> int:
    """Anonymise casussen closed longer than the retention period ago; return how many."""
    kept = kept_answers(settings.load_schema())
    async with (
        open_database(settings.database_url, prepare=False) as database,
        database.transaction() as session,
    ):
        return await anonymise_closed(session, retention_days=settings.retention_days, kept=kept)


def kept_answers(schema: Schema) -> KeptAnswers:
    """What retention keeps of a casus's answers, as the schema's questions say."""
    return KeptAnswers(
        as_given=schema.kept_answers,
        as_band={q.id: q.band_of for q in schema.banded_questions},
    )

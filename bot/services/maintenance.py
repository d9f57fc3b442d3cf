"""Operator tasks on the database (the command line's): migrations, invitations, retention,
a casus's history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bot.services.admission import AdmissionService
from bot.services.clock import Clock
from bot.settings import Settings
from rules import Schema
from rules.vocabulary import Role
from storage import AuditLog, Casussen, Database, OutdatedDatabase, People, open_database
from storage.models import AuditEntry, Invitation, Person
from storage.retention import KeptAnswers, anonymise_closed


async def invite_someone(
    settings: Settings,
    role: Role,
    partij: str | None,
    expertise: Sequence[str],
    *,
    clock: Clock,
) -> Invitation:
    async with open_database(settings.database_url) as database:
        return await AdmissionService(database, clock=clock).invite(
            role=role,
            partij=partij,
            expertise=expertise,
            valid_for=timedelta(days=settings.invitation_days),
        )


async def upgrade_database(settings: Settings) -> None:
    async with open_database(settings.database_url, prepare=False) as database:
        await database.upgrade()


async def apply_retention(settings: Settings, *, clock: Clock) -> list[str]:
    """Anonymise casussen closed longer than the retention period ago; return their references
    (`regiebot db retention`)."""
    schema = settings.load_schema()
    async with open_database(settings.database_url, prepare=False) as database:
        return await anonymise(database, schema, settings.retention_days, now=clock())


async def anonymise(
    database: Database, schema: Schema, retention_days: int, *, now: datetime
) -> list[str]:
    """Anonymise casussen closed more than `retention_days` ago, in one transaction; return their
    references. The running bot calls it daily; running it twice, or in two processes at once,
    anonymises each casus once (storage.retention)."""
    async with database.transaction() as session:
        return await anonymise_closed(
            session, retention_days=retention_days, kept=kept_answers(schema), now=now
        )


def kept_answers(schema: Schema) -> KeptAnswers:
    """What retention keeps of a casus's answers, as the schema's questions say."""
    return KeptAnswers(
        as_given=schema.kept_answers,
        as_band={q.id: q.band_of for q in schema.banded_questions},
    )


@dataclass(frozen=True, slots=True)
class History:
    """A casus's history for an operator: where it stands, then every audit entry in order."""

    reference: str
    status: str
    partij: str
    outcome: str
    holder: str | None
    entries: tuple[str, ...]


async def casus_history(settings: Settings, reference: str) -> History | None:
    async with (
        open_database(settings.database_url) as database,
        database.reading() as session,
    ):
        casus = await Casussen(session).by_reference(reference.upper())
        if casus is None:
            return None
        entries = await AuditLog(session).of_casus(casus.reference)
        people = People(session)
        ids = {e.actor_id for e in entries} | {casus.holder_id}
        named = {i: _who(await people.get(i)) for i in ids if i is not None}
    return History(
        casus.reference,
        casus.status.value,
        casus.partij,
        casus.outcome,
        named.get(casus.holder_id) if casus.holder_id is not None else None,
        tuple(_entry(e, named) for e in entries),
    )


def _who(person: Person | None) -> str:
    if person is None:
        return "?"
    partij = f" {person.partij}" if person.partij else ""
    return f"#{person.id} {person.display_name} ({person.role.value}{partij})"


def _entry(entry: AuditEntry, named: dict[int, str]) -> str:
    actor = named.get(entry.actor_id, "?") if entry.actor_id is not None else "regiebot"
    details = " ".join(f"{key}={value}" for key, value in entry.details.items())
    return f"{entry.at:%Y-%m-%d %H:%M} UTC  {entry.action:<22} {actor}  {details}".rstrip()


async def health(settings: Settings) -> str:
    """One line saying the database answers and is up to date; OutdatedDatabase,
    DatabaseUnreachable or DatabaseUnusable (storage.database) when it is not. A SQLite file that
    is not there is not created by asking."""
    database = Database(settings.database_url)
    shown = database.url.render_as_string(hide_password=True)
    try:
        file = database.url.database
        if database.is_sqlite and file and not Path(file).exists():
            raise OutdatedDatabase(
                f"Database {file} does not exist yet: run `regiebot db upgrade`."
            )
        migration = await current_migration(database)
    finally:
        await database.dispose()
    return f"Database {shown} answers and is up to date (migration {migration})."


async def current_migration(database: Database) -> str:
    """The migration of a database that answers and has every migration; OutdatedDatabase,
    DatabaseUnreachable or DatabaseUnusable when it does not (the running bot's health check)."""
    with database.typed_errors():
        current, newest = await database.revisions()
    if current != newest or current is None:
        shown = database.url.render_as_string(hide_password=True)
        raise OutdatedDatabase(
            f"Database {shown} is at migration {current or 'none'}, the newest is {newest}: "
            "run `regiebot db upgrade`."
        )
    return current

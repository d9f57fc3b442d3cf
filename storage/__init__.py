"""Storage: SQLModel tables, async sessions on SQLite or PostgreSQL, repositories, migrations."""

from storage.database import Database, OutdatedDatabase, open_database
from storage.models import StoredAdvice
from storage.repositories import (
    Assignments,
    AuditLog,
    Casussen,
    Groups,
    Intake,
    IntakeStates,
    Invitations,
    Membership,
    Outbox,
    People,
    WrongCodes,
    casus_reference,
    group_reference,
    membership,
)

__all__ = [
    "Assignments",
    "AuditLog",
    "Casussen",
    "Database",
    "Groups",
    "Intake",
    "IntakeStates",
    "Invitations",
    "Membership",
    "Outbox",
    "OutdatedDatabase",
    "People",
    "StoredAdvice",
    "WrongCodes",
    "casus_reference",
    "group_reference",
    "membership",
    "open_database",
]

"""Storage: SQLModel tables, async sessions on SQLite or PostgreSQL, repositories, migrations."""

from storage.database import Database, OutdatedDatabase, open_database
from storage.models import StoredAdvice
from storage.repositories import (
    Assignments,
    AuditLog,
    Casussen,
    Intake,
    IntakeStates,
    Invitations,
    Membership,
    Outbox,
    People,
    casus_reference,
    membership,
)

__all__ = [
    "Assignments",
    "AuditLog",
    "Casussen",
    "Database",
    "Intake",
    "IntakeStates",
    "Invitations",
    "Membership",
    "Outbox",
    "OutdatedDatabase",
    "People",
    "StoredAdvice",
    "casus_reference",
    "membership",
    "open_database",
]

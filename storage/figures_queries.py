"""The reads behind the figures (bot/services/figures.py): plain rows of codes, times and counts,
never a name, a Telegram id or free text, so nothing personal can reach an export by accident."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel.ext.asyncio.session import AsyncSession

from rules.vocabulary import AssignmentStatus, Role
from storage.models import Assignment, Casus, Person
from storage.repositories import FINISHED

_casussen = Casus.__table__  # type: ignore[attr-defined]
_assignments = Assignment.__table__  # type: ignore[attr-defined]
_people = Person.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class CasusFacts:
    """One casus as the figures count it."""

    created_at: datetime
    partij: str
    outcome: str
    accepted_at: datetime | None  # the first offer a regisseur accepted, if any


@dataclass(frozen=True, slots=True)
class Caseload:
    """An active regisseur's open work (held casussen with work left, offers unanswered), as
    matching counts it, against the capacity they set."""

    person_id: int
    partij: str | None
    open: int
    capacity: int


_FIRST_ACCEPTED = (
    sa.select(func.min(_assignments.c.answered_at))
    .where(
        _assignments.c.casus_id == _casussen.c.id,
        _assignments.c.status == AssignmentStatus.GEACCEPTEERD.value,
    )
    .scalar_subquery()
)
_CASUSSEN = (
    sa.select(
        _casussen.c.created_at,
        # The partij that has it: a coördinator's afwijken before the rules' advice.
        sa.func.coalesce(_casussen.c.afgeweken_partij, _casussen.c.partij).label("partij"),
        _casussen.c.outcome,
        _FIRST_ACCEPTED.label("accepted_at"),
    )
    .where(
        _casussen.c.created_at >= sa.bindparam("start"),
        _casussen.c.created_at < sa.bindparam("end"),
    )
    .order_by(_casussen.c.created_at, _casussen.c.id)
)
_CASELOADS = (
    sa.select(
        _people.c.id,
        _people.c.partij,
        _people.c.capacity,
        (
            sa.select(func.count())
            .where(_casussen.c.holder_id == _people.c.id, _casussen.c.status.not_in(FINISHED))
            .scalar_subquery()
            + sa.select(func.count())
            .where(
                _assignments.c.regisseur_id == _people.c.id,
                _assignments.c.status == AssignmentStatus.AANGEBODEN.value,
            )
            .scalar_subquery()
        ).label("open"),
    )
    .where(_people.c.role == Role.REGISSEUR.value, _people.c.active.is_(True))
    .order_by(_people.c.partij, _people.c.id)
)


async def casussen_between(
    session: AsyncSession, start: datetime, end: datetime
) -> list[CasusFacts]:
    """The casussen reported from `start` up to (not including) `end`, oldest first."""
    rows = await session.run_sync(
        lambda sync: sync.execute(_CASUSSEN, {"start": start, "end": end}).all()
    )
    return [CasusFacts(row.created_at, row.partij, row.outcome, row.accepted_at) for row in rows]


async def caseloads(session: AsyncSession) -> list[Caseload]:
    """Every active regisseur's open work now, by partij."""
    rows = await session.run_sync(lambda sync: sync.execute(_CASELOADS).all())
    return [Caseload(row.id, row.partij, int(row.open), int(row.capacity)) for row in rows]

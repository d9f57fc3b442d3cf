"""Retention: casussen closed longer ago than the retention period lose what could identify a
person. Figures stay: reference, partij, rule, outcome, status, timestamps and the coarse answers
that counts are made of."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Casus, utcnow

# Answers that say something about the casus but nothing about who it is.
KEPT_ANSWERS = ("kader", "maatregel", "instantie", "interventie", "criteria")
# What the advice keeps; its reasons repeat the answers and go.
KEPT_ADVICE = ("partij", "partij_name", "rule", "outcome")


async def anonymise_closed(
    session: AsyncSession,
    *,
    retention_days: int,
    age_group: Callable[[Any], str] | None = None,
    kept_answers: Collection[str] = KEPT_ANSWERS,
    now: datetime | None = None,
) -> int:
    """Anonymise every casus closed before `now - retention_days`; return how many.

    An exact age is replaced by `age_group(age)` when given (a band such as "minderjarig"),
    otherwise removed.
    """
    cutoff = (now or utcnow()) - timedelta(days=retention_days)
    statement = (
        select(Casus)
        .where(col(Casus.closed_at) < cutoff, col(Casus.anonymised_at).is_(None))
        .with_for_update()
    )
    casussen = (await session.exec(statement)).all()
    for casus in casussen:
        answers = {k: v for k, v in casus.answers.items() if k in kept_answers}
        if age_group is not None and "leeftijd" in casus.answers:
            answers["leeftijdsgroep"] = age_group(casus.answers["leeftijd"])
        casus.answers = answers
        casus.advice = {k: v for k, v in casus.advice.items() if k in KEPT_ADVICE}
        casus.anonymised_at = now or utcnow()
        session.add(casus)
    return len(casussen)

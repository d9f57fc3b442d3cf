"""Retention: casussen closed longer ago than the retention period lose what could identify a
person: free answers, the advice's reasons, screening notes, closing, decline and coördinator's
reasons, and a group finding's note once every member of the group is anonymised. Figures
stay: reference, partij, rule, outcome, status, timestamps, reason codes and the coarse answers
that counts are made of. Which answers are coarse is the decision schema's to say; the caller
passes it in as KeptAnswers."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Assignment, Casus, CasusGroup, OutboxMessage

# What the advice keeps; its reasons repeat the answers and go.
KEPT_ADVICE = ("partij", "partij_name", "rule", "outcome")


@dataclass(frozen=True)
class KeptAnswers:
    """What an anonymised casus keeps of its answers: some as given, some only as a band (an
    exact age becomes "minderjarig"), under the same name. Everything else goes."""

    as_given: Collection[str]
    as_band: Mapping[str, Callable[[Any], str]] = field(default_factory=dict)

    def of(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        kept = {name: value for name, value in answers.items() if name in self.as_given}
        kept |= {
            name: band(answers[name]) for name, band in self.as_band.items() if name in answers
        }
        return kept


async def anonymise_closed(
    session: AsyncSession,
    *,
    retention_days: int,
    kept: KeptAnswers,
    now: datetime,
) -> list[str]:
    """Anonymise every casus closed before `now - retention_days`; return their references.
    Idempotent: an anonymised casus is not anonymised again. On PostgreSQL the casussen are
    locked, so a second run at the same moment (another replica) waits and then finds them
    done."""
    cutoff = now - timedelta(days=retention_days)
    statement = (
        select(Casus)
        .where(col(Casus.closed_at) < cutoff, col(Casus.anonymised_at).is_(None))
        .with_for_update()
    )
    casussen = (await session.exec(statement)).all()
    for casus in casussen:
        casus.answers = kept.of(casus.answers)
        casus.advice = {k: v for k, v in casus.advice.items() if k in KEPT_ADVICE}
        casus.screening_note = casus.close_reason = casus.coordinator_reason = None
        casus.anonymised_at = now
        session.add(casus)
    ids = [casus.id for casus in casussen]
    if ids:  # typed decline reasons go too; their codes stay for the figures
        await session.exec(
            update(Assignment).where(col(Assignment.casus_id).in_(ids)).values(reason=None)
        )
    # A group's note goes once every member is anonymised; its finding's code stays.
    await session.flush()
    open_members = select(Casus.group_id).where(
        col(Casus.group_id).is_not(None), col(Casus.anonymised_at).is_(None)
    )
    await session.exec(
        update(CasusGroup)
        .where(col(CasusGroup.finding_note).is_not(None), col(CasusGroup.id).not_in(open_members))
        .values(finding_note=None)
    )
    references = [casus.reference for casus in casussen]
    anonymised_groups = select(CasusGroup.reference).where(col(CasusGroup.id).not_in(open_members))
    await session.exec(
        delete(OutboxMessage).where(
            or_(
                col(OutboxMessage.sent_at).is_not(None), col(OutboxMessage.given_up_at).is_not(None)
            ),
            or_(
                col(OutboxMessage.casus_reference).in_(references),
                col(OutboxMessage.casus_reference).in_(anonymised_groups),
            ),
        )
    )
    return references

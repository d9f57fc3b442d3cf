"""Matching a regisseur (docs/domain.md, "Matching a regisseur"): which partij must act on a casus,
and who of its regisseurs is asked first.

Among the active regisseurs of that partij who are present and have room, those whose expertise
covers what the casus needs (its profiel and interventie) come first, then the lowest open
caseload relative to capacity, then whoever waited longest since their last assignment. Nobody
suitable: the casus goes to OOV. Pure: the caller reads the regisseurs from storage.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from rules.schema import Schema
from rules.vocabulary import ScreeningOutcome

REGULIERE_REGIE = "reguliere_regie"  # the advised partij already holds casusregie
SCREENING = "screening"
OOV = "oov"
SCREENING_PARTIJ = "zvh"  # the Zorg- en Veiligheidshuis's informatieregisseurs screen
OOV_PARTIJ = "oov"  # the afdeling Openbare Orde en Veiligheid holds what nobody else can


def acting_partij(outcome: str, advised_partij: str) -> str:
    """The partij whose regisseurs must act on a casus with this outcome: the ZVH screens, OOV
    holds what the rules give to OOV, and under reguliere casusregie the advised partij acts."""
    if outcome == SCREENING:
        return SCREENING_PARTIJ
    if outcome == OOV:
        return OOV_PARTIJ
    return advised_partij


def partij_to_act(
    outcome: str,
    advised_partij: str,
    *,
    chosen_partij: str | None = None,
    screened: ScreeningOutcome | None = None,
    screening_now: ScreeningOutcome | None = None,
) -> str:
    """The partij whose regisseur is asked next for a casus: the one a coördinator chose
    against the advice, unless a screening to procesregie decides anew (`screening_now`); after
    procesregie (now, or `screened` before) the advised partij supplies the casusregisseur;
    otherwise as the outcome says."""
    if chosen_partij is not None and screening_now != ScreeningOutcome.PROCESREGIE:
        return chosen_partij
    if ScreeningOutcome.PROCESREGIE in (screening_now, screened):
        return advised_partij
    return acting_partij(outcome, advised_partij)


@dataclass(frozen=True, slots=True)
class Regisseur:
    """What matching weighs of one regisseur."""

    person_id: int
    expertise: frozenset[str]
    open_casussen: int  # held and offered, not yet closed
    capacity: int
    last_assigned_at: datetime | None = None  # never: waited longest of all
    absent_until: datetime | None = None

    def is_available(self, now: datetime) -> bool:
        present = self.absent_until is None or self.absent_until <= now
        return present and self.open_casussen < self.capacity


def ranked(
    regisseurs: Iterable[Regisseur],
    needs: Collection[str],
    now: datetime,
    passed: Collection[int] = (),
) -> list[Regisseur]:
    """The available regisseurs, best first; `passed` (already offered this casus) are left out."""

    def order(regisseur: Regisseur) -> tuple[int, float, datetime]:
        uncovered = sum(1 for need in needs if need not in regisseur.expertise)
        load = regisseur.open_casussen / regisseur.capacity
        waited_since = regisseur.last_assigned_at or datetime.min.replace(tzinfo=now.tzinfo)
        return uncovered, load, waited_since

    available = (r for r in regisseurs if r.person_id not in passed and r.is_available(now))
    return sorted(available, key=lambda r: (*order(r), r.person_id))


def best(
    regisseurs: Iterable[Regisseur],
    needs: Collection[str],
    now: datetime,
    passed: Collection[int] = (),
) -> Regisseur | None:
    """The regisseur to offer the casus to; None: nobody suitable is left."""
    found = ranked(regisseurs, needs, now, passed)
    return found[0] if found else None


def needs_of(schema: Schema, answers: Mapping[str, object]) -> frozenset[str]:
    """What a casus asks of a regisseur's expertise: its answers to the schema's expertise
    questions (profiel, interventie, ...)."""
    needs: set[str] = set()
    for question in schema.expertise_questions:
        answer = answers.get(question.id)
        if isinstance(answer, str):
            needs.add(answer)
        elif isinstance(answer, list | tuple):
            needs.update(str(code) for code in answer)
    return frozenset(needs & {o.code for q in schema.expertise_questions for o in q.options})

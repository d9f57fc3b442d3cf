"""Matching a regisseur, as tables: who is asked first, and when nobody is left."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rules import load_schema
from rules.matching import Regisseur, acting_partij, best, needs_of, ranked

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def regisseur(
    person_id: int,
    expertise: str = "",
    open_casussen: int = 0,
    capacity: int = 10,
    last: datetime | None = None,
    absent_until: datetime | None = None,
) -> Regisseur:
    return Regisseur(
        person_id, frozenset(expertise.split()), open_casussen, capacity, last, absent_until
    )


@pytest.mark.parametrize(
    ("why", "regisseurs", "needs", "order"),
    [
        (
            "expertise covering the casus comes first, whatever the caseload",
            [regisseur(1, "", 0), regisseur(2, "lvb", 5)],
            {"lvb"},
            [2, 1],
        ),
        (
            "covering more of what is needed beats covering less",
            [regisseur(1, "lvb"), regisseur(2, "lvb huiselijk_geweld"), regisseur(3)],
            {"lvb", "huiselijk_geweld"},
            [2, 1, 3],
        ),
        (
            "then the lowest caseload relative to capacity",
            [regisseur(1, "", 4, 10), regisseur(2, "", 3, 5), regisseur(3, "", 1, 10)],
            set(),
            [3, 1, 2],
        ),
        (
            "then who waited longest since their last assignment; never assigned waited longest",
            [regisseur(1, last=NOW - DAY), regisseur(2, last=NOW - 3 * DAY), regisseur(3)],
            set(),
            [3, 2, 1],
        ),
        (
            "absent regisseurs are skipped until their absence ends",
            [regisseur(1, absent_until=NOW + DAY), regisseur(2), regisseur(3, absent_until=NOW)],
            set(),
            [2, 3],
        ),
        (
            "a full caseload is no room",
            [regisseur(1, "", 10, 10), regisseur(2, "", 9, 10), regisseur(3, "", 0, 0)],
            set(),
            [2],
        ),
        (
            "those already offered this casus are not asked again",
            [regisseur(1), regisseur(2), regisseur(3)],
            set(),
            [3],
        ),
        ("nobody registered", [], {"lvb"}, []),
    ],
)
def test_ranking(why: str, regisseurs: list[Regisseur], needs: set[str], order: list[int]) -> None:
    passed = {1, 2} if why.startswith("those already offered") else set()
    assert [r.person_id for r in ranked(regisseurs, needs, NOW, passed)] == order, why


def test_nobody_left_is_none() -> None:
    assert best([regisseur(1, absent_until=NOW + DAY)], set(), NOW) is None
    assert best([regisseur(1)], set(), NOW, passed={1}) is None


@pytest.mark.parametrize(
    ("outcome", "advised", "acting"),
    [
        ("reguliere_regie", "gi-jb", "gi-jb"),
        ("reguliere_regie", "3ro-rn", "3ro-rn"),
        ("screening", "mee", "zvh"),
        ("screening", "wijkteam", "zvh"),
        ("oov", "oov", "oov"),
    ],
)
def test_the_outcome_says_which_partij_acts(outcome: str, advised: str, acting: str) -> None:
    assert acting_partij(outcome, advised) == acting


def test_the_default_schema_has_the_partijen_that_act_and_its_outcomes() -> None:
    schema = load_schema()
    assert {"zvh", "oov"} <= set(schema.partij_by_code)
    assert {"reguliere_regie", "screening", "oov"} == set(schema.outcomes)


def test_needs_are_the_answers_to_expertise_questions() -> None:
    schema = load_schema()
    expertise = {q.id for q in schema.expertise_questions}
    assert expertise == {"profiel", "interventie"}
    answers = {
        "kader": "maatregel",
        "profiel": ["lvb", "psychisch"],
        "interventie": "huiselijk_geweld",
        "leeftijd": 15,
    }
    assert needs_of(schema, answers) == {"lvb", "psychisch", "huiselijk_geweld"}

"""The casus lifecycle as a table: every allowed move with what it tells whom, and every other
combination of state, event and actor refused, with the reason the channel shows."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import pytest

from conversation.casus import (
    SYSTEM,
    About,
    Actor,
    CasusView,
    Event,
    Lifecycle,
    Move,
    Notice,
    Recipient,
    Refusal,
    Trigger,
    diagram,
)
from rules.vocabulary import CasusStatus, Role, ScreeningOutcome

S, T, A, R = CasusStatus, Trigger, About, Recipient
OFFERED, HOLDER, STRANGER, COORDINATOR = 1, 2, 3, 4
ACTORS = {
    "system": SYSTEM,
    "offered": Actor(OFFERED, Role.REGISSEUR),
    "holder": Actor(HOLDER, Role.REGISSEUR),
    "stranger": Actor(STRANGER, Role.REGISSEUR),
    "coordinator": Actor(COORDINATOR, Role.COORDINATOR),
}
OFFERING = {S.AANGEBODEN, S.PROCESREGIE}


def view(status: CasusStatus, outcome: str, screened: ScreeningOutcome | None = None) -> CasusView:
    """A casus in `status`: offered to OFFERED where an offer can be open, held by HOLDER once
    someone holds it."""
    offered = OFFERED if status in OFFERING else None
    holder = None if status in (S.AANGEMELD, S.AANGEBODEN) else HOLDER
    return CasusView(status, outcome, offered, holder, screened)


Case = tuple[CasusStatus, str, Trigger, str, bool, ScreeningOutcome | None]
Told = tuple[tuple[Recipient, About], ...]
# (status, outcome, trigger, actor, has_candidate, screening) -> (new status, notices)
ALLOWED: dict[Case, tuple[CasusStatus, Told]] = {}


def allow(
    status: CasusStatus,
    outcomes: Iterable[str],
    trigger: Trigger,
    actors: Iterable[str],
    found: Iterable[bool],
    screening: ScreeningOutcome | None,
    to: CasusStatus,
    notices: Told,
) -> None:
    for outcome, actor, has in itertools.product(outcomes, actors, found):
        ALLOWED[(status, outcome, trigger, actor, has, screening)] = (to, notices)


BOTH = ("reguliere_regie", "screening")
EITHER = (True, False)
allow(S.AANGEMELD, BOTH, T.OFFER, ["system"], [True], None, S.AANGEBODEN, ((R.CANDIDATE, A.OFFER),))
allow(
    S.AANGEMELD, BOTH, T.OFFER, ["system"], [False], None, S.BIJ_OOV,
    ((R.MELDER, A.NAAR_OOV), (R.HOLDER, A.BIJ_OOV)),
)  # fmt: skip
allow(
    S.AANGEBODEN, ["reguliere_regie"], T.ACCEPT, ["offered"], EITHER, None, S.OPGEPAKT,
    ((R.MELDER, A.OPGEPAKT),),
)  # fmt: skip
allow(
    S.AANGEBODEN, ["screening"], T.ACCEPT, ["offered"], EITHER, None, S.IN_SCREENING,
    ((R.MELDER, A.IN_SCREENING),),
)  # fmt: skip
allow(
    S.PROCESREGIE, BOTH, T.ACCEPT, ["offered"], EITHER, None, S.PROCESREGIE,
    ((R.MELDER, A.OPGEPAKT),),
)  # fmt: skip
for state in OFFERING:
    allow(state, BOTH, T.DECLINE, ["offered"], [True], None, state, ((R.CANDIDATE, A.OFFER),))
    allow(
        state, BOTH, T.DECLINE, ["offered"], [False], None, S.BIJ_OOV,
        ((R.MELDER, A.NAAR_OOV), (R.HOLDER, A.BIJ_OOV)),
    )  # fmt: skip
    allow(
        state, BOTH, T.EXPIRE, ["system"], [True], None, state,
        ((R.OFFERED, A.OFFER_EXPIRED), (R.CANDIDATE, A.OFFER)),
    )  # fmt: skip
    allow(
        state, BOTH, T.EXPIRE, ["system"], [False], None, S.BIJ_OOV,
        ((R.OFFERED, A.OFFER_EXPIRED_TO_OOV), (R.MELDER, A.NAAR_OOV), (R.HOLDER, A.BIJ_OOV)),
    )  # fmt: skip
    allow(state, BOTH, T.REMIND, ["system"], EITHER, None, state, ((R.OFFERED, A.REMINDER),))
for outcome, status in (
    (ScreeningOutcome.GEEN_INZET, S.GEEN_INZET),
    (ScreeningOutcome.SIGNALEREND, S.SIGNALEREND),
):
    allow(
        S.IN_SCREENING, BOTH, T.SCREEN, ["holder"], EITHER, outcome, status,
        ((R.MELDER, A.SCREENED),),
    )  # fmt: skip
allow(
    S.IN_SCREENING, BOTH, T.SCREEN, ["holder"], [True], ScreeningOutcome.PROCESREGIE,
    S.PROCESREGIE, ((R.MELDER, A.SCREENED), (R.CANDIDATE, A.OFFER)),
)  # fmt: skip
allow(
    S.IN_SCREENING, BOTH, T.SCREEN, ["holder"], [False], ScreeningOutcome.PROCESREGIE,
    S.BIJ_OOV, ((R.MELDER, A.SCREENED), (R.MELDER, A.NAAR_OOV), (R.HOLDER, A.BIJ_OOV)),
)  # fmt: skip
for state in (S.IN_SCREENING, S.SIGNALEREND, S.PROCESREGIE):
    allow(state, BOTH, T.ADD_BETROKKEN, ["holder"], EITHER, None, state, ())
allow(
    S.BIJ_OOV, BOTH, T.HAND_OVER, ["holder", "coordinator"], [True], None, S.AANGEBODEN,
    ((R.CANDIDATE, A.OFFER), (R.MELDER, A.OVERGEDRAGEN)),
)  # fmt: skip
OPEN = (
    S.AANGEBODEN, S.OPGEPAKT, S.IN_SCREENING, S.GEEN_INZET, S.SIGNALEREND, S.PROCESREGIE, S.BIJ_OOV
)  # fmt: skip
for state in OPEN:
    withdrawn = ((R.OFFERED, A.OFFER_WITHDRAWN),) if state in OFFERING else ()
    closers = ["coordinator"] if state == S.AANGEBODEN else ["holder", "coordinator"]  # no holder
    allow(
        state, BOTH, T.CLOSE, closers, EITHER, None, S.GESLOTEN,
        (*withdrawn, (R.MELDER, A.GESLOTEN)),
    )  # fmt: skip
for state in (S.AANGEMELD, *OPEN):
    offered = ((R.OFFERED, A.OFFER_REASSIGNED),) if state in OFFERING else ()
    held = () if state in (S.AANGEMELD, S.AANGEBODEN) else ((R.FORMER_HOLDER, A.REASSIGNED_AWAY),)
    allow(
        state, BOTH, T.REASSIGN, ["coordinator"], [True], None, S.AANGEBODEN,
        (*offered, *held, (R.CANDIDATE, A.OFFER), (R.MELDER, A.AFGEWEKEN)),
    )  # fmt: skip
allow(
    S.GESLOTEN, BOTH, T.REOPEN, ["coordinator"], [True], None, S.AANGEBODEN,
    ((R.MELDER, A.HEROPEND), (R.CANDIDATE, A.OFFER)),
)  # fmt: skip
allow(
    S.GESLOTEN, BOTH, T.REOPEN, ["coordinator"], [False], None, S.BIJ_OOV,
    ((R.MELDER, A.HEROPEND), (R.MELDER, A.NAAR_OOV), (R.HOLDER, A.BIJ_OOV)),
)  # fmt: skip

for state in (S.OPGEPAKT, S.IN_SCREENING, S.SIGNALEREND):  # its holder was deactivated
    allow(
        state, BOTH, T.RELEASE, ["system"], [True], None, S.AANGEBODEN,
        ((R.CANDIDATE, A.OFFER), (R.MELDER, A.RELEASED)),
    )  # fmt: skip
    allow(
        state, BOTH, T.RELEASE, ["system"], [False], None, S.BIJ_OOV,
        ((R.MELDER, A.RELEASED_TO_OOV), (R.HOLDER, A.BIJ_OOV)),
    )  # fmt: skip
allow(S.PROCESREGIE, BOTH, T.RELEASE, ["system"], EITHER, None, S.PROCESREGIE, ())  # offer open
allow(S.BIJ_OOV, BOTH, T.RELEASE, ["system"], EITHER, None, S.BIJ_OOV, ((R.HOLDER, A.BIJ_OOV),))


def every_combination() -> list[Case]:
    screenings: dict[Trigger, list[ScreeningOutcome | None]] = {T.SCREEN: [*ScreeningOutcome]}
    return [
        (status, outcome, trigger, actor, has, screening)
        for status, outcome, trigger, actor, has in itertools.product(
            CasusStatus, BOTH, Trigger, ACTORS, EITHER
        )
        for screening in screenings.get(trigger, [None])
    ]


LIFECYCLE = Lifecycle()


@pytest.mark.parametrize("case", sorted(ALLOWED, key=str), ids=str)
def test_allowed_moves(case: Case) -> None:
    status, outcome, trigger, actor, has, screening = case
    move = LIFECYCLE.step(view(status, outcome), ACTORS[actor], Event(trigger, has, screening))
    to, notices = ALLOWED[case]
    assert move == Move(to, tuple(Notice(r, a) for r, a in notices))


def test_everything_else_is_refused_and_says_why() -> None:
    refused = [case for case in every_combination() if case not in ALLOWED]
    assert len(refused) > 1000
    for status, outcome, trigger, actor, has, screening in refused:
        casus, who = view(status, outcome), ACTORS[actor]
        result = LIFECYCLE.step(casus, who, Event(trigger, has, screening))
        involved = who.is_system or who.person_id in (casus.offered_to, casus.holder_id)
        possible_here = trigger.value in LIFECYCLE.machine.get_triggers(status.value)
        expected = Refusal.NOT_YOURS if possible_here and not involved else Refusal.NOT_NOW
        if not has and (status, outcome, trigger, actor, True, screening) in ALLOWED:
            expected = Refusal.NOBODY_AVAILABLE  # allowed, had matching found someone
        assert result == expected, (status, outcome, trigger, actor, has, screening)


def test_a_screened_casus_handed_over_is_picked_up_not_screened_again() -> None:
    casus = CasusView(S.AANGEBODEN, "screening", OFFERED, None, ScreeningOutcome.PROCESREGIE)
    move = LIFECYCLE.step(casus, ACTORS["offered"], Event(T.ACCEPT))
    assert isinstance(move, Move) and move.status == S.OPGEPAKT


def test_afwijken_needs_someone_to_offer_it_to_and_only_a_coordinator_may() -> None:
    casus = view(S.OPGEPAKT, "reguliere_regie")
    nobody = LIFECYCLE.step(casus, ACTORS["coordinator"], Event(T.REASSIGN, has_candidate=False))
    assert nobody == Refusal.NOBODY_AVAILABLE  # the service finds a candidate first, or says so
    assert LIFECYCLE.step(casus, ACTORS["holder"], Event(T.REASSIGN, True)) == Refusal.NOT_NOW
    assert LIFECYCLE.step(casus, ACTORS["stranger"], Event(T.REASSIGN, True)) == Refusal.NOT_YOURS
    closed = view(S.GESLOTEN, "reguliere_regie")
    assert LIFECYCLE.step(closed, ACTORS["coordinator"], Event(T.REASSIGN, True)) == Refusal.NOT_NOW
    assert LIFECYCLE.step(closed, ACTORS["holder"], Event(T.REOPEN, True)) == Refusal.NOT_NOW


def test_procesregie_whose_casusregisseur_left_is_offered_to_the_next() -> None:
    taken = CasusView(S.PROCESREGIE, "screening", None, HOLDER, ScreeningOutcome.PROCESREGIE)
    move = LIFECYCLE.step(taken, SYSTEM, Event(T.RELEASE, has_candidate=True))
    assert move == Move(S.PROCESREGIE, (Notice(R.CANDIDATE, A.OFFER), Notice(R.MELDER, A.RELEASED)))
    move = LIFECYCLE.step(taken, SYSTEM, Event(T.RELEASE, has_candidate=False))
    assert isinstance(move, Move) and move.status == S.BIJ_OOV
    screened = CasusView(S.GEEN_INZET, "screening", None, HOLDER, ScreeningOutcome.GEEN_INZET)
    assert LIFECYCLE.step(screened, SYSTEM, Event(T.RELEASE, True)) == Refusal.NOT_NOW


def test_the_diagram_comes_from_the_same_definition() -> None:
    drawn = diagram()
    assert drawn.startswith("---\nregiebot: de levensloop van een casus")
    for status in CasusStatus:
        assert f'state "{status.value}"' in drawn
    for trigger in Trigger:
        assert trigger.value in drawn
    assert "by_the_offered" in drawn and "has_candidate" in drawn

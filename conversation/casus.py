"""The casus lifecycle: a `transitions` state machine, declared as data (`TRANSITIONS`).

A confirmed aanmelding is offered to the regisseur matching finds (aangeboden) and accepted
(opgepakt; in_screening when the ZVH screens it), or declined or left unanswered, which offers
it to the next candidate; nobody left: bij_oov. Screening ends in geen_inzet, signalerend or
procesregie; procesregie also offers the casus to a casusregisseur of the advised partij. The OOV
holder hands a casus over once someone suitable is available. Any open casus can be closed.
A coördinator can give an open casus to another partij or regisseur than the rules advised
(afwijken: reassign), and reopen a closed one; both with a typed reason. A casus whose holder is
deactivated goes back into matching (release).

Pure: a casus as the lifecycle sees it (`CasusView`), who acts (`Actor`) and what they do
(`Event`) in; the new status and who must be told what (`Notice`) out, or a `Refusal` that says
why not. The service stores the move, its audit entry and its notices in one transaction; the
same definition draws `regiebot rules graph --casus`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from transitions import EventData, Machine
from transitions.extensions import GraphMachine

from rules.matching import SCREENING
from rules.vocabulary import CasusStatus, Role, ScreeningOutcome

S = CasusStatus


class Trigger(StrEnum):
    OFFER = "offer"  # the first offer, once the casus is stored
    ACCEPT = "accept"
    DECLINE = "decline"
    REMIND = "remind"  # half the answer time has passed
    EXPIRE = "expire"  # the answer time has passed
    SCREEN = "screen"
    ADD_BETROKKEN = "add_betrokken"
    HAND_OVER = "hand_over"  # from OOV to a regisseur who became available
    CLOSE = "close"
    REASSIGN = "reassign"  # afwijken: a coördinator gives it to a regisseur of their choice
    REOPEN = "reopen"  # a coördinator reopens a closed casus
    RELEASE = "release"  # its holder was deactivated: back into matching


class Recipient(StrEnum):
    MELDER = "melder"
    CANDIDATE = "candidate"  # the one the casus is offered to now
    OFFERED = "offered"  # the one whose offer this event is about
    HOLDER = "holder"  # who holds the casus after the move (the coördinatoren when nobody)
    FORMER_HOLDER = "former_holder"  # who held it before a coördinator gave it to someone else


class About(StrEnum):
    """What a notice tells; conversation/casus_texts.py words it."""

    OFFER = "offer"
    REMINDER = "reminder"
    OFFER_EXPIRED = "offer_expired"  # and offered to the next regisseur
    OFFER_EXPIRED_TO_OOV = "offer_expired_to_oov"  # nobody was next: OOV holds it now
    OFFER_WITHDRAWN = "offer_withdrawn"  # the casus was closed while offered
    OPGEPAKT = "opgepakt"
    IN_SCREENING = "in_screening"
    NAAR_OOV = "naar_oov"  # to the melder: what OOV holding it means
    BIJ_OOV = "bij_oov"  # to the OOV holder
    SCREENED = "screened"  # to the melder: what the screening's outcome means for them
    GESLOTEN = "gesloten"
    OVERGEDRAGEN = "overgedragen"  # to the melder: OOV handed it to a regisseur
    OFFER_REASSIGNED = "offer_reassigned"  # a coördinator gave the offered casus to another
    REASSIGNED_AWAY = "reassigned_away"  # to the former holder: it is someone else's now
    AFGEWEKEN = "afgeweken"  # to the melder: a coördinator chose another partij or regisseur
    HEROPEND = "heropend"  # to the melder: a coördinator reopened the casus
    RELEASED = "released"  # to the melder: its regisseur left, it is offered anew
    RELEASED_TO_OOV = "released_to_oov"  # to the melder: its regisseur left, nobody else: OOV


@dataclass(frozen=True, slots=True)
class Notice:
    to: Recipient
    about: About


@dataclass(frozen=True, slots=True)
class CasusView:
    """What the lifecycle weighs of a casus."""

    status: CasusStatus
    outcome: str  # of the advice: reguliere_regie, screening or oov
    offered_to: int | None = None  # the person with the open offer
    holder_id: int | None = None
    screening_outcome: ScreeningOutcome | None = None


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: a person with their role, or the system (timers, the first offer)."""

    person_id: int | None = None
    role: Role | None = None

    @property
    def is_system(self) -> bool:
        return self.person_id is None


SYSTEM = Actor()


@dataclass(frozen=True, slots=True)
class Event:
    trigger: Trigger
    # For every move that may offer the casus: whether matching found someone to offer it to.
    has_candidate: bool = False
    screening: ScreeningOutcome | None = None  # for SCREEN


@dataclass(frozen=True, slots=True)
class Move:
    status: CasusStatus
    notices: tuple[Notice, ...]


class Refusal(StrEnum):
    """Why an event changes nothing; the channel says it in Dutch (conversation/casus_texts)."""

    NOT_NOW = "not_now"  # the casus is not in a state where this can happen (any more)
    NOT_YOURS = "not_yours"  # the casus is not offered to, or held by, the one who acts
    NOBODY_AVAILABLE = "nobody_available"  # it would move, had matching found someone to take it


OPEN_STATES = [
    S.AANGEBODEN,
    S.OPGEPAKT,
    S.IN_SCREENING,
    S.GEEN_INZET,
    S.SIGNALEREND,
    S.PROCESREGIE,
    S.BIJ_OOV,
]
OFFERING = [S.AANGEBODEN, S.PROCESREGIE]  # states in which an offer can be open
HELD = [S.OPGEPAKT, S.IN_SCREENING, S.SIGNALEREND]  # someone holds it, no offer can be open
REASSIGNABLE = [S.AANGEMELD, *OPEN_STATES]
SCREENED = {
    ScreeningOutcome.GEEN_INZET: S.GEEN_INZET,
    ScreeningOutcome.SIGNALEREND: S.SIGNALEREND,
    ScreeningOutcome.PROCESREGIE: S.PROCESREGIE,
}


def _move(
    trigger: Trigger,
    source: CasusStatus | list[CasusStatus],
    dest: CasusStatus | None,  # None: the status stays (an internal transition)
    conditions: list[str],
    after: list[str],
    unless: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "trigger": trigger.value,
        "source": [s.value for s in source] if isinstance(source, list) else source.value,
        "dest": None if dest is None else dest.value,
        "conditions": conditions,
        "unless": unless or [],
        "after": after,
    }


T = Trigger
# Guards and callbacks are the names of `_Casus` methods: the diagram shows them as they are.
TRANSITIONS = [
    _move(T.OFFER, S.AANGEMELD, S.AANGEBODEN, ["by_system", "has_candidate"], ["tell_candidate"]),
    _move(T.OFFER, S.AANGEMELD, S.BIJ_OOV, ["by_system"], ["tell_oov"], unless=["has_candidate"]),
    _move(
        T.ACCEPT,
        S.AANGEBODEN,
        S.IN_SCREENING,
        ["by_the_offered", "for_screening"],
        ["tell_melder_in_screening"],
    ),
    _move(
        T.ACCEPT,
        S.AANGEBODEN,
        S.OPGEPAKT,
        ["by_the_offered"],
        ["tell_melder_opgepakt"],
        unless=["for_screening"],
    ),
    _move(T.ACCEPT, S.PROCESREGIE, S.PROCESREGIE, ["by_the_offered"], ["tell_melder_opgepakt"]),
    *(
        move
        for source in OFFERING
        for move in (
            _move(
                T.DECLINE, source, source, ["by_the_offered", "has_candidate"], ["tell_candidate"]
            ),
            _move(
                T.DECLINE, source, S.BIJ_OOV, ["by_the_offered"], ["tell_oov"], ["has_candidate"]
            ),
            _move(
                T.EXPIRE,
                source,
                source,
                ["by_system", "offer_open", "has_candidate"],
                ["tell_offered_expired", "tell_candidate"],
            ),
            _move(
                T.EXPIRE,
                source,
                S.BIJ_OOV,
                ["by_system", "offer_open"],
                ["tell_offered_expired_to_oov", "tell_oov"],
                unless=["has_candidate"],
            ),
            _move(T.REMIND, source, source, ["by_system", "offer_open"], ["tell_offered_reminder"]),
        )
    ),
    *(
        _move(
            T.SCREEN,
            S.IN_SCREENING,
            status,
            ["by_the_holder", f"screened_{outcome.value}"],
            ["tell_melder_screened"],
        )
        for outcome, status in SCREENED.items()
        if outcome != ScreeningOutcome.PROCESREGIE
    ),
    _move(
        T.SCREEN,
        S.IN_SCREENING,
        S.PROCESREGIE,
        ["by_the_holder", "screened_procesregie", "has_candidate"],
        ["tell_melder_screened", "tell_candidate"],
    ),
    _move(
        T.SCREEN,
        S.IN_SCREENING,
        S.BIJ_OOV,
        ["by_the_holder", "screened_procesregie"],
        ["tell_melder_screened", "tell_oov"],
        unless=["has_candidate"],
    ),
    _move(
        T.ADD_BETROKKEN,
        [S.IN_SCREENING, S.SIGNALEREND, S.PROCESREGIE],
        None,
        ["by_the_holder"],
        [],
    ),
    _move(
        T.HAND_OVER,
        S.BIJ_OOV,
        S.AANGEBODEN,
        ["by_holder_or_coordinator", "has_candidate"],
        ["tell_candidate", "tell_melder_overgedragen"],
    ),
    _move(
        T.CLOSE,
        OPEN_STATES,
        S.GESLOTEN,
        ["by_holder_or_coordinator"],
        ["tell_offered_withdrawn", "tell_melder_closed"],
    ),
    _move(
        T.REASSIGN,
        REASSIGNABLE,
        S.AANGEBODEN,
        ["by_coordinator", "has_candidate"],
        [
            "tell_offered_reassigned",
            "tell_former_holder",
            "tell_candidate",
            "tell_melder_afgeweken",
        ],
    ),
    _move(
        T.REOPEN,
        S.GESLOTEN,
        S.AANGEBODEN,
        ["by_coordinator", "has_candidate"],
        ["tell_melder_heropend", "tell_candidate"],
    ),
    _move(
        T.REOPEN,
        S.GESLOTEN,
        S.BIJ_OOV,
        ["by_coordinator"],
        ["tell_melder_heropend", "tell_oov"],
        unless=["has_candidate"],
    ),
    # The holder was deactivated: the casus goes on as if their offer had just ended. Screened
    # to geen inzet, it has no work left and stays; in procesregie with an offer open to a
    # casusregisseur, that offer goes on.
    _move(T.RELEASE, S.PROCESREGIE, None, ["by_system", "offer_open"], []),
    *(
        move
        for source, offering in ((HELD, S.AANGEBODEN), (S.PROCESREGIE, S.PROCESREGIE))
        for move in (
            _move(
                T.RELEASE,
                source,
                offering,
                ["by_system", "has_candidate"],
                ["tell_candidate", "tell_melder_released"],
                unless=["offer_open"],
            ),
            _move(
                T.RELEASE,
                source,
                S.BIJ_OOV,
                ["by_system"],
                ["tell_melder_released_to_oov", "tell_holder_bij_oov"],
                unless=["offer_open", "has_candidate"],
            ),
        )
    ),
    _move(T.RELEASE, S.BIJ_OOV, None, ["by_system"], ["tell_holder_bij_oov"]),
]


class _Casus:
    """One casus while the machine moves it: the view, who acts, what they do, what to tell."""

    state: str
    get_graph: Callable[[], Any]  # bound by the GraphMachine that draws the diagram

    def load(self, casus: CasusView, actor: Actor, event: Event) -> None:
        self.state = casus.status.value
        self.casus, self.actor, self.event = casus, actor, event
        self.notices: list[Notice] = []

    # --- guards ----------------------------------------------------------------------------

    def by_system(self, _: EventData) -> bool:
        return self.actor.is_system

    def by_the_offered(self, _: EventData) -> bool:
        return self.casus.offered_to is not None and self.actor.person_id == self.casus.offered_to

    def by_the_holder(self, _: EventData) -> bool:
        return self.casus.holder_id is not None and self.actor.person_id == self.casus.holder_id

    def by_holder_or_coordinator(self, event: EventData) -> bool:
        return self.by_the_holder(event) or self.actor.role == Role.COORDINATOR

    def by_coordinator(self, _: EventData) -> bool:
        return self.actor.role == Role.COORDINATOR

    def has_candidate(self, _: EventData) -> bool:
        return self.event.has_candidate

    def offer_open(self, _: EventData) -> bool:
        return self.casus.offered_to is not None

    def for_screening(self, _: EventData) -> bool:
        """An offer to screen: the advice asks for screening, and none has been recorded."""
        return self.casus.outcome == SCREENING and self.casus.screening_outcome is None

    def screened_geen_inzet(self, _: EventData) -> bool:
        return self.event.screening == ScreeningOutcome.GEEN_INZET

    def screened_signalerend(self, _: EventData) -> bool:
        return self.event.screening == ScreeningOutcome.SIGNALEREND

    def screened_procesregie(self, _: EventData) -> bool:
        return self.event.screening == ScreeningOutcome.PROCESREGIE

    # --- what to tell whom ---------------------------------------------------------------

    def _tell(self, to: Recipient, about: About) -> None:
        self.notices.append(Notice(to, about))

    def tell_candidate(self, _: EventData) -> None:
        self._tell(Recipient.CANDIDATE, About.OFFER)

    def tell_oov(self, _: EventData) -> None:
        self._tell(Recipient.MELDER, About.NAAR_OOV)
        self._tell(Recipient.HOLDER, About.BIJ_OOV)

    def tell_offered_expired(self, _: EventData) -> None:
        self._tell(Recipient.OFFERED, About.OFFER_EXPIRED)

    def tell_offered_expired_to_oov(self, _: EventData) -> None:
        self._tell(Recipient.OFFERED, About.OFFER_EXPIRED_TO_OOV)

    def tell_offered_withdrawn(self, _: EventData) -> None:
        if self.casus.offered_to is not None:
            self._tell(Recipient.OFFERED, About.OFFER_WITHDRAWN)

    def tell_offered_reassigned(self, _: EventData) -> None:
        if self.casus.offered_to is not None:
            self._tell(Recipient.OFFERED, About.OFFER_REASSIGNED)

    def tell_former_holder(self, _: EventData) -> None:
        if self.casus.holder_id is not None:
            self._tell(Recipient.FORMER_HOLDER, About.REASSIGNED_AWAY)

    def tell_melder_afgeweken(self, _: EventData) -> None:
        self._tell(Recipient.MELDER, About.AFGEWEKEN)

    def tell_melder_heropend(self, _: EventData) -> None:
        self._tell(Recipient.MELDER, About.HEROPEND)

    def tell_offered_reminder(self, _: EventData) -> None:
        self._tell(Recipient.OFFERED, About.REMINDER)

    def tell_melder_opgepakt(self, _: EventData) -> None:
        self._tell(Recipient.MELDER, About.OPGEPAKT)

    def tell_melder_in_screening(self, _: EventData) -> None:
        self._tell(Recipient.MELDER, About.IN_SCREENING)

    def tell_melder_screened(self, _: EventData) -> None:
        self._tell(Recipient.MELDER, About.SCREENED)

    def tell_melder_overgedragen(self, _: EventData) -> None:
        self._tell(Recipient.MELDER, About.OVERGEDRAGEN)

    def tell_melder_closed(self, _: EventData) -> None:
        self._tell(Recipient.MELDER, About.GESLOTEN)

    def tell_melder_released(self, _: EventData) -> None:
        self._tell(Recipient.MELDER, About.RELEASED)

    def tell_melder_released_to_oov(self, _: EventData) -> None:
        self._tell(Recipient.MELDER, About.RELEASED_TO_OOV)

    def tell_holder_bij_oov(self, _: EventData) -> None:
        self._tell(Recipient.HOLDER, About.BIJ_OOV)


def _definition() -> dict[str, Any]:
    return {
        "states": [status.value for status in CasusStatus],
        "transitions": TRANSITIONS,
        "initial": S.AANGEMELD.value,
        "auto_transitions": False,
        "send_event": True,
    }


class Lifecycle:
    """The one machine every casus moves through; a step attaches one casus, triggers, detaches."""

    def __init__(self) -> None:
        self.machine = Machine(model=None, **_definition())
        self._model = _Casus()  # a step runs to its end without awaiting anything
        self.machine.add_model(self._model)

    def step(self, casus: CasusView, actor: Actor, event: Event) -> Move | Refusal:
        model = self._model
        model.load(casus, actor, event)
        if event.trigger.value not in self.machine.get_triggers(casus.status.value):
            return Refusal.NOT_NOW
        moved = self.machine.events[event.trigger.value].trigger(model)
        if moved:
            return Move(CasusStatus(model.state), tuple(model.notices))
        if not event.has_candidate and isinstance(
            self.step(casus, actor, replace(event, has_candidate=True)), Move
        ):
            return Refusal.NOBODY_AVAILABLE
        return self._why_not(casus, actor)

    def allows(
        self, casus: CasusView, actor: Actor, trigger: Trigger, has_candidate: bool | None = None
    ) -> bool:
        """Whether `actor` may trigger it now: what a casus card offers as buttons. For any
        outcome of matching, unless `has_candidate` says whether it found someone."""
        found = (True, False) if has_candidate is None else (has_candidate,)
        events = [Event(trigger, has_candidate=f) for f in found]
        if trigger == Trigger.SCREEN:
            events = [Event(trigger, True, outcome) for outcome in ScreeningOutcome]
        return any(isinstance(self.step(casus, actor, event), Move) for event in events)

    @staticmethod
    def _why_not(casus: CasusView, actor: Actor) -> Refusal:
        acting_on_it = actor.person_id is not None and actor.person_id in (
            casus.offered_to,
            casus.holder_id,
        )
        return Refusal.NOT_NOW if acting_on_it or actor.is_system else Refusal.NOT_YOURS


def diagram() -> str:
    """The lifecycle as a Mermaid state diagram, drawn from the same definition."""
    graph = GraphMachine(
        model=None,
        graph_engine="mermaid",
        show_conditions=True,
        title="regiebot: de levensloop van een casus",
        **_definition(),
    )
    model = _Casus()
    model.load(CasusView(S.AANGEMELD, SCREENING), SYSTEM, Event(Trigger.OFFER))
    graph.add_model(model)
    return str(model.get_graph().source)

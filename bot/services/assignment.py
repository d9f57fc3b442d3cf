"""The casus after its aanmelding: offered to the regisseur matching finds, accepted, declined
with a reason, reminded and timed out, screened, handed over by OOV, closed; and what the
coördinatoren do: every casus listed (/casussen), given elsewhere than advised (afwijken),
reopened.

Each action is one unit of work: lock the casus, let the lifecycle (conversation/casus.py) decide,
then write the casus, the offer, an audit entry and the outbox rows for everyone else it concerns,
together. The one who acts gets a `Card` back for their own chat; the rest goes through the
outbox. Typed reasons and notes arrive through the chat's state row (`awaiting` = this
service's `name`, `awaiting_about` = what the text is for, and "@<message id>" of the channel's
message that asked, which the answer closes), as a `TextDialogue`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.casussen import acting_now, partij_name, person_line
from bot.services.clock import Clock
from bot.services.dates import shown_date, shown_moment
from bot.services.groups import card_lines, may_see_groups
from bot.services.turn import Turn, asked, asking
from conversation import casus_texts as say
from conversation import group_texts
from conversation.answers import answer_lines
from conversation.casus import (
    SYSTEM,
    About,
    Actor,
    CasusView,
    Event,
    Lifecycle,
    Move,
    Recipient,
    Refusal,
    Trigger,
)
from conversation.casus_texts import Action, Card, CasusFacts
from conversation.messages import Reply, Typed
from rules import Schema
from rules.matching import (
    OOV_PARTIJ,
    SCREENING,
    SCREENING_PARTIJ,
    Regisseur,
    best,
    needs_of,
)
from rules.vocabulary import AssignmentStatus, CasusStatus, Role, ScreeningOutcome
from storage import Assignments, AuditLog, Casussen, Database, Intake, IntakeStates, Outbox, People
from storage.models import Assignment, Casus

log = logging.getLogger(__name__)

MAX_REASON = 500  # characters of a typed reason or note
LISTED = 20  # casussen /mijn lists; one message stays readable on a phone
PAGE = 10  # casussen per page of /casussen
CHOICES = 90  # regisseurs an afwijken offers as buttons; Telegram allows 100 on a message


@dataclass(frozen=True, slots=True)
class Who:
    """The person acting, as the channel's gate knows them."""

    person_id: int
    role: Role
    chat_id: int
    message_id: int | None = None  # the channel's message pressed on, where it has one

    @property
    def actor(self) -> Actor:
        return Actor(self.person_id, self.role)


@dataclass(frozen=True, slots=True)
class Filters:
    """What /casussen shows: a status (or `open`, or every one when empty), a partij, an age
    (`7`, `30` days or `oud`), and the page."""

    status: str = ""
    partij: str = ""
    age: str = ""
    page: int = 0


@dataclass(frozen=True, slots=True)
class Listing:
    """One page of /casussen: its text, and the casussen on it as (reference, id)."""

    text: str
    casussen: tuple[tuple[str, int], ...]
    filters: Filters
    pages: int


@dataclass(frozen=True, slots=True)
class Moved:
    """A casus that went on when the one it was offered to, or who held it, was deactivated:
    where it is now."""

    reference: str
    status: CasusStatus
    partij_name: str | None  # the partij that must act on it now
    offered: bool  # it was offered to them (else they held it)


@dataclass(frozen=True, slots=True)
class TimerRun:
    reminded: int = 0
    expired: int = 0
    available: int = 0  # OOV holders told that someone suitable is available again


class AssignmentService:
    name = "casus"  # in a chat's state row, when a reason or note is awaited

    def __init__(
        self,
        database: Database,
        schema: Schema,
        *,
        clock: Clock,
        answer_within: timedelta = timedelta(hours=24),
    ) -> None:
        self.database = database
        self.schema = schema
        self.answer_within = answer_within
        self.clock = clock
        self.lifecycle = Lifecycle()

    # --- a new casus --------------------------------------------------------------------------

    async def offer_new(self, session: AsyncSession, casus: Casus) -> tuple[str, ...]:
        """The first offer of a casus just stored, in the unit of work that stored it. Returns
        what the melder is told (nobody could take it): they are in the chat whose update this
        is, so it comes with the advice rather than through the outbox."""
        told: list[str] = []
        await self._move(session, casus, SYSTEM, Event(Trigger.OFFER), here=(casus.chat_id, told))
        return tuple(told)

    # --- buttons ------------------------------------------------------------------------------

    async def press(self, who: Who, action: str, subject: str) -> Card:
        """A button on a casus message; the card that message becomes."""
        async with self.database.transaction() as session:
            # The chat's state row before the casus, as a typed reason takes them: two units of
            # work of one chat never wait for each other's locks.
            await IntakeStates(session).lock(who.chat_id)
            return await self._press(session, who, action, subject)

    async def _press(self, session: AsyncSession, who: Who, action: str, subject: str) -> Card:
        if action in ("accept", "decline") or action.startswith("why-"):
            return await self._on_offer(session, who, action, subject)
        if action == "nonote":
            return await self._without_text(session, who, subject)
        if action.startswith("afr-"):  # subject: "<casus id>.<regisseur id, 0: the next>"
            casus_id, _, regisseur = subject.partition(".")
            return await self._choose_regisseur(
                session, who, casus_id, action.removeprefix("afr-"), regisseur
            )
        if not subject.isdigit():
            return Card(say.STALE)
        casus = await Casussen(session).lock(int(subject))
        if casus is not None and action == "handover" and casus.status != CasusStatus.BIJ_OOV:
            return Card(say.HANDED_OVER.format(reference=casus.reference))  # a second press
        if casus is None or not await self._may_see(session, who, casus):
            return Card(say.REFUSED[Refusal.NOT_YOURS])
        if action == "card":
            return await self.card(session, who, casus)
        if action == "back":
            await self._await(session, who, None)
            return await self.card(session, who, casus)
        if action.startswith("screen-") and action[7:] in set(ScreeningOutcome):
            return await self._ask_text(
                session, who, casus, Trigger.SCREEN, f"screen-{action[7:]}:{casus.id}"
            )
        if action == "close":
            return await self._ask_text(session, who, casus, Trigger.CLOSE, f"close:{casus.id}")
        if action == "betrokken" or action.startswith("bet-"):
            return await self._betrokken(session, who, casus, action.removeprefix("bet-"))
        if action == "handover":
            return await self._hand_over(session, who, casus)
        if action == "afw" or action.startswith("afw-"):
            return await self._reassign_to(session, who, casus, action.removeprefix("afw-"))
        if action == "reopen":
            return await self._ask_reason(session, who, casus, Trigger.REOPEN, "reopen", "")
        return Card(say.STALE)

    async def _on_offer(self, session: AsyncSession, who: Who, action: str, subject: str) -> Card:
        offer = await Assignments(session).get(int(subject)) if subject.isdigit() else None
        if offer is None or offer.regisseur_id != who.person_id:
            return Card(say.REFUSED[Refusal.NOT_YOURS])
        casus = await Casussen(session).lock(offer.casus_id)
        assert casus is not None
        await session.refresh(offer)  # as it is now that the casus is locked
        if offer.status != AssignmentStatus.AANGEBODEN:
            return Card(say.OFFER_ANSWERED[offer.status].format(reference=casus.reference))
        if action == "accept":
            await self._await(session, who, None)
            return await self._act(session, who, casus, Event(Trigger.ACCEPT))
        if action == "decline":
            await self._await(session, who, f"decline:{subject}")
            return say.decline_question(casus.reference, int(subject))
        code = action.removeprefix("why-")
        if code not in say.DECLINE_REASONS:
            return Card(say.STALE)
        await self._await(session, who, None)
        return await self._act(
            session, who, casus, Event(Trigger.DECLINE), reason_code=code, reason=None
        )

    # --- typed reasons and notes (TextDialogue) ------------------------------------------------

    async def step(
        self, session: AsyncSession, saved: Intake, event: Typed, melder_id: int | None
    ) -> Turn:
        """A typed reason or note, for what the chat's state row says it is about."""
        text = event.text.strip()
        about, asked_in = asked(saved.awaiting_about)
        problem = say.reason_problem(text, MAX_REASON, say.when_empty(about.partition(":")[0]))
        if problem is not None:  # the same question stands
            await IntakeStates(session).save(saved, now=self.clock())
            return Turn((Reply(problem),))
        await IntakeStates(session).save(
            replace(saved, awaiting=None, awaiting_about=None), now=self.clock()
        )
        person = await People(session).get(melder_id) if melder_id is not None else None
        if person is None or person.id is None:
            return Turn((), card=Card(say.STALE))
        who = Who(person.id, person.role, saved.chat_id)
        card = await self._apply_awaited(session, who, about, text)
        return Turn((), say.typed_answer(text), asked_in, card)

    async def _without_text(self, session: AsyncSession, who: Who, about: str) -> Card:
        """ "Zonder toelichting": what waited for a note happens without one."""
        saved = await IntakeStates(session).lock(who.chat_id)
        if saved is None or saved.awaiting != self.name or asked(saved.awaiting_about)[0] != about:
            return Card(say.STALE)
        await IntakeStates(session).save(
            replace(saved, awaiting=None, awaiting_about=None), now=self.clock()
        )
        return await self._apply_awaited(session, who, about, None)

    async def _apply_awaited(
        self, session: AsyncSession, who: Who, about: str, text: str | None
    ) -> Card:
        kind, _, subject = about.partition(":")
        if kind == "decline":
            offer = await Assignments(session).get(int(subject))
            if offer is None or offer.regisseur_id != who.person_id:
                return Card(say.STALE)
            casus = await Casussen(session).lock(offer.casus_id)
            assert casus is not None
            await session.refresh(offer)  # as it is now that the casus is locked
            if offer.status != AssignmentStatus.AANGEBODEN:
                return Card(say.OFFER_ANSWERED[offer.status].format(reference=casus.reference))
            return await self._act(
                session, who, casus, Event(Trigger.DECLINE), reason_code="anders", reason=text
            )
        casus = await Casussen(session).lock(int(subject)) if subject.isdigit() else None
        if casus is None:
            return Card(say.STALE)
        if kind == "close":
            return await self._act(session, who, casus, Event(Trigger.CLOSE), reason=text)
        if kind.startswith("afw."):
            partij, _, regisseur = kind.removeprefix("afw.").rpartition(".")
            return await self._reassign(session, who, casus, partij, int(regisseur), text)
        if kind == "reopen":
            if text is None:  # a reason is required; no button offers to go without
                return Card(say.STALE)
            return await self._act(session, who, casus, Event(Trigger.REOPEN), reason=text)
        if kind.startswith("screen-"):
            outcome = ScreeningOutcome(kind.removeprefix("screen-"))
            return await self._act(
                session, who, casus, Event(Trigger.SCREEN, screening=outcome), reason=text
            )
        return Card(say.STALE)

    async def _ask_text(
        self, session: AsyncSession, who: Who, casus: Casus, trigger: Trigger, about: str
    ) -> Card:
        """Asks a note (screening) or a reason (closing), if the action is allowed now."""
        view = await self._view(session, casus)
        if not self.lifecycle.allows(view, who.actor, trigger):
            return await self._refused(session, who, casus, Refusal.NOT_NOW)
        await self._await(session, who, about)
        assert casus.id is not None
        back = Action("Terug", "back", str(casus.id))
        if trigger == Trigger.CLOSE:
            return Card(say.CLOSE_QUESTION.format(reference=casus.reference), (back,))
        outcome = ScreeningOutcome(about.split(":")[0].removeprefix("screen-"))
        return Card(
            say.NOTE_QUESTION.format(
                reference=casus.reference, outcome=say.SCREENING_LABEL[outcome].lower()
            ),
            (Action("Zonder toelichting", "nonote", about), back),
        )

    async def _await(self, session: AsyncSession, who: Who, about: str | None) -> None:
        """The chat's next typed text is for `about` (None: for nothing of this service)."""
        states = IntakeStates(session)
        saved = await states.lock(who.chat_id)
        if saved is None:
            if about is None:
                return
            saved = await states.lock_or_create(who.chat_id, "start", now=self.clock())
        awaiting = self.name if about is not None else None
        if about is not None:
            about = asking(about, who.message_id)
        if saved.awaiting == self.name or about is not None:
            await states.save(
                replace(saved, awaiting=awaiting, awaiting_about=about), now=self.clock()
            )

    # --- the casus card and /mijn ------------------------------------------------------------

    async def mine(self, who: Who) -> Card:
        """The regisseur's open casussen, newest first, each a button to its card."""
        async with self.database.reading() as session:
            casussen = await Casussen(session).of_regisseur(who.person_id)
            if not casussen:
                return Card(say.NOTHING_MINE)
            shown = casussen[:LISTED]
            facts = [await self._facts(session, casus) for casus in shown]
        lines = [say.MINE, *(say.card_line(f) for f in facts)]
        if len(casussen) > LISTED:
            lines.append(say.MORE.format(count=len(casussen) - LISTED))
        actions = tuple(Action(casus.reference, "card", str(casus.id)) for casus in shown)
        return Card("\n".join(lines), actions)

    async def card(self, session: AsyncSession, who: Who, casus: Casus) -> Card:
        view = await self._view(session, casus)
        assert casus.id is not None
        subject = str(casus.id)
        actions: list[Action] = []
        offer = await Assignments(session).open_offer(casus.id)
        if offer is not None and offer.regisseur_id == who.person_id:
            actions += say.offer(await self._facts(session, casus), offer.id or 0).actions
        if self.lifecycle.allows(view, who.actor, Trigger.SCREEN):
            actions += [
                Action(say.SCREENING_LABEL[o], f"screen-{o.value}", subject)
                for o in ScreeningOutcome
            ]
        if self.schema.betrokken_question is not None and self.lifecycle.allows(
            view, who.actor, Trigger.ADD_BETROKKEN
        ):
            actions.append(Action("Betrokkenen aanvullen", "betrokken", subject))
        if self.lifecycle.allows(
            view, who.actor, Trigger.HAND_OVER, await self._someone_for_hand_over(session, casus)
        ):
            actions.append(Action("Overdragen", "handover", subject))
        if self.lifecycle.allows(view, who.actor, Trigger.CLOSE):
            actions.append(Action("Sluiten", "close", subject))
        if casus.group_id is not None and await self._sees_groups(session, who):
            actions.append(Action(group_texts.BUTTON, group_texts.VIEW, str(casus.group_id)))
        if who.role != Role.COORDINATOR:
            return say.card(await self._facts(session, casus), tuple(actions))
        if self.lifecycle.allows(view, who.actor, Trigger.REASSIGN):
            actions.append(Action("Afwijken", "afw", subject))
        if self.lifecycle.allows(view, who.actor, Trigger.REOPEN):
            actions.append(Action("Heropenen", "reopen", subject))
        facts = replace(
            await self._facts(session, casus), history=await self._history(session, casus)
        )
        await AuditLog(session).record(
            "kaart_bekeken",
            actor_id=who.person_id,
            casus_reference=casus.reference,
            at=self.clock(),
        )
        return say.card(facts, tuple(actions))

    async def _sees_groups(self, session: AsyncSession, who: Who) -> bool:
        person = await People(session).get(who.person_id)
        return person is not None and may_see_groups(person.role, person.partij)

    async def _may_see(self, session: AsyncSession, who: Who, casus: Casus) -> bool:
        """Coördinatoren, the holder, and whoever it is offered to now or who took it on; not
        who declined it or let it pass."""
        if who.role == Role.COORDINATOR or casus.holder_id == who.person_id:
            return True
        assert casus.id is not None
        offers = await Assignments(session).of_casus(casus.id)
        involved = (AssignmentStatus.AANGEBODEN, AssignmentStatus.GEACCEPTEERD)
        return any(o.regisseur_id == who.person_id and o.status in involved for o in offers)

    # --- the coördinatoren: every casus, afwijken, reopening --------------------------------------

    async def listing(self, who: Who, filters: Filters) -> Listing | None:
        """A page of every casus the filters let through, newest first; None for anyone but a
        coördinator."""
        if who.role != Role.COORDINATOR:
            return None
        now = self.clock()
        after = before = None
        if filters.age in ("7", "30"):
            after = now - timedelta(days=int(filters.age))
        elif filters.age == "oud":
            before = now - timedelta(days=30)
        statuses: list[CasusStatus] = [
            s
            for s in CasusStatus
            if s == filters.status
            or (filters.status == say.OPEN_FILTER and s != CasusStatus.GESLOTEN)
        ]
        async with self.database.reading() as session:
            repository = Casussen(session)

            async def page(number: int) -> tuple[Sequence[Casus], int]:
                return await repository.listed(
                    statuses=statuses,
                    partij=filters.partij or None,
                    created_after=after,
                    created_before=before,
                    offset=number * PAGE,
                    limit=PAGE,
                )

            casussen, total = await page(filters.page)
            pages = max(1, -(-total // PAGE))
            if filters.page >= pages:  # fewer casussen than when the button was made
                filters = replace(filters, page=pages - 1)
                casussen, total = await page(filters.page)
            facts = [await self._facts(session, casus, melder=False) for casus in casussen]
        shown = self._filters_text(filters)
        if not casussen:
            return Listing(say.LIST_EMPTY.format(filters=shown), (), filters, pages)
        first = filters.page * PAGE + 1
        head = say.LIST_HEAD.format(
            filters=shown, first=first, last=first + len(casussen) - 1, total=total
        )
        text = say.fitting("\n".join((head, *(say.card_line(f) for f in facts))))
        found = tuple((c.reference, c.id) for c in casussen if c.id is not None)
        return Listing(text, found, filters, pages)

    def _filters_text(self, filters: Filters) -> str:
        parts = []
        if filters.status == say.OPEN_FILTER:
            parts.append("open")
        elif filters.status in set(CasusStatus):
            parts.append(say.STATUS_TEXT[CasusStatus(filters.status)])
        if filters.partij:
            parts.append(partij_name(self.schema, filters.partij) or filters.partij)
        if filters.age in say.AGES:
            parts.append(say.AGES[filters.age])
        return f" ({'; '.join(parts)})" if parts else ""

    async def _reassign_to(
        self, session: AsyncSession, who: Who, casus: Casus, partij: str
    ) -> Card:
        """Afwijken, first the partij, then who of it: the choices as buttons."""
        view = await self._view(session, casus)
        if who.role != Role.COORDINATOR:
            return Card(say.COORDINATORS_ONLY)
        if not self.lifecycle.allows(view, who.actor, Trigger.REASSIGN):
            return await self._refused(session, who, casus, Refusal.NOT_NOW)
        assert casus.id is not None
        back = Action("Terug", "back", str(casus.id))
        if partij not in self.schema.partij_by_code:
            return Card(
                say.REASSIGN_PARTIJ.format(
                    reference=casus.reference, partij=casus.stored_advice.partij_name
                ),
                (
                    *(Action(p.name, f"afw-{p.code}", str(casus.id)) for p in self.schema.partijen),
                    back,
                ),
            )
        people = People(session)
        offer = await Assignments(session).open_offer(casus.id)
        now_with = {casus.holder_id, offer.regisseur_id if offer is not None else None}
        regisseurs = [r for r in await people.for_matching(partij) if r.person_id not in now_with]
        regisseurs = regisseurs[:CHOICES]
        names = [
            (r.person_id, person_line(self.schema, await people.get(r.person_id)))
            for r in regisseurs
        ]
        name = partij_name(self.schema, partij)
        return Card(
            say.REASSIGN_REGISSEUR.format(partij=name, reference=casus.reference),
            (
                Action(say.NEXT_AVAILABLE, f"afr-{partij}", f"{casus.id}.0"),
                *(Action(text or str(i), f"afr-{partij}", f"{casus.id}.{i}") for i, text in names),
                Action("Andere partij", "afw", str(casus.id)),
                back,
            ),
        )

    async def _choose_regisseur(
        self, session: AsyncSession, who: Who, casus_id: str, partij: str, regisseur: str
    ) -> Card:
        """The regisseur chosen (or the next available): now the mandatory typed reason."""
        if (
            not (casus_id.isdigit() and regisseur.isdigit())
            or partij not in self.schema.partij_by_code
        ):
            return Card(say.STALE)
        casus = await Casussen(session).lock(int(casus_id))
        if casus is None or who.role != Role.COORDINATOR:
            return Card(say.COORDINATORS_ONLY if casus is not None else say.STALE)
        chosen = await self._chosen(session, casus, partij, int(regisseur))
        if chosen is None:
            name = partij_name(self.schema, partij)
            return Card(
                say.NOBODY_AVAILABLE.format(partij=name, reference=casus.reference),
                (
                    Action("Andere keuze", f"afw-{partij}", casus_id),
                    Action("Terug", "back", casus_id),
                ),
            )
        person = await People(session).get(chosen.person_id) if int(regisseur) else None
        target = (
            person_line(self.schema, person)
            if person
            else f"een regisseur van {partij_name(self.schema, partij)}"
        )
        return await self._ask_reason(
            session, who, casus, Trigger.REASSIGN, f"afw.{partij}.{regisseur}", target or ""
        )

    async def _ask_reason(
        self,
        session: AsyncSession,
        who: Who,
        casus: Casus,
        trigger: Trigger,
        kind: str,
        target: str,
    ) -> Card:
        """The mandatory reason of an afwijken or a reopening, typed next in this chat."""
        if who.role != Role.COORDINATOR:
            return Card(say.COORDINATORS_ONLY)
        view = await self._view(session, casus)
        if not self.lifecycle.allows(view, who.actor, trigger):
            return await self._refused(session, who, casus, Refusal.NOT_NOW)
        assert casus.id is not None
        await self._await(session, who, f"{kind}:{casus.id}")
        question = say.REOPEN_QUESTION if trigger == Trigger.REOPEN else say.REASSIGN_QUESTION
        return Card(
            question.format(reference=casus.reference, who=target),
            (Action("Terug", "back", str(casus.id)),),
        )

    async def _chosen(
        self, session: AsyncSession, casus: Casus, partij: str, regisseur_id: int
    ) -> Regisseur | None:
        """Who of `partij` the coördinator chose, if they can still be reached; 0: whoever
        matching finds first, other than who has or is offered it now."""
        regisseurs = await People(session).for_matching(partij)
        if regisseur_id:
            return next((r for r in regisseurs if r.person_id == regisseur_id), None)
        assert casus.id is not None
        offer = await Assignments(session).open_offer(casus.id)
        now_with = {casus.holder_id, offer.regisseur_id if offer else None} - {None}
        needs = needs_of(self.schema, casus.answers)
        return best(regisseurs, needs, self.clock(), {i for i in now_with if i is not None})

    async def _reassign(
        self,
        session: AsyncSession,
        who: Who,
        casus: Casus,
        partij: str,
        regisseur_id: int,
        reason: str | None,
    ) -> Card:
        """Afwijken with its reason: the casus offered to the chosen regisseur. The audit entry
        keeps the old advice and the new choice; the reason stays on the casus (retention)."""
        if who.role != Role.COORDINATOR or partij not in self.schema.partij_by_code:
            return Card(say.COORDINATORS_ONLY)
        chosen = await self._chosen(session, casus, partij, regisseur_id)
        if chosen is None or not reason:
            assert casus.id is not None
            return Card(
                say.NOBODY_AVAILABLE.format(
                    partij=partij_name(self.schema, partij), reference=casus.reference
                ),
                (Action("Terug", "back", str(casus.id)),),
            )
        details = {
            "old_partij": self._partij_to_act(casus),
            "old_rule": casus.rule,
            "new_partij": partij,
            "new_regisseur_id": chosen.person_id,
        }
        return await self._act(
            session,
            who,
            casus,
            Event(Trigger.REASSIGN),
            reason=reason,
            chosen=(partij, chosen),
            details=details,
        )

    async def _history(self, session: AsyncSession, casus: Casus) -> tuple[str, ...]:
        """The casus's audit entries as the card shows them: when and what, no free text."""
        lines = []
        for entry in await AuditLog(session).of_casus(casus.reference):
            new_partij = entry.details.get("new_partij") if entry.action == "afgeweken" else None
            line = say.history_line(
                shown_moment(entry.at), entry.action, partij_name(self.schema, new_partij)
            )
            if line is not None:
                lines.append(line)
        return tuple(lines[-say.HISTORY_SHOWN :])

    # --- betrokken and hand-over ---------------------------------------------------------------

    async def _betrokken(self, session: AsyncSession, who: Who, casus: Casus, code: str) -> Card:
        """The organisations screening found involved: a toggle per partij, "Klaar" to the card."""
        question = self.schema.betrokken_question
        view = await self._view(session, casus)
        if question is None or not self.lifecycle.allows(view, who.actor, Trigger.ADD_BETROKKEN):
            return await self._refused(session, who, casus, Refusal.NOT_NOW)
        if code in question.option_by_code:
            found = list(casus.found_betrokken)
            added = code not in found
            casus.found_betrokken = [*found, code] if added else [c for c in found if c != code]
            session.add(casus)
            await AuditLog(session).record(
                "betrokkene_toegevoegd" if added else "betrokkene_verwijderd",
                actor_id=who.person_id,
                casus_reference=casus.reference,
                details={"partij": code},
                at=self.clock(),
            )
        named = set(_codes(casus.answers.get(question.id)))
        assert casus.id is not None
        toggles = tuple(
            Action(
                ("✓ " if option.code in casus.found_betrokken else "") + option.label,
                f"bet-{option.code}",
                str(casus.id),
            )
            for option in question.options
            if option.code not in named
        )
        return Card(
            say.BETROKKEN_QUESTION.format(reference=casus.reference),
            (*toggles, Action("Klaar", "card", str(casus.id))),
        )

    async def _hand_over(self, session: AsyncSession, who: Who, casus: Casus) -> Card:
        card = await self._act(session, who, casus, Event(Trigger.HAND_OVER))
        if casus.status == CasusStatus.BIJ_OOV:  # nobody after all: look again next round
            casus.handover_noted_at = None
            session.add(casus)
        return card

    # --- timers -------------------------------------------------------------------------------

    async def run_timers(self) -> TimerRun:
        """Reminders at half-time, expired offers to the next candidate, and OOV holders told
        when someone suitable is available again. Each in its own unit of work; every row is
        re-read under the casus's lock, so with several processes each timer fires once."""
        now = self.clock()
        reminded = expired = available = 0
        for column, trigger in (("remind_at", Trigger.REMIND), ("expires_at", Trigger.EXPIRE)):
            async with self.database.transaction() as session:
                due = [(a.id, a.casus_id) for a in await Assignments(session).due(column, now)]
            for offer_id, casus_id in due:
                async with self.database.transaction() as session:
                    if await self._fire(session, offer_id, casus_id, column, trigger, now):
                        reminded += trigger == Trigger.REMIND
                        expired += trigger == Trigger.EXPIRE
        for casus_id in await self._waiting_with_someone_available(now):
            async with self.database.transaction() as session:
                available += await self._tell_oov_if_available(session, casus_id, now)
        return TimerRun(reminded, expired, available)

    async def _waiting_with_someone_available(self, now: datetime) -> list[int]:
        """The casussen OOV holds, not yet noted, of a partij with someone available: matching
        asked once per partij rather than once per casus, every round."""
        async with self.database.transaction() as session:
            waiting = await Casussen(session).waiting_at_oov()
            partijen = {self._partij_to_act(casus) for casus in waiting} - {OOV_PARTIJ}
            people = People(session)
            open_partijen = {
                partij
                for partij in partijen
                if any(r.is_available(now) for r in await people.for_matching(partij))
            }
        return [c.id for c in waiting if c.id and self._partij_to_act(c) in open_partijen]

    async def _fire(
        self,
        session: AsyncSession,
        offer_id: int | None,
        casus_id: int,
        column: str,
        trigger: Trigger,
        now: datetime,
    ) -> bool:
        casus = await Casussen(session).lock(casus_id)
        offer = await Assignments(session).get(offer_id or 0)
        if casus is None or offer is None:
            return False
        await session.refresh(offer)
        due_at = getattr(offer, column)
        if offer.status != AssignmentStatus.AANGEBODEN or due_at is None or due_at > now:
            return False  # answered, or fired by another process meanwhile
        if trigger == Trigger.REMIND and offer.expires_at is not None and offer.expires_at <= now:
            return False  # too late to remind: it expires in this same round
        move = await self._move(session, casus, SYSTEM, Event(trigger), now=now)
        return isinstance(move, Move)

    async def _someone_for_hand_over(
        self, session: AsyncSession, casus: Casus, now: datetime | None = None
    ) -> bool:
        """Whether a casus OOV holds has someone to go to now, as a hand-over would find them."""
        partij = self._partij_to_act(casus)
        if casus.status != CasusStatus.BIJ_OOV or partij == OOV_PARTIJ:
            return False
        regisseurs = await People(session).for_matching(partij)
        return await self._candidate(session, casus, regisseurs, now or self.clock()) is not None

    async def _tell_oov_if_available(
        self, session: AsyncSession, casus_id: int, now: datetime
    ) -> bool:
        casus = await Casussen(session).lock(casus_id)
        if casus is None or casus.status != CasusStatus.BIJ_OOV or casus.handover_noted_at:
            return False
        if not await self._someone_for_hand_over(session, casus, now):
            return False
        partij = self._partij_to_act(casus)
        casus.handover_noted_at = now
        session.add(casus)
        facts = await self._facts(session, casus, acting=partij)
        assert casus.id is not None
        card = say.available_again(facts, casus.id)
        for chat in await self._chats_of_holder_or_coordinators(session, casus):
            await self._send(session, chat, card, casus.reference)
        await AuditLog(session).record(
            "regisseur_beschikbaar",
            casus_reference=casus.reference,
            details={"partij": partij},
            at=now,
        )
        return True

    # --- moving a casus -------------------------------------------------------------------------

    async def _act(
        self,
        session: AsyncSession,
        who: Who,
        casus: Casus,
        event: Event,
        *,
        reason: str | None = None,
        reason_code: str | None = None,
        chosen: tuple[str, Regisseur] | None = None,
        details: dict[str, object] | None = None,
    ) -> Card:
        """An action by the person in `who`; the card their message becomes, with anything the
        move tells them (an OOV regisseur who declines may be the one OOV has hold it)."""
        told: list[str] = []
        move = await self._move(
            session,
            casus,
            who.actor,
            event,
            reason=reason,
            reason_code=reason_code,
            here=(who.chat_id, told),
            chosen=chosen,
            details=details,
        )
        if isinstance(move, Refusal):
            return await self._refused(session, who, casus, move)
        done = say.done(event.trigger, casus.status, casus.reference)
        if event.trigger == Trigger.DECLINE:
            return Card(say.fitting("\n\n".join((done, *told))))
        card = await self.card(session, who, casus)
        return Card(say.fitting("\n\n".join((done, *told, card.text))), card.actions)

    async def _refused(
        self, session: AsyncSession, who: Who, casus: Casus, refusal: Refusal
    ) -> Card:
        text = say.REFUSED[refusal].format(
            reference=casus.reference,
            status=say.STATUS_TEXT[casus.status],
            partij=partij_name(self.schema, self._partij_to_act(casus)),
        )
        if refusal == Refusal.NOT_YOURS:
            return Card(text)
        card = await self.card(session, who, casus)
        return Card(say.fitting(f"{text}\n\n{card.text}"), card.actions)

    async def _move(
        self,
        session: AsyncSession,
        casus: Casus,
        actor: Actor,
        event: Event,
        *,
        reason: str | None = None,
        reason_code: str | None = None,
        now: datetime | None = None,
        here: tuple[int | None, list[str]] | None = None,
        chosen: tuple[str, Regisseur] | None = None,
        details: dict[str, object] | None = None,
    ) -> Move | Refusal:
        """One step of the lifecycle on a locked casus, with everything it writes. `here`: the
        chat whose update this is, and the list that collects what it is told (by default the
        actor's chat, which their own reply informs). `chosen`: the partij and regisseur a
        coördinator gives it to (afwijken); `details`: more for its audit entry."""
        now = now or self.clock()
        assert casus.id is not None
        assignments = Assignments(session)
        first = event.trigger == Trigger.OFFER  # a casus just stored: nobody was offered it yet
        open_offer = None if first else await assignments.open_offer(casus.id)
        screening = event.screening
        partij = self._partij_to_act(casus, screening)
        candidate = None
        regisseurs: dict[str, list[Regisseur]] = {}
        if event.trigger in _OFFERING:  # who could take it, and who of OOV if nobody can
            regisseurs = await People(session).for_matching_in((partij, OOV_PARTIJ))
            candidate = await self._candidate(
                session,
                casus,
                regisseurs.get(partij, []),
                now,
                passed=not first and event.trigger != Trigger.REOPEN,
            )
        if chosen is not None:
            partij, candidate = chosen
        view = _view(casus, open_offer)
        move = self.lifecycle.step(view, actor, replace(event, has_candidate=candidate is not None))
        if isinstance(move, Refusal):
            return move
        trigger = event.trigger
        former_holder = None
        if trigger == Trigger.ACCEPT and open_offer is not None:
            await assignments.answer(open_offer, accepted=True, now=now)
            casus.holder_id, casus.holder_since = open_offer.regisseur_id, now
        elif trigger == Trigger.DECLINE and open_offer is not None:
            await assignments.answer(
                open_offer, accepted=False, reason=reason, reason_code=reason_code, now=now
            )
        elif trigger == Trigger.EXPIRE and open_offer is not None:
            assignments.close(open_offer, AssignmentStatus.VERLOPEN, now=now)
        elif trigger == Trigger.REMIND and open_offer is not None:
            open_offer.remind_at = None
            session.add(open_offer)
        elif trigger == Trigger.SCREEN:
            casus.screening_outcome, casus.screening_note = screening, reason
            if screening == ScreeningOutcome.PROCESREGIE:  # the screening chooses anew
                casus.afgeweken_partij = None
        elif trigger == Trigger.CLOSE:
            casus.close_reason, casus.closed_at = reason, now
            if open_offer is not None:
                assignments.close(open_offer, AssignmentStatus.INGETROKKEN, now=now)
        elif trigger == Trigger.HAND_OVER:
            casus.holder_id = casus.holder_since = casus.handover_noted_at = None
        elif trigger == Trigger.RELEASE:
            details = {**(details or {}), "regisseur_id": casus.holder_id}
            casus.holder_id = casus.holder_since = casus.handover_noted_at = None
            if casus.status == CasusStatus.BIJ_OOV:  # another of OOV holds it, if there is one
                oov = self._oov_holder(casus, regisseurs.get(OOV_PARTIJ, []), None, now)
                casus.holder_id = oov.person_id if oov is not None else None
                casus.holder_since = now if oov is not None else None
        elif trigger in (Trigger.REASSIGN, Trigger.REOPEN):
            if open_offer is not None:
                assignments.close(open_offer, AssignmentStatus.INGETROKKEN, now=now)
            former_holder = casus.holder_id
            casus.holder_id = casus.holder_since = casus.handover_noted_at = None
            casus.coordinator_reason = reason
            # The one free text the audit log keeps: why a coördinator went against the advice,
            # or reopened, so that choice can still be accounted for once retention has cleared
            # the casus (it never touches the audit log). It was checked for BSN, phone, e-mail
            # and address.
            details = {**(details or {}), "reden": reason}
            if trigger == Trigger.REASSIGN:
                casus.afgeweken_partij = partij
            else:
                casus.closed_at = casus.close_reason = None
        new_offer = None
        if candidate is not None and Recipient.CANDIDATE in {n.to for n in move.notices}:
            new_offer = await self._offer(session, casus, candidate, now)
        if move.status == CasusStatus.BIJ_OOV and casus.status != CasusStatus.BIJ_OOV:
            oov = self._oov_holder(casus, regisseurs.get(OOV_PARTIJ, []), open_offer, now)
            casus.holder_id = oov.person_id if oov is not None else None
            casus.holder_since, casus.handover_noted_at = now, None
        casus.status, casus.updated_at = move.status, now
        session.add(casus)
        await self._audit(
            session, casus, actor, event, move, open_offer, new_offer, reason_code, details, now
        )
        if here is None:
            here = (await self._chat_of(session, actor), [])
        await self._tell(session, casus, move, open_offer, new_offer, partij, here, former_holder)
        log.info(
            "casus %s: %s -> %s",
            casus.reference,
            trigger.value,
            move.status.value,
            extra={"casus": casus.reference},
        )
        return move

    async def _offer(
        self, session: AsyncSession, casus: Casus, regisseur: Regisseur, now: datetime
    ) -> Assignment:
        assert casus.id is not None
        offer = await Assignments(session).offer(
            casus.id,
            regisseur.person_id,
            now=now,
            remind_at=now + self.answer_within / 2,
            expires_at=now + self.answer_within,
        )
        person = await People(session).get(regisseur.person_id)
        assert person is not None
        person.last_assigned_at = now
        session.add(person)
        return offer

    def _oov_holder(
        self,
        casus: Casus,
        regisseurs: list[Regisseur],
        ended: Assignment | None,
        now: datetime,
    ) -> Regisseur | None:
        """Who of OOV holds a casus nobody else can take: someone other than whose offer just
        ended, when OOV has anyone else."""
        needs = needs_of(self.schema, casus.answers)
        other = best(regisseurs, needs, now, {ended.regisseur_id} if ended else set())
        return other or best(regisseurs, needs, now)

    def _partij_to_act(self, casus: Casus, screening: ScreeningOutcome | None = None) -> str:
        """The partij whose regisseur is asked next (rules.matching.partij_to_act)."""
        return acting_now(casus, screening)

    async def _candidate(
        self,
        session: AsyncSession,
        casus: Casus,
        regisseurs: list[Regisseur],
        now: datetime,
        *,
        passed: bool = True,
    ) -> Regisseur | None:
        """Who of `regisseurs` matching asks next; `passed`: leave out everyone offered this
        casus before (a casus just stored has nobody to leave out)."""
        assert casus.id is not None
        before = (
            {o.regisseur_id for o in await Assignments(session).of_casus(casus.id)}
            if passed
            else set()
        )
        return best(regisseurs, needs_of(self.schema, casus.answers), now, before)

    async def _anyone_after(self, session: AsyncSession, casus: Casus, partij: str) -> bool:
        """Whether matching has someone left for an offer of `partij` that goes unanswered now:
        who expiry would offer it to next (everyone offered it before is passed)."""
        regisseurs = await People(session).for_matching(partij)
        return await self._candidate(session, casus, regisseurs, self.clock()) is not None

    async def _view(self, session: AsyncSession, casus: Casus) -> CasusView:
        assert casus.id is not None
        return _view(casus, await Assignments(session).open_offer(casus.id))

    # --- audit and outbox -----------------------------------------------------------------------

    async def _audit(
        self,
        session: AsyncSession,
        casus: Casus,
        actor: Actor,
        event: Event,
        move: Move,
        open_offer: Assignment | None,
        new_offer: Assignment | None,
        reason_code: str | None,
        more: dict[str, object] | None,
        now: datetime,
    ) -> None:
        """One entry per thing that happened, without free text (the typed reason stays on the
        offer or the casus, where retention removes it)."""
        audit = AuditLog(session)
        details: dict[str, object] = {"status": move.status.value, **(more or {})}
        if open_offer is not None and event.trigger in _ABOUT_THE_OFFER:
            details["regisseur_id"] = open_offer.regisseur_id
        if reason_code is not None:
            details["reden"] = reason_code
        if event.screening is not None:
            details["uitkomst"] = event.screening.value
        if event.trigger != Trigger.OFFER:  # the first offer is told by what it led to
            await audit.record(
                _AUDITED[event.trigger],
                actor_id=actor.person_id,
                casus_reference=casus.reference,
                details=details,
                at=now,
            )
        if new_offer is not None:
            await audit.record(
                "aangeboden",
                casus_reference=casus.reference,
                details={"regisseur_id": new_offer.regisseur_id},
                at=now,
            )
        if move.status == CasusStatus.BIJ_OOV and event.trigger != Trigger.CLOSE:
            await audit.record(
                "naar_oov",
                casus_reference=casus.reference,
                details={"holder_id": casus.holder_id},
                at=now,
            )

    async def _tell(
        self,
        session: AsyncSession,
        casus: Casus,
        move: Move,
        open_offer: Assignment | None,
        new_offer: Assignment | None,
        partij: str,
        here: tuple[int | None, list[str]],
        former_holder: int | None = None,
    ) -> None:
        """The move's notices as outbox rows, except those to the chat whose update this is:
        they are collected in `here` for its reply."""
        if not move.notices:
            return
        offering = any(n.to == Recipient.CANDIDATE for n in move.notices)
        facts = await self._facts(session, casus, acting=partij, offer=new_offer, melder=offering)
        present, told = here
        for notice in move.notices:
            if notice.to == Recipient.CANDIDATE and new_offer is not None:
                chats = await self._chats(session, new_offer.regisseur_id)
                card = say.offer(facts, new_offer.id or 0)
            elif notice.to == Recipient.OFFERED and open_offer is not None:
                chats = await self._chats(session, open_offer.regisseur_id)
                if notice.about == About.REMINDER:
                    reminding = await self._facts(session, casus, acting=partij, offer=open_offer)
                    card = say.offer(reminding, open_offer.id or 0, reminder=True)
                else:
                    card = Card(say.notice(notice.about, facts))
            elif notice.to == Recipient.FORMER_HOLDER and former_holder is not None:
                chats = await self._chats(session, former_holder)
                card = Card(say.notice(notice.about, facts))
            elif notice.to == Recipient.MELDER:
                chats = [casus.chat_id] if casus.chat_id is not None else []
                card = Card(say.notice(notice.about, facts))
            elif notice.to == Recipient.HOLDER:
                if casus.holder_id is None:
                    chats = await self._chats_of_coordinators(session)
                    card = Card(say.nobody_at_oov(facts))
                else:
                    chats = await self._chats(session, casus.holder_id)
                    card = Card(say.notice(notice.about, facts))
            else:
                continue
            for chat in chats:
                if chat == present:
                    told.append(card.text)
                else:
                    await self._send(session, chat, card, casus.reference)

    async def _send(self, session: AsyncSession, chat_id: int, card: Card, reference: str) -> None:
        payload = {
            "text": card.text,
            "buttons": [
                {"label": a.label, "action": a.action, "subject": a.subject} for a in card.actions
            ],
        }
        await Outbox(session).add(chat_id, payload, reference, now=self.clock())

    async def _chats(self, session: AsyncSession, person_id: int) -> list[int]:
        """The person's chat, unless they cannot be reached (deactivated, blocked the bot)."""
        person = await People(session).get(person_id)
        if person is None or not person.active or person.blocked_at is not None:
            return []
        return [person.telegram_id] if person.telegram_id is not None else []

    async def _chat_of(self, session: AsyncSession, actor: Actor) -> int | None:
        if actor.person_id is None:
            return None
        person = await People(session).get(actor.person_id)
        return person.telegram_id if person is not None else None

    async def _chats_of_coordinators(self, session: AsyncSession) -> list[int]:
        return await People(session).coordinators()

    async def _chats_of_holder_or_coordinators(
        self, session: AsyncSession, casus: Casus
    ) -> list[int]:
        if casus.holder_id is not None:
            return await self._chats(session, casus.holder_id)
        return await self._chats_of_coordinators(session)

    async def _facts(
        self,
        session: AsyncSession,
        casus: Casus,
        *,
        acting: str | None = None,
        offer: Assignment | None = None,
        melder: bool = True,
    ) -> CasusFacts:
        """`melder`: whether the texts name the melder's organisation (an offer does)."""
        people = People(session)
        advice = casus.stored_advice
        reporter = (
            await people.get(casus.melder_id) if melder and casus.melder_id is not None else None
        )
        holder = await people.get(casus.holder_id) if casus.holder_id is not None else None
        question = self.schema.betrokken_question
        found = casus.found_betrokken if question is not None else []
        betrokken = [question.label_of(code) for code in found] if question is not None else []
        now = self.clock()
        acting = acting or self._partij_to_act(casus)
        return CasusFacts(
            reference=casus.reference,
            status=casus.status,
            reported_on=shown_date(casus.created_at),
            age_days=max(0, (now - casus.created_at).days),
            answer_lines=tuple(answer_lines(self.schema, casus.answers)),
            partij_name=advice.partij_name,
            outcome_label=advice.outcome_label,
            reasons=advice.reasons,
            melder_partij=partij_name(self.schema, reporter.partij)
            if reporter is not None
            else None,
            holder=person_line(self.schema, holder),
            holder_since=shown_date(casus.holder_since) if casus.holder_since else None,
            acting_partij=partij_name(self.schema, acting),
            screening=casus.screening_outcome,
            screening_note=casus.screening_note,
            betrokken=tuple(betrokken),
            answer_before=shown_moment(offer.expires_at) if offer and offer.expires_at else None,
            last_candidate=offer is not None
            and not await self._anyone_after(session, casus, acting),
            close_reason=casus.close_reason,
            werkdagen=self.schema.contact_werkdagen,
            coordinator_reason=casus.coordinator_reason,
            chosen_partij=partij_name(self.schema, casus.afgeweken_partij),
            group=await card_lines(session, casus.group_id) if casus.group_id else (),
        )

    # --- someone leaves -------------------------------------------------------------------------

    async def release_all_of(self, session: AsyncSession, person_id: int) -> tuple[Moved, ...]:
        """What someone just deactivated had goes on at once, in the caller's unit of work:
        every open offer to the next candidate, as if it had expired, and every casus they
        hold back into matching (or to OOV), the melder told. They are told nothing (they can
        no longer be reached). Returns the casussen that moved, for the coördinator."""
        moved: list[Moved] = []
        for offer in await Assignments(session).open_offers_of(person_id):
            casus = await Casussen(session).lock(offer.casus_id)
            await session.refresh(offer)  # as it is now that the casus is locked
            if casus is not None and offer.status == AssignmentStatus.AANGEBODEN:
                move = await self._move(session, casus, SYSTEM, Event(Trigger.EXPIRE))
                if isinstance(move, Move):
                    moved.append(self._moved(casus, offered=True))
        for held in await Casussen(session).held_by(person_id):
            casus = await Casussen(session).lock(held.id or 0)
            if casus is None or casus.holder_id != person_id:
                continue
            if isinstance(await self._move(session, casus, SYSTEM, Event(Trigger.RELEASE)), Move):
                moved.append(self._moved(casus, offered=False))
        return tuple(moved)

    def _moved(self, casus: Casus, *, offered: bool) -> Moved:
        return Moved(
            casus.reference, casus.status, partij_name(self.schema, acting_now(casus)), offered
        )


_OFFERING = frozenset(  # REASSIGN offers it too, to whom the coördinator chose
    {
        Trigger.OFFER,
        Trigger.DECLINE,
        Trigger.EXPIRE,
        Trigger.SCREEN,
        Trigger.HAND_OVER,
        Trigger.REOPEN,
        Trigger.RELEASE,
    }
)
_ABOUT_THE_OFFER = frozenset({Trigger.ACCEPT, Trigger.DECLINE, Trigger.REMIND, Trigger.EXPIRE})
_AUDITED = {  # the entry of each trigger but the first offer
    Trigger.ACCEPT: "geaccepteerd",
    Trigger.DECLINE: "afgewezen",
    Trigger.REMIND: "herinnerd",
    Trigger.EXPIRE: "verlopen",
    Trigger.SCREEN: "gescreend",
    Trigger.ADD_BETROKKEN: "betrokkene_toegevoegd",
    Trigger.HAND_OVER: "overgedragen",
    Trigger.CLOSE: "gesloten",
    Trigger.REASSIGN: "afgeweken",
    Trigger.REOPEN: "heropend",
    Trigger.RELEASE: "vrijgegeven",
}


def _view(casus: Casus, open_offer: Assignment | None) -> CasusView:
    """The casus as the lifecycle weighs it."""
    return CasusView(
        casus.status,
        _outcome(casus),
        open_offer.regisseur_id if open_offer is not None else None,
        casus.holder_id,
        casus.screening_outcome,
    )


def _outcome(casus: Casus) -> str:
    """The outcome the lifecycle weighs: a casus a coördinator gave to the ZVH is screened, one
    given to anyone else is taken on as they chose, whatever the advice's outcome was."""
    if casus.afgeweken_partij is None:
        return casus.outcome
    return SCREENING if casus.afgeweken_partij == SCREENING_PARTIJ else "afgeweken"


def _codes(answer: object) -> Sequence[str]:
    return [str(code) for code in answer] if isinstance(answer, list) else []

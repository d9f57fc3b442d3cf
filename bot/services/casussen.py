"""What a melder may read back about their casussen (/status), as plain summaries: a channel
renders these and never sees a table row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.dates import shown_date
from conversation.casus_texts import STATUS_TEXT, next_step_now
from conversation.group_texts import finding_of
from rules import Schema
from rules.matching import partij_to_act
from rules.vocabulary import GroupFinding, ScreeningOutcome
from storage import Casussen, Database, Groups, People
from storage.models import Casus, CasusGroup, Person

LISTED = 20  # the newest casussen a list shows; one message stays readable on a phone


@dataclass(frozen=True, slots=True)
class CasusSummary:
    reference: str
    reported_on: str  # the day of the aanmelding, as shown in the Netherlands
    status: str  # in Dutch
    partij_name: str  # advised
    next_step: str  # that holds now
    holder: str | None = None  # "<naam>, <partij>" of the regisseur who holds it
    holder_since: str | None = None
    found_betrokken: tuple[str, ...] = ()  # organisations the screening found involved
    group_reference: str | None = None  # the group aanmelding it belongs to
    chosen_partij: str | None = None  # the partij a coördinator gave it to against the advice
    coordinator_reason: str | None = None


@dataclass(frozen=True, slots=True)
class GroupSummary:
    """A group aanmelding of the melder: the group and its members, in the order aangemeld."""

    reference: str
    reported_on: str
    finding: GroupFinding | None
    finding_note: str | None
    members: tuple[CasusSummary, ...]


class CasusService:
    def __init__(self, database: Database, schema: Schema) -> None:
        self.database = database
        self.schema = schema

    async def of_melder(self, melder_id: int) -> list[CasusSummary | GroupSummary]:
        """The melder's newest aanmeldingen first: a casus on its own, or a group with all its
        members."""
        async with self.database.reading() as session:
            shown: list[list[Casus]] = []
            of_group: dict[int, list[Casus]] = {}
            for casus in await Casussen(session).of_melder(melder_id):
                if casus.group_id is None:
                    shown.append([casus])
                elif casus.group_id in of_group:
                    of_group[casus.group_id].append(casus)
                else:
                    shown.append(of_group.setdefault(casus.group_id, [casus]))
            shown = shown[:LISTED]
            groups = await Groups(session).of_ids([gid for gid in of_group])
            return [
                await self._summary(session, casussen[0])
                if casussen[0].group_id is None
                else await self._group(session, groups[casussen[0].group_id], casussen)
                for casussen in shown
            ]

    async def one_of_melder(
        self, melder_id: int, reference: str
    ) -> CasusSummary | GroupSummary | None:
        """One casus, or one group, by its reference, if this melder reported it."""
        async with self.database.reading() as session:
            group = await Groups(session).by_reference(reference.upper())
            if group is not None and group.id is not None and group.melder_id == melder_id:
                return await self._group(session, group, await Groups(session).members(group.id))
            casus = await Casussen(session).by_reference(reference.upper())
            if casus is None or casus.melder_id != melder_id:
                return None
            return await self._summary(session, casus)

    async def _group(
        self, session: AsyncSession, group: CasusGroup, members: Sequence[Casus]
    ) -> GroupSummary:
        ordered = sorted(members, key=lambda casus: casus.number)
        return GroupSummary(
            reference=group.reference,
            reported_on=shown_date(group.created_at),
            finding=finding_of(group.finding),
            finding_note=group.finding_note,
            members=tuple([await self._summary(session, casus, group) for casus in ordered]),
        )

    async def _summary(
        self, session: AsyncSession, casus: Casus, group: CasusGroup | None = None
    ) -> CasusSummary:
        if group is None and casus.group_id is not None:
            group = await Groups(session).get(casus.group_id)
        holder = await People(session).get(casus.holder_id) if casus.holder_id else None
        advice = casus.stored_advice
        chosen = partij_name(self.schema, casus.afgeweken_partij)
        next_step = next_step_now(
            casus.status,
            casus.next_step,
            acting_partij=partij_name(self.schema, acting_now(casus)),
            chosen_partij=chosen,
            screening=casus.screening_outcome,
            advised_partij=advice.partij_name,
            werkdagen=self.schema.contact_werkdagen,
        )
        return CasusSummary(
            reference=casus.reference,
            reported_on=shown_date(casus.created_at),
            status=STATUS_TEXT[casus.status],
            partij_name=advice.partij_name,
            next_step=next_step,
            holder=person_line(self.schema, holder),
            holder_since=shown_date(casus.holder_since) if casus.holder_since else None,
            found_betrokken=self._labels(casus.found_betrokken),
            group_reference=group.reference if group is not None else None,
            chosen_partij=chosen,
            coordinator_reason=casus.coordinator_reason,
        )

    def _labels(self, codes: list[str]) -> tuple[str, ...]:
        question = self.schema.betrokken_question
        return tuple(question.label_of(c) for c in codes) if question is not None else ()


def acting_now(casus: Casus, screening_now: ScreeningOutcome | None = None) -> str:
    """The partij whose regisseur must act on the casus now (rules.matching.partij_to_act)."""
    return partij_to_act(
        casus.outcome,
        casus.partij,
        chosen_partij=casus.afgeweken_partij,
        screened=casus.screening_outcome,
        screening_now=screening_now,
    )


def partij_name(schema: Schema, code: str | None) -> str | None:
    """A partij as people read it: its name, or its code where the schema does not know it."""
    if code is None:
        return None
    partij = schema.partij_by_code.get(code)
    return partij.name if partij is not None else code


def person_line(schema: Schema, person: Person | None) -> str | None:
    """A professional as a casus shows who holds it: "<naam>, <partij>"."""
    if person is None:
        return None
    partij = partij_name(schema, person.partij)
    return f"{person.display_name}, {partij}" if partij else person.display_name

"""What a melder may read back about their casussen (/status), as plain summaries: a channel
renders these and never sees a table row."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.dates import shown_date
from conversation.casus_texts import STATUS_TEXT
from rules import Schema
from storage import Casussen, Database, People
from storage.models import Casus, Person

LISTED = 20  # the newest casussen a list shows; one message stays readable on a phone


@dataclass(frozen=True, slots=True)
class CasusSummary:
    reference: str
    reported_on: str  # the day of the aanmelding, as shown in the Netherlands
    status: str  # in Dutch
    partij_name: str
    next_step: str
    holder: str | None = None  # "<naam>, <partij>" of the regisseur who holds it
    holder_since: str | None = None
    found_betrokken: tuple[str, ...] = ()  # organisations the screening found involved


class CasusService:
    def __init__(self, database: Database, schema: Schema) -> None:
        self.database = database
        self.schema = schema

    async def of_melder(self, melder_id: int) -> list[CasusSummary]:
        """The melder's newest casussen first."""
        async with self.database.transaction() as session:
            casussen = await Casussen(session).of_melder(melder_id)
            return [await self._summary(session, casus) for casus in casussen[:LISTED]]

    async def one_of_melder(self, melder_id: int, reference: str) -> CasusSummary | None:
        """One casus by its reference, if this melder reported it."""
        async with self.database.transaction() as session:
            casus = await Casussen(session).by_reference(reference.upper())
            if casus is None or casus.melder_id != melder_id:
                return None
            return await self._summary(session, casus)

    async def _summary(self, session: AsyncSession, casus: Casus) -> CasusSummary:
        holder = await People(session).get(casus.holder_id) if casus.holder_id else None
        return CasusSummary(
            reference=casus.reference,
            reported_on=shown_date(casus.created_at),
            status=STATUS_TEXT[casus.status],
            partij_name=casus.stored_advice.partij_name,
            next_step=casus.next_step,
            holder=person_line(self.schema, holder),
            holder_since=shown_date(casus.holder_since) if casus.holder_since else None,
            found_betrokken=self._labels(casus.found_betrokken),
        )

    def _labels(self, codes: list[str]) -> tuple[str, ...]:
        question = self.schema.betrokken_question
        return tuple(question.label_of(c) for c in codes) if question is not None else ()


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

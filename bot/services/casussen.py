"""What a melder may read back about their casussen (/status), as plain summaries: a channel
renders these and never sees a table row."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.dates import shown_date
from rules.vocabulary import CasusStatus
from storage import Casussen, Database
from storage.models import Casus

STATUS_TEXT = {
    CasusStatus.AANGEMELD: "aangemeld",
    CasusStatus.AANGEBODEN: "aangeboden aan een regisseur",
    CasusStatus.OPGEPAKT: "opgepakt door een regisseur",
    CasusStatus.IN_SCREENING: "in screening",
    CasusStatus.GEEN_INZET: "gescreend: reguliere hulpverlening neemt de regie",
    CasusStatus.SIGNALEREND: "gescreend: signalerende functie",
    CasusStatus.PROCESREGIE: "gescreend: procesregie gestart",
    CasusStatus.BIJ_OOV: "bij de gemeente (afdeling OOV)",
    CasusStatus.GESLOTEN: "gesloten",
}
LISTED = 20  # the newest casussen a list shows; one message stays readable on a phone


@dataclass(frozen=True, slots=True)
class CasusSummary:
    reference: str
    reported_on: str  # the day of the aanmelding, as shown in the Netherlands
    status: str  # in Dutch
    partij_name: str
    next_step: str

    @classmethod
    def of(cls, casus: Casus) -> CasusSummary:
        return cls(
            reference=casus.reference,
            reported_on=shown_date(casus.created_at),
            status=STATUS_TEXT[casus.status],
            partij_name=casus.stored_advice.partij_name,
            next_step=casus.next_step,
        )


class CasusService:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def of_melder(self, melder_id: int) -> list[CasusSummary]:
        """The melder's newest casussen first."""
        async with self.database.transaction() as session:
            casussen = await Casussen(session).of_melder(melder_id)
        return [CasusSummary.of(casus) for casus in casussen[:LISTED]]

    async def one_of_melder(self, melder_id: int, reference: str) -> CasusSummary | None:
        """One casus by its reference, if this melder reported it."""
        async with self.database.transaction() as session:
            casus = await Casussen(session).by_reference(reference.upper())
        if casus is None or casus.melder_id != melder_id:
            return None
        return CasusSummary.of(casus)

"""What /status shows of a casus: its status in Dutch words, who holds it since when, and the
day of the aanmelding as it was in the Netherlands, whatever the server's clock says."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.services.casussen import CasusService
from conversation.casus_texts import STATUS_TEXT
from rules import Schema
from rules.vocabulary import CasusStatus, Role
from storage import Casussen, Database
from storage.models import Person

ADVICE = {
    "partij": "oov",
    "partij_name": "Gemeente, afdeling OOV",
    "rule": "fallback",
    "outcome": "oov",
    "next_step": "De gemeente houdt de casus in beeld.",
}


async def test_a_late_evening_aanmelding_held_by_oov(database: Database, schema: Schema) -> None:
    late = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
    async with database.transaction() as session:
        olga = Person(telegram_id=5, display_name="Olga", role=Role.REGISSEUR, partij="oov")
        melder = Person(telegram_id=6, display_name="Mo", role=Role.MELDER)
        session.add_all([olga, melder])
        await session.flush()
        casus = await Casussen(session).create(
            answers={}, advice=ADVICE, melder_id=melder.id, now=late
        )
        casus.status, casus.holder_id, casus.holder_since = CasusStatus.BIJ_OOV, olga.id, late
    assert melder.id is not None
    [summary] = await CasusService(database, schema).of_melder(melder.id)
    assert summary.reported_on == "24-11-2026"
    assert summary.status == "bij de gemeente (afdeling OOV)"
    assert summary.holder == "Olga, Gemeente, afdeling Openbare Orde en Veiligheid"
    assert summary.holder_since == "24-11-2026"
    assert (
        await CasusService(database, schema).one_of_melder(melder.id + 1, casus.reference) is None
    )


@pytest.mark.parametrize("status", list(CasusStatus))
def test_every_status_has_dutch_words(status: CasusStatus) -> None:
    assert STATUS_TEXT[status] and "_" not in STATUS_TEXT[status]

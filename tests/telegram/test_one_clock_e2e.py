"""One clock for everything: with the bot's clock years away from the wall clock, a whole casus
over the real PTB stack (admission, aanmelding, offer, a decline, an accept, the outbox, closing)
stores no moment but the ones that clock gave. A database default or a stray `datetime.now()`
would stamp today's date, and show up here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from rules.vocabulary import CasusStatus, Role
from storage.models import UTCDateTime
from tests.aanmeldingen import OTS_LVB
from tests.clock import TestClock
from tests.telegram.conftest import Running
from tests.telegram.fake_bot_api import FakeBotAPI
from tests.telegram.helpers import channel, wait_for_text
from tests.telegram.test_regisseur_e2e import aanmelden, join, offer_to, press, status

ELSEWHERE = datetime(2031, 6, 16, 9, 0, tzinfo=UTC)  # a Monday, years from any wall clock here
MELDER, ANS, BAS = 801, 802, 803


@pytest.fixture
def clock() -> TestClock:
    return TestClock(ELSEWHERE, ticking=True)


async def stored_moments(running: Running) -> list[tuple[str, datetime]]:
    """Every timestamp in every table, as (table.column, moment)."""
    assert running.app is not None
    found: list[tuple[str, datetime]] = []
    async with channel(running.app).database.transaction() as session:
        for table in SQLModel.metadata.sorted_tables:
            for column in table.columns:
                if not isinstance(column.type, UTCDateTime):
                    continue
                query = sa.select(column).where(column.is_not(None))
                for (moment,) in (await session.exec(query)).all():
                    found.append((f"{table.name}.{column.name}", moment))
    return found


async def test_every_stored_moment_comes_from_the_bots_clock(
    fake: FakeBotAPI, running: Running, clock: TestClock
) -> None:
    assert running.app is not None
    app = running.app
    await join(fake, app, MELDER, Role.MELDER, "politie")
    await join(fake, app, ANS, partij="gi-wsg", expertise=["lvb"])
    await join(fake, app, BAS, partij="gi-wsg")
    reference = await aanmelden(fake, MELDER, OTS_LVB)
    assert reference.startswith("ZVH-2031-"), "the casus number's year is the clock's"
    offer = await offer_to(fake, ANS, reference)
    assert "Aangemeld op 16-06-2031" in offer["text"]
    asked = await press(fake, ANS, offer, "Afwijzen", f"Waarom wijst u casus {reference} af?")
    await press(
        fake, ANS, asked, "Geen ruimte in mijn caseload", f"U heeft casus {reference} afgewezen"
    )
    offer = await offer_to(fake, BAS, reference)
    card = await press(fake, BAS, offer, "Accepteren", f"U heeft casus {reference} geaccepteerd")
    await press(fake, BAS, card, "Sluiten", f"Waarom sluit u casus {reference}?")
    await fake.send_text(BAS, "Zorg is elders geregeld")
    await wait_for_text(fake, MELDER, f"Casus {reference} is gesloten")
    assert await status(app, reference) == CasusStatus.GESLOTEN

    moments = await stored_moments(running)
    columns = {column for column, _ in moments}
    for expected in (
        "people.created_at",
        "invitations.created_at",
        "invitations.used_at",
        "intake_states.updated_at",
        "casussen.created_at",
        "casussen.closed_at",
        "assignments.offered_at",
        "assignments.answered_at",
        "outbox.created_at",
        "audit_log.at",
    ):
        assert expected in columns
    # An invitation is valid for days and an offer's termijn runs a day ahead: nothing else may
    # lie outside the clock's own stretch of time.
    latest = clock() + timedelta(days=8)
    strays = [(c, m) for c, m in moments if not ELSEWHERE <= m <= latest]
    assert strays == []

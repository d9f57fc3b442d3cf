"""Retention end to end: a casus closed through the repository longer ago than the retention
period is anonymised by the operator's task (`regiebot db retention`'s service), one closed
recently is not; free text goes, also from screening, closing and declining; on SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import URL

from bot.services.maintenance import apply_retention
from bot.settings import Settings
from rules.vocabulary import Role
from storage import Assignments, Casussen, Database, People
from storage.models import Person
from tests.clock import TestClock

ANSWERS = {
    "criteria": "ja",
    "kader": "maatregel",
    "maatregel": "ots",
    "leeftijd": 15,
    "profiel": ["lvb"],
    "interventie": "jeugdbescherming",
    "betrokken": [],
    "omschrijving": "Jongere woont bij tante",
}
ADVICE = {
    "partij": "gi-wsg",
    "partij_name": "William Schrikker Groep",
    "rule": "gi-lvb",
    "outcome": "reguliere_regie",
    "next_step": "De WSG voert de casusregie al.",
    "reasons": [{"aspect": "leeftijd", "text": "Leeftijd: 15 jaar."}],
}


async def test_a_casus_closed_long_ago_is_anonymised(database: Database, database_url: URL) -> None:
    settings = Settings(
        database_url=database_url.render_as_string(hide_password=False), retention_days=365
    )
    clock = TestClock()
    long_ago = clock() - timedelta(days=400)
    async with database.transaction() as session:
        casussen = Casussen(session)
        old = await casussen.create(answers=ANSWERS, advice=ADVICE, now=long_ago)
        regisseur = await People(session).add(
            Person(telegram_id=1, display_name="Ans", role=Role.REGISSEUR, partij="gi-wsg")
        )
        assert old.id is not None and regisseur.id is not None
        offer = await Assignments(session).offer(old.id, regisseur.id, now=long_ago)
        await Assignments(session).answer(
            offer,
            accepted=False,
            reason="Tante is bekend bij ons",
            reason_code="anders",
            now=long_ago,
        )
        old.screening_note, old.close_reason = "Gesproken met tante", "Tante neemt de zorg"
        await casussen.close(old, now=long_ago + timedelta(days=1))
        recent = await casussen.create(answers=ANSWERS, advice=ADVICE, now=clock())
        await casussen.close(recent, now=clock())
        references = old.reference, recent.reference

    assert await apply_retention(settings, clock=clock) == [references[0]]
    assert await apply_retention(settings, clock=clock) == [], "once"
    async with database.transaction() as session:
        old_now = await Casussen(session).by_reference(references[0])
        recent_now = await Casussen(session).by_reference(references[1])
    assert old_now is not None and recent_now is not None
    assert old_now.anonymised_at is not None
    assert "omschrijving" not in old_now.answers and old_now.answers["leeftijd"] != 15
    assert old_now.answers["kader"] == "maatregel" and old_now.partij == "gi-wsg"
    assert "reasons" not in old_now.advice
    assert old_now.screening_note is None and old_now.close_reason is None
    async with database.transaction() as session:
        assert old_now.id is not None
        [declined] = await Assignments(session).of_casus(old_now.id)
    assert declined.reason is None and declined.reason_code == "anders"
    assert recent_now.anonymised_at is None and recent_now.answers == ANSWERS

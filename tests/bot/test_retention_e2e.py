"""Retention end to end: a casus closed through the repository longer ago than the retention
period is anonymised by the operator's task (`regiebot db retention`'s service), one closed
recently is not; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import URL

from bot.services.maintenance import apply_retention
from bot.settings import Settings
from storage import Casussen, Database
from storage.models import utcnow

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
    long_ago = utcnow() - timedelta(days=400)
    async with database.transaction() as session:
        casussen = Casussen(session)
        old = await casussen.create(answers=ANSWERS, advice=ADVICE, now=long_ago)
        await casussen.close(old, now=long_ago + timedelta(days=1))
        recent = await casussen.create(answers=ANSWERS, advice=ADVICE)
        await casussen.close(recent)
        references = old.reference, recent.reference

    assert await apply_retention(settings) == 1
    assert await apply_retention(settings) == 0, "once"
    async with database.transaction() as session:
        old_now = await Casussen(session).by_reference(references[0])
        recent_now = await Casussen(session).by_reference(references[1])
    assert old_now is not None and recent_now is not None
    assert old_now.anonymised_at is not None
    assert "omschrijving" not in old_now.answers and old_now.answers["leeftijd"] != 15
    assert old_now.answers["kader"] == "maatregel" and old_now.partij == "gi-wsg"
    assert "reasons" not in old_now.advice
    assert recent_now.anonymised_at is None and recent_now.answers == ANSWERS

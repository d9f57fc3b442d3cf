"""Retention in several replicas at once (each `regiebot run` runs it daily): every casus is
anonymised once, by one of them; the other finds nothing left to do. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy.engine import URL

from bot.services.maintenance import anonymise
from rules import Schema
from storage import Casussen, Database
from tests.bot.test_retention_e2e import ADVICE, ANSWERS
from tests.clock import START


async def test_two_replicas_anonymise_each_casus_once(
    database: Database, database_url: URL, schema: Schema
) -> None:
    long_ago = START - timedelta(days=400)
    async with database.transaction() as session:
        casussen = Casussen(session)
        references = []
        for _ in range(3):
            casus = await casussen.create(answers=ANSWERS, advice=ADVICE, now=long_ago)
            await casussen.close(casus, now=long_ago)
            references.append(casus.reference)
    replicas = [Database(database_url), Database(database_url)]
    try:
        done = await asyncio.gather(*(anonymise(r, schema, 365, now=START) for r in replicas))
        again = await anonymise(replicas[0], schema, 365, now=START)
    finally:
        for replica in replicas:
            await replica.dispose()
    assert sorted(done[0] + done[1]) == sorted(references)  # each once, by one of them
    assert again == []

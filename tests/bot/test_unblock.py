"""Someone the outbox gave up on (they blocked the bot) is reachable again once they write:
their next update clears the mark, audited, and matching counts them again."""

from __future__ import annotations

from sqlmodel import select

from bot.services.admission import AdmissionService, Member
from rules.vocabulary import Role
from storage import Database, People
from storage.models import AuditEntry, Person
from tests.clock import START, TestClock


async def test_a_blocked_regisseur_who_writes_again_is_unblocked(database: Database) -> None:
    async with database.transaction() as session:
        ans = await People(session).add(
            Person(
                telegram_id=77,
                display_name="Ans",
                role=Role.REGISSEUR,
                partij="gi-wsg",
                blocked_at=START,
            )
        )
        assert await People(session).for_matching("gi-wsg") == []
    assert ans.id is not None
    assert await AdmissionService(database, clock=TestClock()).member(77) == Member(
        ans.id, Role.REGISSEUR, "gi-wsg"
    )
    async with database.transaction() as session:
        [found] = await People(session).for_matching("gi-wsg")
        entries = (await session.exec(select(AuditEntry))).all()
    assert found.person_id == ans.id
    assert [(e.action, e.actor_id) for e in entries] == [("gedeblokkeerd", ans.id)]

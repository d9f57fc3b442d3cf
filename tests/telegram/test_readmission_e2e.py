"""Coming back: a deactivated person re-invited gets back in as the new invitation says; someone
with access keeps it and leaves the code unused."""

from __future__ import annotations

from sqlmodel import col, select, update

from bot.services.admission import Admission
from bot.telegram.texts import ADMISSION_TEXT, REFUSED
from storage import People
from storage.models import AuditEntry, Invitation, Person
from tests.telegram.conftest import Running
from tests.telegram.fake_bot_api import FakeBotAPI
from tests.telegram.helpers import admitted, channel, wait_for_text, wait_until_asking

USER = 720


async def test_a_deactivated_person_re_invited_gets_back_in(
    fake: FakeBotAPI, running: Running
) -> None:
    assert running.app is not None
    await admitted(fake, running.app, USER)
    database = channel(running.app).database
    async with database.transaction() as session:
        await session.exec(update(Person).values(active=False))  # as a coördinator would
    said = fake.last(USER)["message_id"]
    await fake.send_text(USER, "/aanmelden")
    said = (await wait_for_text(fake, USER, REFUSED, after=said))["message_id"]

    invitation = await channel(running.app).admission.invite(
        role="melder", partij="wijkteam", expertise=["lvb"]
    )
    await fake.send_text(USER, f"/start {invitation.code}")
    said = (await wait_for_text(fake, USER, ADMISSION_TEXT[Admission.ADMITTED], after=said))[
        "message_id"
    ]
    await fake.send_text(USER, "/aanmelden")
    await wait_until_asking(fake, USER, "criteria", after=said)
    async with database.transaction() as session:
        person = await People(session).by_telegram_id(USER)
        assert person is not None
        assert (person.active, person.role, person.partij, person.expertise) == (
            True,
            "melder",
            "wijkteam",
            ["lvb"],
        )
        entries = (await session.exec(select(AuditEntry).order_by(col(AuditEntry.id)))).all()
    assert [e.action for e in entries][-1] == "heractiveerd"
    assert entries[-1].actor_id == person.id


async def test_someone_with_access_keeps_it_and_the_code_stays_unused(
    fake: FakeBotAPI, running: Running
) -> None:
    assert running.app is not None
    await admitted(fake, running.app, USER)
    invitation = await channel(running.app).admission.invite(role="regisseur", partij="mee")
    await fake.send_text(USER, f"/start {invitation.code}")
    await wait_for_text(fake, USER, ADMISSION_TEXT[Admission.ALREADY_ADMITTED])
    async with channel(running.app).database.transaction() as session:
        person = await People(session).by_telegram_id(USER)
        unused = (
            await session.exec(select(Invitation).where(Invitation.code == invitation.code))
        ).one()
    assert person is not None and person.role == "melder"
    assert unused.used_at is None

"""An unfinished intake left alone is wiped after REGIEBOT_INTAKE_EXPIRY_DAYS, its melder warned
a day before and told when it goes; a finished or cancelled one goes without a word. The worker
runs with a clock moved forward, over the real PTB stack and the fake Bot API."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from pydantic import ValidationError
from sqlmodel import update

from bot.services.dates import shown_date
from bot.services.intake_expiry import Expired
from bot.settings import Settings
from storage import IntakeStates
from storage.models import IntakeState
from tests.telegram.conftest import App, Running
from tests.telegram.fake_bot_api import FakeBotAPI
from tests.telegram.helpers import admitted, channel, wait_for_text, wait_until_asking

MELDER = 740
STOPPED = 741
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)  # past the exact moment: the clock ticks while a run marks


async def halfway(fake: FakeBotAPI, app: App, user: int) -> None:
    await admitted(fake, app, user)
    await fake.send_text(user, "/aanmelden")
    first = await wait_until_asking(fake, user, "criteria")
    await fake.send_text(user, "ja")
    scope = await wait_until_asking(fake, user, "omvang", after=first["message_id"])
    await fake.send_text(user, "een persoon")
    await wait_until_asking(fake, user, "kader", after=scope["message_id"])


async def chats(app: App) -> set[int]:
    async with channel(app).database.transaction() as session:
        return {c for c in (MELDER, STOPPED) if await IntakeStates(session).lock(c) is not None}


async def test_an_abandoned_intake_is_wiped_after_a_warning(
    fake: FakeBotAPI, running: Running
) -> None:
    assert running.app is not None
    clock = running.clock
    today = clock()
    await halfway(fake, running.app, MELDER)
    await halfway(fake, running.app, STOPPED)
    await fake.send_text(STOPPED, "/stoppen")
    await wait_for_text(fake, STOPPED, "De aanmelding is gestopt")
    expiry = channel(running.app).intake_expiry
    told = len(fake.sent(MELDER))

    async def run_at(moment: datetime) -> Expired:
        clock.now = moment
        return await expiry.run()

    assert await run_at(today + 28 * DAY) == Expired()
    warning_day = today + 29 * DAY + timedelta(hours=1)
    assert await run_at(warning_day) == Expired(warned=1)
    assert await run_at(warning_day + timedelta(hours=1)) == Expired(), "warned once"
    warning = fake.sent(MELDER)[told]
    assert warning["text"] == (
        f"Uw aanmelding van {shown_date(today)} is nog niet afgerond. Morgen worden de antwoorden "
        "gewist; typ /aanmelden om verder te gaan."
    )
    assert fake.sent(STOPPED)[-1]["text"].startswith("De aanmelding is gestopt"), "not told"

    assert await run_at(warning_day + DAY + MINUTE) == Expired(wiped=1, removed=1)
    assert fake.last(MELDER)["text"] == (
        f"Uw aanmelding van {shown_date(today)} is niet afgerond en de antwoorden zijn nu gewist. "
        "Typ /aanmelden om opnieuw te beginnen."
    )
    assert len(fake.sent(MELDER)) == told + 2
    assert await chats(running.app) == set()
    await fake.send_text(MELDER, "/aanmelden")  # and a new aanmelding starts from the beginning
    await wait_until_asking(fake, MELDER, "criteria", after=fake.last(MELDER)["message_id"])


async def test_an_answer_after_the_warning_keeps_the_intake(
    fake: FakeBotAPI, running: Running
) -> None:
    assert running.app is not None
    clock = running.clock
    await halfway(fake, running.app, MELDER)
    async with channel(running.app).database.transaction() as session:  # 29 days of silence
        await session.exec(update(IntakeState).values(updated_at=clock() - 29 * DAY - HOUR))
    expiry = channel(running.app).intake_expiry
    assert await expiry.run() == Expired(warned=1)
    asked = fake.last(MELDER)["message_id"]
    await fake.send_text(MELDER, "maatregel")  # the melder goes on
    await wait_until_asking(fake, MELDER, "maatregel", after=asked)
    answered = clock()
    clock.now = answered + 2 * DAY
    assert await expiry.run() == Expired(), "a day after the wipe was due"
    assert await chats(running.app) == {MELDER}
    clock.now = answered + 29 * DAY + HOUR
    assert await expiry.run() == Expired(warned=1), "warned anew"


async def test_the_worker_runs_on_the_job_queue(running: Running) -> None:
    assert running.app is not None and running.app.job_queue is not None
    assert "intake-expiry" in [job.name for job in running.app.job_queue.jobs()]


def test_the_expiry_period_is_at_least_two_days() -> None:
    assert Settings().intake_expiry_days == 30
    with pytest.raises(ValidationError, match="intake_expiry_days"):
        Settings(intake_expiry_days=1)

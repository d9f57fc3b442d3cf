"""`regiebot run` anonymises closed casussen daily by itself (a JobQueue job), and logs the
references it anonymised (references are not personal data)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.telegram.app import RETENTION_INTERVAL
from storage import Casussen
from tests.bot.test_retention_e2e import ADVICE, ANSWERS
from tests.telegram.conftest import App
from tests.telegram.helpers import channel
from tests.telegram.recording import RecordingRequest


async def test_retention_runs_daily_inside_the_bot(
    recorded: tuple[App, RecordingRequest], caplog: pytest.LogCaptureFixture
) -> None:
    app, _ = recorded
    assert app.job_queue is not None
    [job] = app.job_queue.get_jobs_by_name("retention")
    assert job.trigger.interval == RETENTION_INTERVAL == timedelta(days=1)  # type: ignore[attr-defined]

    database = channel(app).database
    long_ago = channel(app).clock() - timedelta(days=400)
    async with database.transaction() as session:
        old = await Casussen(session).create(answers=ANSWERS, advice=ADVICE, now=long_ago)
        await Casussen(session).close(old, now=long_ago)
    caplog.set_level("INFO", logger="bot")
    await job.run(app)
    async with database.transaction() as session:
        anonymised = await Casussen(session).by_reference(old.reference)
    assert anonymised is not None and anonymised.anonymised_at is not None
    assert "omschrijving" not in anonymised.answers
    assert f"retention anonymised 1 casussen: {old.reference}" in caplog.messages

"""While another connection holds SQLite's write lock (an operator's command, a backup), a
melder's typed answer waits for it, and meanwhile every member's reading command still answers:
/help, /status, /wie, a regisseur's /mijn, a coördinator's /casussen and /mensen. Once the lock
is released the waiting answer goes through."""

from __future__ import annotations

import asyncio
import sqlite3

from storage import IntakeStates
from tests.telegram.conftest import Running
from tests.telegram.fake_bot_api import FakeBotAPI
from tests.telegram.helpers import admitted, asking, at_first_question, channel

WRITER = 840  # a melder at the first question, who types its answer
READERS = {
    841: ("melder", ("/help", "/status", "/wie ots 15")),
    842: ("regisseur", ("/mijn",)),
    843: ("coordinator", ("/casussen", "/mensen")),
}


async def _each_answered(fake: FakeBotAPI, chat: int, commands: tuple[str, ...]) -> None:
    """Sends the commands one by one, each once the previous one was answered."""
    for command in commands:
        before = len(fake.sent(chat))
        await fake.send_text(chat, command)
        await fake.wait_for(lambda before=before: len(fake.sent(chat)) > before)  # type: ignore[misc]


async def test_reading_commands_answer_while_a_writer_waits_for_the_lock(
    fake: FakeBotAPI, running: Running
) -> None:
    app = running.app
    assert app is not None
    question = await at_first_question(fake, app, WRITER)
    for chat, (role, _) in READERS.items():
        await admitted(fake, app, chat, role)
    database = channel(app).database
    assert database.url.database is not None
    holder = sqlite3.connect(database.url.database, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        await fake.send_text(WRITER, "ja")
        await asyncio.gather(
            *(_each_answered(fake, chat, commands) for chat, (_, commands) in READERS.items())
        )
        assert fake.last(WRITER)["message_id"] == question["message_id"], "the writer waits"
        holder.execute("COMMIT")
    finally:
        holder.close()

    await fake.wait_for(lambda: asking(fake.last(WRITER)) == "omvang")
    async with database.transaction() as session:
        saved = await IntakeStates(session).lock(WRITER)
    assert saved is not None and saved.answers == {"criteria": "ja"}

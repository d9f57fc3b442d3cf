"""One `regiebot run` per SQLite file: a second is refused with one line and status 1, while
operator commands work beside the running bot and the bot goes on answering. The lock dies with
its process, however it dies. PostgreSQL takes no lock: several processes are the point there."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.run_lock import lock_file, one_run_per_database
from tests.bot.bot_process import BotProcess, command, environment
from tests.telegram.fake_bot_api import FakeBotAPI
from tests.telegram.helpers import wait_for_text, wait_until_asking

USER = 4401


@pytest.fixture
async def first(fake: FakeBotAPI, tmp_path: Path) -> AsyncIterator[BotProcess]:
    bot = BotProcess(fake, environment(fake, tmp_path / "regiebot.db"))
    await bot.start()
    yield bot
    await bot.close()


@pytest.mark.processes
async def test_a_second_run_on_the_same_file_is_refused(
    fake: FakeBotAPI, tmp_path: Path, first: BotProcess
) -> None:
    assert first.process is not None
    settings = environment(fake, tmp_path / "regiebot.db")
    status, out, err = await command(settings, "run")
    assert (status, out) == (1, "")
    assert err == (
        f"Another regiebot run is already using {tmp_path / 'regiebot.db'} "
        f"(pid {first.process.pid}); one process per SQLite database — use PostgreSQL for "
        "several.\n"
    )


@pytest.mark.processes
async def test_operator_commands_work_beside_the_running_bot(
    fake: FakeBotAPI, tmp_path: Path, first: BotProcess
) -> None:
    settings = environment(fake, tmp_path / "regiebot.db")
    status, out, err = await command(settings, "invite", "--role", "melder")
    assert status == 0, err
    match = re.search(r"code: (\S+)", out)
    assert match is not None
    await fake.send_text(USER, f"/start {match.group(1)}")
    await wait_for_text(fake, USER, "Welkom bij regiebot!")  # the running bot sees the invitation

    export = ("export", "--from", "2026-01-01", "--to", "2026-12-31")
    # regiebot chat too: a terminal's aanmelding is no chat of the bot's
    for argv in (("db", "retention"), ("health",), ("audit", "ZVH-2026-0001"), export, ("chat",)):
        status, out, err = await command(settings, *argv)
        assert status == (2 if argv[0] == "audit" else 0), f"{argv}: {err}"  # audit: no casus
    await fake.send_text(USER, "/aanmelden")
    await wait_until_asking(fake, USER, "criteria")  # and still answers


@pytest.mark.processes
async def test_the_lock_dies_with_its_process(
    fake: FakeBotAPI, tmp_path: Path, first: BotProcess
) -> None:
    first.kill()  # SIGKILL: nothing of regiebot's own runs to let go of the lock
    assert await first.exited() != 0
    second = BotProcess(fake, environment(fake, tmp_path / "regiebot.db"))
    try:
        await second.start()
        status, _ = await second.terminate()
        assert status == 0, "\n".join(second.log)
    finally:
        await second.close()


def test_postgresql_and_memory_take_no_lock(tmp_path: Path) -> None:
    assert lock_file("postgresql+asyncpg://regiebot@db.example/regiebot") is None
    assert lock_file("sqlite+aiosqlite:///:memory:") is None
    assert lock_file(f"sqlite+aiosqlite:///{tmp_path}/a.db") == tmp_path / "a.db.run.lock"
    postgresql = "postgresql+asyncpg://regiebot@db.example/regiebot"
    with one_run_per_database(postgresql), one_run_per_database(postgresql):
        pass  # two at once

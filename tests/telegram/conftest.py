"""The real python-telegram-bot stack (HTTP client, Updater long polling, webhook server) against
the fake Bot API on 127.0.0.1, with the bot's database in a temporary SQLite file; and the same
application on a recording BaseRequest, for handlers driven without a network (`recorded`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from telegram.ext import Application, ApplicationBuilder

from bot.settings import Settings
from bot.telegram import build_application
from tests.clock import TestClock
from tests.telegram.fake_bot_api import TOKEN, FakeBotAPI
from tests.telegram.recording import RecordingRequest

App = Application[Any, Any, Any, Any, Any, Any]


@pytest.fixture
def clock() -> TestClock:
    """The bot's one clock: it starts at a fixed moment and runs, so retries and leases come
    due by themselves; a test moves it on to reach a timer."""
    return TestClock(ticking=True)


@pytest.fixture
def settings(fake: FakeBotAPI, tmp_path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        telegram_token=SecretStr(TOKEN),
        telegram_base_url=fake.base_url,
    )


class Running:
    """Starts and stops the bot as `regiebot run` does, in steps a test can interleave."""

    def __init__(self, settings: Settings, clock: TestClock) -> None:
        self.settings = settings
        self.clock = clock
        self.app: App | None = None

    async def start(self) -> App:
        app = build_application(self.settings, clock=self.clock)
        await app.initialize()
        assert app.post_init is not None
        await app.post_init(app)  # as run_polling does: database ready, command menu set
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        await app.start()
        self.app = app
        return app

    async def stop(self) -> None:
        app, self.app = self.app, None
        if app is None:
            return
        assert app.updater is not None
        await app.updater.stop()
        await app.stop()
        assert app.post_stop is not None
        await app.post_stop(app)
        await app.shutdown()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)


@pytest.fixture
async def running(settings: Settings, clock: TestClock) -> AsyncIterator[Running]:
    bot = Running(settings, clock)
    await bot.start()
    yield bot
    await bot.stop()


@pytest.fixture
async def recorded(tmp_path: Any, clock: TestClock) -> AsyncIterator[tuple[App, RecordingRequest]]:
    request = RecordingRequest()
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'recorded.db'}")
    builder = ApplicationBuilder().token(TOKEN).request(request).get_updates_request(request)
    app = build_application(settings, builder, clock=clock)
    async with app:
        assert app.post_init is not None
        await app.post_init(app)
        yield app, request
        assert app.post_stop is not None
        await app.post_stop(app)
    assert app.post_shutdown is not None
    await app.post_shutdown(app)

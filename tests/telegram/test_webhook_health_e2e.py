"""Webhook mode as `regiebot run` serves it: Telegram's deliveries checked against the secret
token, and on the same port `GET /healthz` for the load balancer, 200 while the database answers
and has every migration, 503 otherwise, in one line that names no host or file."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy.engine import URL

from bot.services.maintenance import current_migration
from bot.settings import Settings
from bot.telegram import build_application
from bot.telegram.texts import REFUSED
from bot.telegram.webhook import HEALTH_PATH, WebhookServer
from storage import Database
from tests.bot.bot_process import SECRET, BotProcess, Webhook, environment, free_port
from tests.clock import TestClock
from tests.conftest import HEAD
from tests.telegram.fake_bot_api import FakeBotAPI

STRANGER = 802


@pytest.mark.processes
async def test_regiebot_run_on_its_webhook(fake: FakeBotAPI, tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    bot = BotProcess(
        fake,
        environment(fake, tmp_path / "regiebot.db", webhook_url=url, webhook_port=str(port)),
    )
    try:
        await bot.start()
        set_webhook = next(c for c in fake.calls if c.method == "setWebhook")
        assert set_webhook.params["url"] == url
        assert set_webhook.params["secret_token"] == SECRET
        async with aiohttp.ClientSession() as client:
            async with client.get(f"http://127.0.0.1:{port}{HEALTH_PATH}") as health:
                assert health.status == 200
                assert await health.text() == f"ok: database up to date (migration {HEAD})\n"
            webhook = Webhook(url)
            update = webhook.message(STRANGER, "hallo")
            async with client.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "fout"}
            ) as wrong:
                assert wrong.status == 403
            for body in (None, [1, 2], "kapot"):
                async with client.post(
                    url, json=body, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
                ) as not_an_update:
                    assert not_an_update.status == 400
        await webhook.deliver([update])
        assert webhook.accepted == [update["update_id"]]
        assert (await fake.wait_for_message(STRANGER, 0))["text"] == REFUSED
        status, _ = await bot.terminate()
        assert status == 0
    finally:
        await bot.close()
    assert len(fake.sent(STRANGER)) == 1, "the delivery with the wrong secret was not handled"
    [startup] = [r for r in bot.records() if r["message"].startswith("regiebot run:")]
    assert startup["message"].startswith(
        f"regiebot run: database sqlite+aiosqlite:///{tmp_path / 'regiebot.db'}, webhook on "
        f"127.0.0.1:{port} path /telegram (health check /healthz), schema "
    )
    assert "(Standaardschema casusregie (reconstructie)" in startup["message"].replace("'", "")


Serve = Callable[[Callable[[], Awaitable[str]]], Awaitable[str]]


@pytest.fixture
async def serve(settings: Settings, clock: TestClock) -> AsyncIterator[Serve]:
    """Serves the webhook's routes with a given health check; returns the health URL."""
    runners: list[web.AppRunner] = []

    async def start(health: Callable[[], Awaitable[str]]) -> str:
        server = WebhookServer(build_application(settings, clock=clock), "telegram", SECRET, health)
        runner = web.AppRunner(server.web_app())
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        runners.append(runner)
        return f"http://127.0.0.1:{port}{HEALTH_PATH}"

    yield start
    for runner in runners:
        await runner.cleanup()


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as client, client.get(url) as response:
        return response.status, await response.text()


async def test_503_until_the_database_is_up_to_date(database_url: URL, serve: Serve) -> None:
    database = Database(database_url)
    try:
        await database.upgrade("0004")
        url = await serve(lambda: current_migration(database))
        assert await get(url) == (503, "unavailable: database schema not up to date\n")
        await database.upgrade()
        assert await get(url) == (200, f"ok: database up to date (migration {HEAD})\n")
    finally:
        await database.dispose()


async def test_503_when_the_database_does_not_answer(serve: Serve) -> None:
    database = Database("postgresql+asyncpg://regiebot:geheim@127.0.0.1:9/regiebot")
    try:
        url = await serve(lambda: current_migration(database))
        status, body = await get(url)
    finally:
        await database.dispose()
    assert (status, body) == (503, "unavailable: database not reachable\n")
    assert "127.0.0.1" not in body and "geheim" not in body

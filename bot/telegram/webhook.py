"""Webhook mode (`regiebot run` with REGIEBOT_WEBHOOK_URL): regiebot's own small aiohttp server
instead of python-telegram-bot's `run_webhook`, whose tornado server has no documented way to
add a route. On one port it serves

    POST <path of REGIEBOT_WEBHOOK_URL>  Telegram's updates, checked against the secret token
                                         (403 without it), answered once handled
    GET /healthz                         the load balancer's health check: 200 when the database
                                         answers and has every migration, else 503; one line

The secret token is derived from the bot token (Settings.webhook_secret), so every replica
behind one load balancer accepts the deliveries Telegram makes with it.

A delivery gets its 200 only once its update is handled (state committed, replies sent): an
update in hand when a replica dies is then delivered again, by Telegram or by the load balancer
to another replica, instead of lost. Handling an update twice changes nothing the second time
(the services remember update ids), so a delivery cut off after its commit is safe to repeat.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import urlparse

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.settings import Settings
from storage import OutdatedDatabase
from storage.database import DatabaseUnreachable, DatabaseUnusable

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, Any, Any]
HEALTH_PATH = "/healthz"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_TIMEOUT = 5.0  # seconds; a database that takes longer is as good as down to a balancer
# Seconds a stop waits for deliveries under way to be handled; one cut off gets no 200 and comes
# again. Within the 10 s a stop may take, with the outbox's last sends after it.
DELIVERY_GRACE = 5.0


class WebhookUnavailable(RuntimeError):
    """The webhook's address cannot be listened on; the message is one line for the operator."""


class WebhookServer:
    """The aiohttp application: Telegram's deliveries and the health check."""

    def __init__(
        self, application: App, path: str, secret: str, health: Callable[[], Awaitable[str]]
    ) -> None:
        self.application = application
        self.path = "/" + path.lstrip("/")
        self.secret = secret.encode()
        self.health = health
        self._failing: str | None = None  # the health problem last logged

    def web_app(self) -> web.Application:
        app = web.Application()
        app.router.add_post(self.path, self.deliver)
        app.router.add_get(HEALTH_PATH, self.check_health)
        return app

    async def deliver(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret):
            return web.Response(status=403, text="wrong or missing secret token")
        try:
            update = Update.de_json(await request.json(), self.application.bot)
        except Exception:  # whatever it is, it is not an update
            update = None
        if update is None:  # never log the body: it holds what someone typed
            log.warning("a webhook delivery was not a Telegram update")
            return web.Response(status=400, text="not an update")
        if not self.application.running:  # starting or stopping: Telegram delivers it again
            return web.Response(status=503, text="not running")
        # As the Application handles what it takes from its queue: through the update processor
        # (per-chat order, at most REGIEBOT_TELEGRAM_CONCURRENCY at once).
        await self.application.update_processor.process_update(
            update, self.application.process_update(update)
        )
        return web.Response(status=200)

    async def check_health(self, request: web.Request) -> web.Response:
        try:
            migration = await asyncio.wait_for(self.health(), HEALTH_TIMEOUT)
        except (OutdatedDatabase, DatabaseUnreachable, DatabaseUnusable, TimeoutError) as error:
            problem = _problem(error)
            if problem != self._failing:
                log.warning("health check failing: %s", error or problem)
                self._failing = problem
            return web.Response(status=503, text=f"unavailable: {problem}\n")
        if self._failing is not None:
            log.info("health check passing again")
            self._failing = None
        return web.Response(text=f"ok: database up to date (migration {migration})\n")


def _problem(error: Exception) -> str:
    """What is wrong, in words that name no host, file or user (the endpoint may be public)."""
    if isinstance(error, OutdatedDatabase):
        return "database schema not up to date"
    if isinstance(error, TimeoutError):
        return "database too slow to answer"
    return "database not reachable"


@contextlib.asynccontextmanager
async def receiving_webhook(
    application: App, settings: Settings, health: Callable[[], Awaitable[str]]
) -> AsyncIterator[None]:
    """The server listens and Telegram knows the webhook for the block; at its end the server
    stops taking deliveries, after queueing the ones under way."""
    assert settings.webhook_url is not None
    server = WebhookServer(
        application, urlparse(settings.webhook_url).path, settings.webhook_secret(), health
    )
    runner = web.AppRunner(server.web_app(), access_log=None, shutdown_timeout=DELIVERY_GRACE)
    await runner.setup()
    try:
        try:
            await web.TCPSite(runner, settings.webhook_listen, settings.webhook_port).start()
        except OSError as error:  # the port is taken, or the address is not this host's
            raise WebhookUnavailable(
                f"Cannot serve the webhook on {settings.webhook_listen}:{settings.webhook_port}: "
                f"{error.strerror or error}."
            ) from None
        await application.bot.set_webhook(
            settings.webhook_url,
            secret_token=settings.webhook_secret(),
            allowed_updates=Update.ALL_TYPES,
        )
        yield
    finally:
        await runner.cleanup()

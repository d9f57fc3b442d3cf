"""The fake Bot API as Telegram in front of a load balancer: updates POSTed to webhook URLs in
turn, with the secret token; a refused or failed delivery goes to the next URL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiohttp import web

from tests.telegram.fake_bot_api import SECRET_HEADER, FakeBotAPI

SECRET = "geheim"


@dataclass
class Receiver:
    """A webhook endpoint that records what reaches it; `failing` answers 500 that often."""

    name: str
    got: asyncio.Queue[tuple[str, int, str]]
    failing: int = 0
    runner: web.AppRunner | None = None
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/telegram"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/telegram", self.handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        assert self.runner is not None
        await self.runner.cleanup()

    async def handle(self, request: web.Request) -> web.Response:
        if self.failing:
            self.failing -= 1
            return web.Response(status=500)
        update = await request.json()
        await self.got.put((self.name, update["update_id"], request.headers[SECRET_HEADER]))
        return web.Response()


@pytest.fixture
async def receivers() -> AsyncIterator[tuple[Receiver, Receiver]]:
    got: asyncio.Queue[tuple[str, int, str]] = asyncio.Queue()
    pair = Receiver("a", got), Receiver("b", got)
    for receiver in pair:
        await receiver.start()
    yield pair
    for receiver in pair:
        if receiver.runner is not None and receiver.runner.server is not None:
            await receiver.stop()


async def arrived(receivers: tuple[Receiver, ...], count: int) -> list[tuple[str, int, str]]:
    """The next `count` updates to reach any of `receivers` (which share one queue): by whom,
    which, and with what secret."""
    got = receivers[0].got
    return sorted([await asyncio.wait_for(got.get(), 10) for _ in range(count)])


async def test_updates_go_to_each_webhook_in_turn(
    fake: FakeBotAPI, receivers: tuple[Receiver, Receiver]
) -> None:
    a, b = receivers
    hooks = fake.deliver_to([a.url, b.url], SECRET)
    ids = [await fake.send_text(600, f"bericht {n}") for n in range(4)]
    assert await arrived(receivers, 4) == [
        ("a", ids[0], SECRET),
        ("a", ids[2], SECRET),
        ("b", ids[1], SECRET),
        ("b", ids[3], SECRET),
    ]
    assert hooks.delivered == {a.url: 2, b.url: 2}
    await fake.redeliver(ids[0])  # as Telegram does when an answer timed out
    assert await arrived(receivers, 1) == [("a", ids[0], SECRET)]


async def test_a_failed_delivery_goes_to_the_other_webhook(
    fake: FakeBotAPI, receivers: tuple[Receiver, Receiver]
) -> None:
    a, b = receivers
    hooks = fake.deliver_to([a.url, b.url], SECRET)
    b.failing = 1
    first, second = (await fake.send_text(600, "een"), await fake.send_text(600, "twee"))
    assert await arrived(receivers, 2) == [("a", first, SECRET), ("a", second, SECRET)]
    await b.stop()  # down: connections refused
    ids = [await fake.send_text(600, f"bericht {n}") for n in range(4)]
    assert await arrived(receivers, 4) == [("a", n, SECRET) for n in ids]
    assert hooks.failed[b.url] == 3 and hooks.given_up == []

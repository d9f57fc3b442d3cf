"""The outbox dispatcher against the fake Bot API on 127.0.0.1: what the services queued arrives,
in order per chat and at the right chat, through flood control, server errors and dropped
connections; a chat that blocked the bot is given up, its person marked, the casus audited and
the coordinators told."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import col, select
from telegram import Bot

from bot.services.outbox import BLOCKED_ACTION, OutboxService
from bot.telegram.sender import Sender
from bot.workers.outbox import Backoff, OutboxDispatcher
from rules.vocabulary import Role
from storage import AuditLog, Database, Outbox, People
from storage.models import OutboxMessage, Person
from tests.clock import START, TestClock
from tests.telegram.fake_bot_api import FakeBotAPI, Fault

QUICK = Backoff(first=0.01, longest=0.05)
REGISSEUR, OTHER_REGISSEUR, COORDINATOR, AWAY_COORDINATOR, MELDER = 11, 12, 21, 22, 31
OFFER = {
    "text": "Casus ZVH-2026-0042 wordt u aangeboden.",
    "buttons": [
        {"label": "Accepteren", "action": "accepteer", "subject": "17"},
        {"label": "Afwijzen", "action": "wijs_af", "subject": "17"},
        {"label": "Bekijk de hele casus", "action": "toon", "subject": "42"},
    ],
}


def dispatcher_for(database: Database, bot: Bot, **options: Any) -> OutboxDispatcher:
    options = {
        "poll_interval": 0.05,
        "chat_interval": 0.0,
        "backoff": QUICK,
        "clock": TestClock(ticking=True),  # from START, where `queue` dates its rows
    } | options
    return OutboxDispatcher(OutboxService(database), Sender(bot, max_rate=30), **options)


@asynccontextmanager
async def running(dispatcher: OutboxDispatcher) -> AsyncIterator[OutboxDispatcher]:
    task = asyncio.create_task(dispatcher.run())
    try:
        yield dispatcher
    finally:
        dispatcher.stop()
        await asyncio.wait_for(task, 15)


async def queue(database: Database, *messages: tuple[int, str, str | None]) -> list[int]:
    async with database.transaction() as session:
        outbox = Outbox(session)
        return [
            await outbox.add(chat, {"text": text}, reference, now=START)
            for chat, text, reference in messages
        ]


async def rows(database: Database) -> list[OutboxMessage]:
    async with database.transaction() as session:
        return list(
            (await session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))).all()
        )


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 10.0) -> None:
    """Waits for a condition in the database, looking every 10 ms."""
    async with asyncio.timeout(timeout):
        while not await check():
            await asyncio.sleep(0.01)


def delivered(fake: FakeBotAPI) -> list[tuple[int, str]]:
    return [
        (int(c.params["chat_id"]), c.params["text"])
        for c in fake.calls
        if c.method == "sendMessage"
    ]


async def test_a_message_arrives_with_its_buttons_and_is_marked_sent(
    database: Database, fake: FakeBotAPI, bot: Bot
) -> None:
    async with database.transaction() as session:
        await Outbox(session).add(REGISSEUR, OFFER, "ZVH-2026-0042", now=START)
    async with running(dispatcher_for(database, bot)) as dispatcher:
        dispatcher.wake()
        await fake.wait_for(lambda: fake.count("sendMessage") == 1)
    message = fake.last(REGISSEUR)
    assert message["text"] == OFFER["text"]
    assert [
        [b["callback_data"] for b in row] for row in message["reply_markup"]["inline_keyboard"]
    ] == [
        ["a|accepteer|17", "a|wijs_af|17"],
        ["a|toon|42"],
    ]
    [row] = await rows(database)
    assert row.sent_at is not None and row.attempts == 1 and row.given_up_at is None


async def test_each_chat_gets_its_own_messages_in_order(
    database: Database, fake: FakeBotAPI, bot: Bot
) -> None:
    chats = range(101, 111)
    await queue(
        database, *((chat, f"bericht {n} voor {chat}", None) for n in range(4) for chat in chats)
    )
    async with running(dispatcher_for(database, bot)):
        await fake.wait_for(lambda: fake.count("sendMessage") == 40)
    for chat in chats:
        assert [m["text"] for m in fake.sent(chat)] == [
            f"bericht {n} voor {chat}" for n in range(4)
        ]
    assert all(text.endswith(f" {chat}") for chat, text in delivered(fake))
    assert all(row.sent_at is not None for row in await rows(database))


async def test_telegrams_limits_are_kept(database: Database, fake: FakeBotAPI, bot: Bot) -> None:
    """Against a fake that answers 429 past 30 a second per bot or one a second per chat, two
    messages each to 40 chats go without a single 429."""
    fake.limits = True
    chats = range(201, 241)
    await queue(database, *((chat, f"{n} aan {chat}", None) for n in range(2) for chat in chats))
    async with running(dispatcher_for(database, bot, chat_interval=1.0)):
        await fake.wait_for(lambda: fake.count("sendMessage") == 80, timeout=20)
    assert fake.limited == 0
    for chat in chats:
        assert [m["text"] for m in fake.sent(chat)] == [f"0 aan {chat}", f"1 aan {chat}"]


async def test_flood_control_reschedules_the_row_and_pauses_only_its_chat(
    database: Database, fake: FakeBotAPI, bot: Bot
) -> None:
    fake.faults.append(Fault("sendMessage", "429", 1, chat=REGISSEUR, retry_after=1))
    await queue(database, (REGISSEUR, "eerste", "ZVH-2026-0001"), (REGISSEUR, "tweede", None))
    await queue(database, (OTHER_REGISSEUR, "elders", None))
    async with running(dispatcher_for(database, bot)):
        await fake.wait_for(lambda: fake.count("sendMessage") == 3)
    assert delivered(fake) == [
        (OTHER_REGISSEUR, "elders"),
        (REGISSEUR, "eerste"),
        (REGISSEUR, "tweede"),
    ], "the other chat went on; the paused one kept its order"
    first = (await rows(database))[0]
    assert (first.attempts, first.last_error) == (2, "429 retry after 1")


async def test_server_errors_and_dropped_connections_are_tried_again(
    database: Database, fake: FakeBotAPI, bot: Bot
) -> None:
    fake.faults += [Fault("sendMessage", "500", 2), Fault("sendMessage", "drop", 2)]
    await queue(database, (REGISSEUR, "aanbod", "ZVH-2026-0001"))
    async with running(dispatcher_for(database, bot)):
        await fake.wait_for(lambda: fake.count("sendMessage") == 1)
    assert fake.count("sendMessage!500") == fake.count("sendMessage!drop") == 2
    [row] = await rows(database)
    assert row.sent_at is not None and row.attempts == 5
    assert row.last_error is not None and "NetworkError" in row.last_error


async def test_backoff_follows_the_clock_it_is_given(
    database: Database, fake: FakeBotAPI, bot: Bot
) -> None:
    clock = [datetime(2026, 3, 2, 9, 0, tzinfo=UTC)]
    fake.faults.append(Fault("sendMessage", "500", 1))
    async with database.transaction() as session:
        await Outbox(session).add(REGISSEUR, {"text": "aanbod"}, now=clock[0])
    dispatcher = dispatcher_for(
        database, bot, clock=lambda: clock[0], backoff=Backoff(first=60), jitter=lambda: 0.0
    )
    async with running(dispatcher):

        async def rescheduled() -> bool:
            return (await rows(database))[0].last_error is not None

        await eventually(rescheduled)
        [row] = await rows(database)
        assert row.next_attempt_at == clock[0] + timedelta(seconds=30), "half of 60 s: no jitter"
        clock[0] += timedelta(seconds=30)
        dispatcher.wake()
        await fake.wait_for(lambda: fake.count("sendMessage") == 1)


async def _people(database: Database) -> dict[int, Person]:
    async with database.transaction() as session:
        people = People(session)
        return {
            person.telegram_id or 0: await people.add(person)
            for person in (
                Person(
                    telegram_id=REGISSEUR, role=Role.REGISSEUR, display_name="Sanne", partij="wsg"
                ),
                Person(telegram_id=COORDINATOR, role=Role.COORDINATOR, display_name="Co"),
                Person(telegram_id=AWAY_COORDINATOR, role=Role.COORDINATOR, active=False),
                Person(telegram_id=MELDER, role=Role.MELDER),
            )
        }


async def test_a_chat_that_blocked_the_bot_is_given_up_and_the_coordinators_told(
    database: Database, fake: FakeBotAPI, bot: Bot
) -> None:
    people = await _people(database)
    fake.faults.append(Fault("sendMessage", "403", 100, chat=REGISSEUR))
    await queue(
        database,
        (REGISSEUR, "aanbod A", "ZVH-2026-0001"),
        (REGISSEUR, "aanbod B", "ZVH-2026-0002"),
        (REGISSEUR, "herinnering A", "ZVH-2026-0001"),
        (MELDER, "uw casus is aangeboden", "ZVH-2026-0001"),
    )
    async with running(dispatcher_for(database, bot)):
        await fake.wait_for(lambda: fake.count("sendMessage") == 3)  # the melder, two notices
    assert fake.count("sendMessage!403") == 1, "one try; nothing more to the blocked chat"
    assert fake.sent(REGISSEUR) == [] and fake.sent(AWAY_COORDINATOR) == []
    assert [m["text"] for m in fake.sent(COORDINATOR)] == [
        "Een bericht over ZVH-2026-0001 kon niet worden bezorgd: regisseur Sanne heeft "
        "regiebot geblokkeerd of het account bestaat niet meer. Neem zo nodig op een andere "
        "manier contact op.",
        "Een bericht over ZVH-2026-0002 kon niet worden bezorgd: regisseur Sanne heeft "
        "regiebot geblokkeerd of het account bestaat niet meer. Neem zo nodig op een andere "
        "manier contact op.",
    ]
    async with database.transaction() as session:
        due = await Outbox(session).claim(START + timedelta(days=1), timedelta(0), 99)
    assert due == [], "nothing is left to try, to the blocked chat or anyone"
    outbox = await rows(database)
    blocked_rows = [r for r in outbox if r.chat_id == REGISSEUR]
    assert all(r.given_up_at is not None and r.sent_at is None for r in blocked_rows)
    assert {r.last_error for r in blocked_rows} == {"403 Forbidden: bot was blocked by the user"}
    assert [r.casus_reference for r in outbox if r.chat_id == COORDINATOR] == [
        "ZVH-2026-0001",
        "ZVH-2026-0002",
    ]
    async with database.transaction() as session:
        regisseur = await People(session).by_telegram_id(REGISSEUR)
        audit = [
            (e.action, e.casus_reference, e.details)
            for reference in ("ZVH-2026-0001", "ZVH-2026-0002")
            for e in await AuditLog(session).of_casus(reference)
        ]
    assert regisseur is not None and regisseur.blocked_at is not None
    person = people[REGISSEUR].id
    assert audit == [
        (
            BLOCKED_ACTION,
            "ZVH-2026-0001",
            {
                "chat_id": REGISSEUR,
                "person_id": person,
                "outbox_id": blocked_rows[0].id,
                "status": "403",
            },
        ),
        (
            BLOCKED_ACTION,
            "ZVH-2026-0001",
            {
                "chat_id": REGISSEUR,
                "person_id": person,
                "outbox_id": blocked_rows[2].id,
                "status": "403",
            },
        ),
        (
            BLOCKED_ACTION,
            "ZVH-2026-0002",
            {
                "chat_id": REGISSEUR,
                "person_id": person,
                "outbox_id": blocked_rows[1].id,
                "status": "403",
            },
        ),
    ]


async def test_a_chat_telegram_does_not_know_is_given_up_too(
    database: Database, fake: FakeBotAPI, bot: Bot
) -> None:
    await _people(database)
    fake.faults.append(
        Fault("sendMessage", "400", 1, chat=404, description="Bad Request: chat not found")
    )
    await queue(database, (404, "aanbod", "ZVH-2026-0003"))
    async with running(dispatcher_for(database, bot)):
        await fake.wait_for(lambda: fake.count("sendMessage") == 1)
    assert fake.sent(COORDINATOR)[0]["text"].startswith(
        "Een bericht over ZVH-2026-0003 kon niet worden bezorgd: de ontvanger "
        "(Telegram-chat 404) heeft regiebot geblokkeerd"
    )
    assert (await rows(database))[0].given_up_at is not None


async def test_a_message_telegram_refuses_is_given_up_alone(
    database: Database, fake: FakeBotAPI, bot: Bot
) -> None:
    await _people(database)
    fake.faults.append(
        Fault(
            "sendMessage", "400", 1, chat=REGISSEUR, description="Bad Request: message is too long"
        )
    )
    await queue(database, (REGISSEUR, "te lang", "ZVH-2026-0004"), (REGISSEUR, "daarna", None))
    async with running(dispatcher_for(database, bot)):
        await fake.wait_for(lambda: fake.count("sendMessage") == 1)
    assert delivered(fake) == [(REGISSEUR, "daarna")], "the chat itself is fine"
    first, second = await rows(database)
    assert first.given_up_at is not None and first.last_error == "400 Message is too long"
    assert second.sent_at is not None
    async with database.transaction() as session:
        regisseur = await People(session).by_telegram_id(REGISSEUR)
    assert regisseur is not None and regisseur.blocked_at is None

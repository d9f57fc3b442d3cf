"""Two `regiebot run` replicas in webhook mode on one PostgreSQL database, the fake Bot API as
Telegram and load balancer in front of them, and the people of the test: 50 melders, a regisseur
for each partij their casussen go to, and OOV regisseurs. Runs the aanmeldingen (optionally
killing one replica halfway), then reads back what the database kept and what each chat got."""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from sqlalchemy import JSON, Executable, text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from bot.services.admission import AdmissionService
from bot.services.clock import wall_clock
from bot.settings import Settings
from rules.vocabulary import Role
from storage import Database
from tests.replicas.people import SCRIPTS, Chats, Notice, People, updates_of
from tests.replicas.replica import Replica, environment, free_ports, regiebot
from tests.telegram.fake_bot_api import TOKEN, FakeBotAPI, Webhooks

MELDERS = range(7001, 7051)
REGISSEURS = {partij: 7100 + n for n, partij in enumerate(SCRIPTS, start=1)}
OOV_REGISSEURS = range(7201, 7211)
OOV = "oov"
# Melders come in two waves of 25: each of the second starts once one of the first confirmed,
# so the dialogues of the second wave run beside the first wave's offers and timers. A replica
# is killed halfway through the second wave.
WAVE = 25
# An offer is answered within 0.003 h (10.8 s) or expires, with a reminder at half of it; every
# replica looks for due timers each second. Nobody answers in this test, and each partij has
# one regisseur, so every casus is offered once, reminded once, expires once and goes to OOV.
SETTINGS = {
    "assign_timeout_hours": "0.003",
    "timer_interval_seconds": "1",
    "outbox_lease_seconds": "10",
    "log_level": "INFO",
}
NOTIFIED_WITHIN = 120.0  # seconds: a guard against a hang, not a measure
KINDS_PER_CASUS = ("offer", "reminder", "expired", "naar_oov", "bij_oov")
AUDITED_ONCE = ("casus_aangemeld", "aangeboden", "herinnerd", "verlopen", "naar_oov")


def script_of(chat: int) -> tuple[str, dict[str, str | tuple[str, ...]]]:
    """The acting partij of a melder's casus and the answers that lead there."""
    partij = list(SCRIPTS)[(chat - MELDERS[0]) % len(SCRIPTS)]
    return partij, SCRIPTS[partij]


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    chat_id: int
    text: str
    casus_reference: str | None
    attempts: int
    sent: bool
    given_up: bool


@dataclass(frozen=True, slots=True)
class Kept:
    """What the database holds after the run."""

    casussen: list[dict[str, Any]]  # reference, chat_id, answers, status, holder (telegram id)
    audit: Counter[tuple[str, str]]  # (casus reference, action) -> entries
    offers: list[dict[str, Any]]  # casus reference, regisseur (telegram id), status
    outbox: list[OutboxRow]


@dataclass
class Run:
    """One run's figures, for the assertions and their messages."""

    seconds: float = 0.0  # from the first invitation until every notification arrived
    intake_seconds: float = 0.0  # until every melder had their casus reference
    updates: int = 0
    delivered: dict[str, int] = field(default_factory=dict)  # per replica
    failed_tries: dict[str, int] = field(default_factory=dict)
    killed_after: int | None = None  # updates delivered when the replica was killed
    repeats: int = 0  # actions people did again for want of an answer
    send_message: int = 0
    edit_message: int = 0
    timers: dict[str, tuple[int, int]] = field(default_factory=dict)  # (reminded, expired)

    def __str__(self) -> str:
        killed = f", one replica killed after {self.killed_after}" if self.killed_after else ""
        return (
            f"{self.updates} updates; every aanmelding done after {self.intake_seconds:.1f} s, "
            f"every notification after {self.seconds:.1f} s{killed}; delivered per replica "
            f"{self.delivered}, failed tries {self.failed_tries}; {self.repeats} actions "
            f"repeated by people; {self.send_message} sendMessage, {self.edit_message} "
            f"editMessageText; timers (reminded, expired) per replica {self.timers}"
        )


class Cluster:
    def __init__(self, fake: FakeBotAPI, database_url: str, logs: Path) -> None:
        self.fake = fake
        self.database_url = database_url
        self.env = environment(database_url, fake, **SETTINGS)
        self.replicas = [
            Replica(name, port, self.env, logs / f"replica-{name}.log")
            for name, port in zip("AB", free_ports(2), strict=True)
        ]
        self.database = Database(database_url)
        self.chats = Chats(fake)
        self.secret = Settings(telegram_token=SecretStr(TOKEN)).webhook_secret()
        self.hooks: Webhooks | None = None
        self.run = Run()

    async def start(self) -> None:
        """Migrations once, as an operator's one-shot step; then both replicas, in parallel."""
        await regiebot(self.env, "db", "upgrade")
        for replica in self.replicas:
            replica.start()
        await asyncio.gather(*(replica.listening() for replica in self.replicas))
        self.hooks = self.fake.deliver_to([r.url for r in self.replicas], self.secret)

    async def stop(self) -> None:
        await asyncio.gather(*(replica.stop() for replica in self.replicas))
        await self.database.dispose()

    def webhooks_set(self) -> list[dict[str, Any]]:
        return [c.params for c in self.fake.calls if c.method == "setWebhook"]

    async def aanmeldingen(
        self, *, patience: float, tries: int, kill_halfway: bool
    ) -> dict[int, str]:
        """Admits everyone, then runs the 50 aanmeldingen in two waves; returns each melder's
        casus reference once every notification about every casus has arrived."""
        began = time.perf_counter()
        people = People(self.fake, self.chats, patience, tries)
        admission = AdmissionService(self.database, clock=wall_clock)
        invited = [
            *((chat, Role.MELDER, None) for chat in MELDERS),
            *((chat, Role.REGISSEUR, partij) for partij, chat in REGISSEURS.items()),
            *((chat, Role.REGISSEUR, OOV) for chat in OOV_REGISSEURS),
        ]
        codes = {
            chat: (await admission.invite(role=role, partij=partij)).code
            for chat, role, partij in invited
        }
        await asyncio.gather(*(people.admitted(chat, code) for chat, code in codes.items()))
        killing = None
        if kill_halfway:
            updates = [updates_of(script_of(chat)[1]) for chat in MELDERS]
            halfway = self._delivered() + sum(updates[:WAVE]) + sum(updates[WAVE:]) // 2
            killing = asyncio.create_task(self._kill(self.replicas[1], halfway))
        confirmed = {chat: asyncio.Event() for chat in MELDERS}

        async def melder(chat: int) -> str:
            if chat - WAVE in confirmed:
                await confirmed[chat - WAVE].wait()
            reference = await people.aanmelding(chat, script_of(chat)[1])
            confirmed[chat].set()
            return reference

        try:
            references = await asyncio.gather(*(melder(chat) for chat in MELDERS))
        finally:
            if killing is not None:
                killing.cancel()
        self.run.intake_seconds = time.perf_counter() - began
        by_chat = dict(zip(MELDERS, references, strict=True))
        try:
            await self.fake.wait_for(lambda: not self._missing(by_chat), NOTIFIED_WITHIN)
        except TimeoutError:
            missing = self._missing(by_chat)
            raise AssertionError(
                f"{len(missing)} notifications never arrived, e.g. {missing[:5]}; "
                + "; ".join(f"replica {r.name}: {r.tail(10)}" for r in self.replicas)
            ) from None
        self.run.seconds = time.perf_counter() - began
        self.run.repeats = people.repeats.total()
        return by_chat

    async def _kill(self, replica: Replica, after: int) -> None:
        """SIGKILLs `replica` once `after` updates were delivered."""
        await self.fake.wait_for(lambda: self._delivered() >= after, NOTIFIED_WITHIN)
        replica.kill()
        self.run.killed_after = self._delivered()

    def _delivered(self) -> int:
        return self.hooks.delivered.total() if self.hooks is not None else 0

    def _missing(self, references: dict[int, str]) -> list[Notice]:
        """The notifications about these casussen that have not arrived (an OOV holder's
        notice as at chat 0: whoever of OOV matching chose)."""
        got = self.chats.notices
        held = {n.reference for n in got if n.kind == "bij_oov" and n.chat in OOV_REGISSEURS}
        return [
            *(n for c, r in references.items() for n in expected_notices(c, r) if n not in got),
            *(Notice("bij_oov", r, 0) for r in references.values() if r not in held),
        ]

    def figures(self) -> Run:
        assert self.hooks is not None
        run = self.run
        run.updates = self.fake.updates
        run.delivered = {r.name: self.hooks.delivered[r.url] for r in self.replicas}
        run.failed_tries = {r.name: self.hooks.failed[r.url] for r in self.replicas}
        run.send_message = self.fake.count("sendMessage")
        run.edit_message = self.fake.count("editMessageText")
        run.timers = {r.name: _timer_totals(r.timer_lines()) for r in self.replicas}
        return run

    async def kept(self) -> Kept:
        """Read after the replicas stopped: what the database kept."""
        engine = create_async_engine(self.database_url)
        try:
            async with engine.connect() as connection:
                casussen = await _rows(connection, CASUSSEN)
                audit = await _rows(connection, AUDIT)
                offers = await _rows(connection, OFFERS)
                outbox = await _rows(connection, OUTBOX)
        finally:
            await engine.dispose()
        return Kept(
            casussen,
            Counter((row["casus_reference"], row["action"]) for row in audit),
            offers,
            [
                OutboxRow(
                    row["id"],
                    row["chat_id"],
                    row["payload"]["text"],
                    row["casus_reference"],
                    row["attempts"],
                    row["sent_at"] is not None,
                    row["given_up_at"] is not None,
                )
                for row in outbox
            ],
        )


CASUSSEN = text(
    "SELECT c.reference, c.chat_id, c.answers, c.status, p.telegram_id AS holder"
    " FROM casussen c LEFT JOIN people p ON p.id = c.holder_id"
).columns(answers=JSON)
AUDIT = text("SELECT casus_reference, action FROM audit_log WHERE casus_reference IS NOT NULL")
OFFERS = text(
    "SELECT c.reference, p.telegram_id AS regisseur, a.status FROM assignments a"
    " JOIN casussen c ON c.id = a.casus_id JOIN people p ON p.id = a.regisseur_id"
)
OUTBOX = text(
    "SELECT id, chat_id, payload, casus_reference, attempts, sent_at, given_up_at"
    " FROM outbox ORDER BY id"
).columns(payload=JSON)


async def _rows(connection: AsyncConnection, query: Executable) -> list[dict[str, Any]]:
    return [dict(row) for row in (await connection.execute(query)).mappings()]


def expected_notices(chat: int, reference: str) -> list[Notice]:
    """What the outbox must bring about one melder's casus, except the OOV holder's notice
    (whoever of OOV matching chose)."""
    regisseur = _regisseur(chat)
    return [
        Notice("offer", reference, regisseur),
        Notice("reminder", reference, regisseur),
        Notice("expired", reference, regisseur),
        Notice("naar_oov", reference, chat),
    ]


def _regisseur(chat: int) -> int:
    """The chat of the regisseur a melder's casus is offered to."""
    return REGISSEURS[script_of(chat)[0]]


def _timer_totals(lines: list[str]) -> tuple[int, int]:
    reminded = sum(int(n) for line in lines for n in re.findall(r"reminded=(\d+)", line))
    expired = sum(int(n) for line in lines for n in re.findall(r"expired=(\d+)", line))
    return reminded, expired

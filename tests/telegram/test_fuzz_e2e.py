"""Fuzzed updates over the real PTB stack and the loopback fake Bot API, from every role at once:
presses of the buttons the bot sent, answers and garbage typed, commands with odd arguments,
forged button data (huge, negative and non-ASCII numbers), edited messages, a group chat, inline
queries, messages without text. Whatever comes, no update logs an ERROR and nobody is told "Er
ging iets mis".

REGIEBOT_FUZZ_UPDATES sets how many updates (250 by default); REGIEBOT_FUZZ_SEED replays a run
(each run prints its seed): the same choices, though a press picks among the messages the bot
had sent by then, which the order of concurrent chats can change a little."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import func
from sqlalchemy.engine import URL
from sqlmodel import select

from bot.settings import Settings
from bot.telegram.texts import SOMETHING_WENT_WRONG
from rules.vocabulary import Role
from storage import Database
from storage.models import Assignment, Casus
from tests.clock import TestClock
from tests.telegram.conftest import App, Running
from tests.telegram.fake_bot_api import TOKEN, FakeBotAPI
from tests.telegram.helpers import channel, wait_for_text

UPDATES = int(os.environ.get("REGIEBOT_FUZZ_UPDATES", "250"))
BATCH = 12  # updates sent before waiting for them all to be handled
COORDINATOR = 9001
REGISSEURS = {
    9011: "zvh",
    9012: "zvh",
    9013: "wijkteam",
    9014: "gi-jbra",
    9015: "ggz",
    9016: "oov",
    9017: "veilig-thuis",
    9018: "mee",
}
MELDERS = (9021, 9022, 9023, 9024)
STRANGERS = (9031, 9032)
GROUP_CHAT = -100500
PREFIXES = ("i", "a", "c", "g", "k", "p", "x", "")
NUMBERS = (
    "0",
    "1",
    "3",
    "-1",
    "-0",
    "-9223372036854775809",
    "2147483648",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551616",
    "9" * 40,
    "00000000000000000000001",
    "²",
    "٣",
    "1_0",
    " 1",
    "0x1f",
    "1e9",
    "ff",
    "",
)
ANSWERS = (
    "ja",
    "nee",
    "twijfel",
    "een persoon",
    "een groep",
    "maatregel",
    "onderzoek",
    "interventie",
    "vrijwillig",
    "ots",
    "voogdij",
    "jeugdreclassering",
    "reclassering",
    "politie",
    "leerplicht",
    "raad",
    "15",
    "30",
    "8",
    "17 jaar",
    "geen",
    "lvb",
    "psychisch, verslaving",
    "zorg",
    "veiligheid",
    "huiselijk geweld",
    "jeugdbescherming",
    "wijkteam",
    "vorige",
    "overslaan",
    "verder",
    "bevestig",
    "1",
    "2",
    "3",
    "4",
    "1, 3",
    "Geen capaciteit op dit moment.",
    "Jongere verzuimt al maanden school en de thuissituatie is onrustig.",
    "31-12-2026",
    "morgen",
    "wijzig persoon 1",
    "verwijder persoon 99999999999999999999",
    "wijzig leeftijd",
)
GARBAGE = (
    "9" * 4000,
    "-9223372036854775809",
    "jan.jansen@example.com",
    "jan.jansen (at) example.com",
    "bel 06-12345678",
    "123456782",
    "\u202eesrever",
    "😀" * 50,
    "\u0000",
    " ",
    "ZVH-2026-0001",
    "ZVH-99999999999999999999-1",
    "%s %d {0} {name}",
    "<b>vet</b>",
    "'; DROP TABLE people; --",
    "a|card|9223372036854775808",
)
COMMANDS = (
    "/start",
    "/start toegang",
    "/start 00000000000000000000000000000000",
    "/start a b",
    "/help",
    "/HELP",
    "/help@regiebot_test_bot",
    "/aanmelden",
    "/stoppen",
    "/opnieuw",
    "/wie",
    "/wie ots 15 lvb",
    "/wie 99999999999999999999",
    "/wie -5 jaar",
    "/status",
    "/status ZVH-2026-0001",
    "/status ZVH-2026-G001",
    "/status ZVH-99999999999999999999-99999999999999999999",
    "/mijn",
    "/profiel",
    "/groep",
    "/groep ZVH-2026-G001",
    "/groep ZVH-2026-0002",
    "/groep ZVH-2026-G99999999999999999999",
    "/uitnodigen",
    "/mensen",
    "/casussen",
    "/overzicht",
    "/onbekend",
)
SCRIPTS = (  # aanmeldingen for the partijen of REGISSEURS, up to the omschrijving
    ("ja", "een persoon", "vrijwillig", "30", "geen", "zorg", "geen"),
    ("ja", "een persoon", "vrijwillig", "40", "psychisch", "zorg", "wijkteam"),
    ("ja", "een persoon", "vrijwillig", "25", "geen", "huiselijk geweld", "geen"),
    ("ja", "een persoon", "maatregel", "ots", "15", "geen", "jeugdbescherming", "geen"),
    ("ja", "een groep", "vrijwillig", "16", "lvb", "zorg", "geen", "overslaan", "toevoegen"),
)
WORK = ("/aanmelden", "/mijn", "/casussen", "/mensen", "/uitnodigen", "/profiel", "/overzicht")
CALLBACK_DATA = (  # the shapes of issue 22's forged presses, beside those made of real buttons
    "a|card|9223372036854775808",
    "a|accept|9223372036854775808",
    "a|decline|-1",
    "a|close|18446744073709551616",
    "a|afr-gi-jbra|9223372036854775808.0",
    "a|afr-gi-jbra|1.9223372036854775808",
    "g|groep|9223372036854775808",
    "c|kaart|9223372036854775808|",
    "c|capaciteit|1|9223372036854775808",
    "c|dagen|1|99999999",
    "p|capaciteit|9223372036854775808",
    "p|dagen|99999999",
    "p|dagen|-1",
    "k|||||9223372036854775808",
)


class Handled:
    """Counts the updates the application has finished handling, whatever their outcome."""

    def __init__(self, app: App) -> None:
        self.count = 0
        self._changed = asyncio.Condition()
        processor = app.update_processor
        inner = processor.do_process_update

        async def counted(update: object, coroutine: Awaitable[Any]) -> None:
            try:
                await inner(update, coroutine)
            finally:
                async with self._changed:
                    self.count += 1
                    self._changed.notify_all()

        processor.do_process_update = counted  # type: ignore[method-assign]

    async def reach(self, count: int, timeout: float = 120.0) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: self.count >= count), timeout)


class Fuzzer:
    """Sends random updates of every kind, from a `random.Random` seeded once."""

    def __init__(self, fake: FakeBotAPI, rng: random.Random) -> None:
        self.fake = fake
        self.rng = rng
        # Melders most, so that aanmeldingen get far enough to reach regisseurs as offers.
        self.users = (COORDINATOR, *REGISSEURS, *MELDERS, *STRANGERS)
        self.weights = (2, *[1.5] * len(REGISSEURS), *[4] * len(MELDERS), *[0.5] * len(STRANGERS))
        self.seen: set[str] = set(CALLBACK_DATA)  # every button's data the bot sent
        self.kinds: dict[str, int] = {}
        self.scripts: dict[int, list[str]] = {}  # what each melder types next

    async def one(self) -> None:
        rng = self.rng
        kinds: tuple[tuple[Callable[[int], Awaitable[None]], float], ...] = (
            (self.press_a_button, 40),
            (self.type_an_answer, 15),
            (self.type_a_command, 10),
            (self.press_forged, 14),
            (self.type_garbage, 4),
            (self.edit_a_message, 4),
            (self.write_in_the_group, 7),
            (self.ask_inline, 2),
            (self.send_without_text, 2),
            (self.press_without_message, 2),
        )
        user = rng.choices(self.users, self.weights)[0]
        kind = rng.choices([k for k, _ in kinds], [w for _, w in kinds])[0]
        chance = rng.random()
        if user in MELDERS and chance < 0.6:  # mostly on with an aanmelding
            kind = self.follow_a_script if chance < 0.4 else self.press_a_button
        elif user in REGISSEURS and chance < 0.4:  # and answering the offers it brings
            kind = self.press_a_button
        self.kinds[kind.__name__] = self.kinds.get(kind.__name__, 0) + 1
        await kind(user)

    def _keyboards(self, chat: int) -> list[dict[str, Any]]:
        shown = [m for m in self.fake.sent(chat) if m.get("reply_markup")]
        for message in shown:
            for row in message["reply_markup"].get("inline_keyboard", []):
                self.seen.update(key["callback_data"] for key in row if "callback_data" in key)
        return shown[-3:]

    async def press_a_button(self, user: int) -> None:
        shown = self._keyboards(user)
        sent = self.fake.sent(user)
        if not shown or not sent[-1].get("reply_markup"):  # nothing to press now: open something
            work = ("/aanmelden",) if user in MELDERS else WORK
            await self.fake.send_text(user, self.rng.choice(work))
            return
        message = shown[-1] if self.rng.random() < 0.7 else self.rng.choice(shown)  # mostly now
        keys = [k for row in message["reply_markup"]["inline_keyboard"] for k in row]
        weights = [0.1 if k["text"] in ("Stoppen", "Sluiten") else 1.0 for k in keys]
        key = self.rng.choices(keys, weights)[0]
        await self.fake.press(user, message["message_id"], key["callback_data"])

    async def follow_a_script(self, user: int) -> None:
        """The next answer of a whole aanmelding, typed, so that casussen reach regisseurs."""
        script = self.scripts.setdefault(user, [])
        if not script:
            script += ["/aanmelden", *self.rng.choice(SCRIPTS), "overslaan", "bevestig"]
        await self.fake.send_text(user, script.pop(0))

    async def press_forged(self, user: int) -> None:
        rng = self.rng
        self._keyboards(user)
        parts = rng.choice(sorted(self.seen)).split("|")
        change = rng.random()
        if change < 0.6 and len(parts) > 1:
            parts[rng.randrange(1, len(parts))] = rng.choice(NUMBERS)
        elif change < 0.7 and len(parts) > 1:
            field = rng.randrange(1, len(parts))
            parts[field] = ".".join(rng.choice(NUMBERS) for _ in range(2))
        elif change < 0.8:
            parts[0] = rng.choice(PREFIXES)
        elif change < 0.9:
            parts.append(rng.choice(NUMBERS))
        data = "|".join(parts)[:64]
        shown = self.fake.sent(user)
        message = rng.choice(shown) if shown else self._message(user, "Vraag 1 van 9")
        await self.fake.send_update({"callback_query": self._query(user, data, message)})

    async def press_without_message(self, user: int) -> None:
        """A press on a message Telegram no longer shows: the query carries no message."""
        self._keyboards(user)
        query = self._query(user, self.rng.choice(sorted(self.seen)), None)
        await self.fake.send_update({"callback_query": query})

    async def type_an_answer(self, user: int) -> None:
        await self.fake.send_text(user, self.rng.choice(ANSWERS))

    async def type_garbage(self, user: int) -> None:
        rng = self.rng
        if rng.random() < 0.5:
            text = rng.choice(GARBAGE)
        else:
            alphabet = "aé€0123456789 -.|/@\n\t😀\u200b"
            text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 80)))
        await self.fake.send_text(user, text)

    async def type_a_command(self, user: int) -> None:
        await self.fake.send_text(user, self.rng.choice(COMMANDS))

    async def edit_a_message(self, user: int) -> None:
        text = self.rng.choice(ANSWERS + COMMANDS)
        edited = dict(self._message(user, text), edit_date=int(time.time()))
        await self.fake.send_update({"edited_message": edited})

    async def write_in_the_group(self, user: int) -> None:
        rng = self.rng
        text = rng.choice(ANSWERS + COMMANDS + GARBAGE)
        message = self._message(user, text, chat={"id": GROUP_CHAT, "type": "group", "title": "O"})
        if rng.random() < 0.2:
            data = rng.choice(sorted(self.seen))
            await self.fake.send_update({"callback_query": self._query(user, data, message)})
        else:
            await self.fake.send_update({"message": message})

    async def ask_inline(self, user: int) -> None:
        await self.fake.inline_query(user, self.rng.choice(ANSWERS + GARBAGE)[:256])

    async def send_without_text(self, user: int) -> None:
        message = self._message(user, "")
        del message["text"]
        message["photo"] = [{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}]
        if self.rng.random() < 0.5:
            message["caption"] = self.rng.choice(ANSWERS)
        await self.fake.send_update({"message": message})

    def _message(self, user: int, text: str, chat: dict[str, Any] | None = None) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": self.rng.randrange(1, 10**6),
            "date": int(time.time()),
            "text": text,
            "chat": chat or {"id": user, "type": "private"},
            "from": FakeBotAPI.user(user),
        }
        if text.startswith("/"):
            length = len(text.split()[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return message

    def _query(self, user: int, data: str, message: dict[str, Any] | None) -> dict[str, Any]:
        query: dict[str, Any] = {
            "id": f"fuzz{self.rng.randrange(10**9)}",
            "from": FakeBotAPI.user(user),
            "chat_instance": "ci",
            "data": data,
        }
        if message is not None:
            query["message"] = message
        return query


async def admit_everyone(fake: FakeBotAPI, app: App) -> None:
    admission = channel(app).admission
    people: list[tuple[int, Role, str | None]] = [(COORDINATOR, Role.COORDINATOR, None)]
    people += [(user, Role.REGISSEUR, partij) for user, partij in REGISSEURS.items()]
    people += [(user, Role.MELDER, "politie") for user in MELDERS]
    for user, role, partij in people:
        invitation = await admission.invite(role=role, partij=partij)
        await fake.send_text(user, f"/start {invitation.code}")
        await wait_for_text(fake, user, "Welkom bij regiebot!")


async def how_far(app: App) -> str:
    """How deep the fuzz got: casussen stored, offers made, and how those were answered."""
    async with channel(app).database.transaction() as session:
        casussen = (await session.exec(select(func.count()).select_from(Casus))).one()
        offers = await session.exec(
            select(Assignment.status, func.count()).group_by(Assignment.status)
        )
        answered = ", ".join(f"{count} {status}" for status, count in offers)
    return f"{casussen} casussen, offers: {answered or 'none'}"


@pytest.fixture
def seed() -> int:
    chosen = os.environ.get("REGIEBOT_FUZZ_SEED")
    return int(chosen) if chosen else random.SystemRandom().randrange(10**9)


async def test_fuzzed_updates_from_every_role_crash_nothing(
    fake: FakeBotAPI,
    database_url: URL,
    clock: TestClock,
    seed: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    print(f"\nfuzz: REGIEBOT_FUZZ_SEED={seed} REGIEBOT_FUZZ_UPDATES={UPDATES}")
    caplog.set_level(logging.WARNING)
    database = Database(database_url)
    await database.upgrade()  # the bot migrates a SQLite file itself, PostgreSQL not
    await database.dispose()
    settings = Settings(
        database_url=database_url.render_as_string(hide_password=False),
        telegram_token=SecretStr(TOKEN),
        telegram_base_url=fake.base_url,
    )
    bot = Running(settings, clock)
    app = await bot.start()
    started = time.monotonic()
    try:
        await admit_everyone(fake, app)
        handled = Handled(app)
        fuzzer = Fuzzer(fake, random.Random(seed))
        sent = 0
        while sent < UPDATES:
            for _ in range(min(BATCH, UPDATES - sent)):
                await fuzzer.one()
                sent += 1
            await handled.reach(sent)
        reached = await how_far(app)
    finally:
        await bot.stop()
    seconds = time.monotonic() - started
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    told = [c for c in fake.calls if c.params.get("text") == SOMETHING_WENT_WRONG]
    print(
        f"fuzz: {UPDATES} updates in {seconds:.1f} s; reached {reached}; "
        f"{len(errors)} ERROR log lines; {len(told)} 'Er ging iets mis'; kinds "
        + json.dumps(fuzzer.kinds)
    )
    replay = f"replay with REGIEBOT_FUZZ_SEED={seed} REGIEBOT_FUZZ_UPDATES={UPDATES}"
    assert not errors, f"{replay}: " + "; ".join(_error_line(r) for r in errors[:5])
    assert not told, f"{replay}: {len(told)} times 'Er ging iets mis'"


def _error_line(record: logging.LogRecord) -> str:
    if record.exc_info and record.exc_info[1] is not None:
        error = record.exc_info[1]
        return f"{record.getMessage()}: {type(error).__name__}: {error}"
    return record.getMessage()

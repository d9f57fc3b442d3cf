"""The people of the replicas test, played over the fake Bot API: melders who go through a whole
aanmelding by buttons (and type its omschrijving), regisseurs of the partijen the advice gives the
casussen to, and OOV regisseurs who hold what nobody answers in time.

A melder reads the latest message of their chat and answers what it asks, as a person does: if
no answer comes within `patience` seconds (the update died with a killed replica), they act
again on whatever the chat shows then: the same press again, a stale button's fresh question,
/aanmelden when no question is shown, or /status when the aanmelding turns out to be done."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from bot.telegram.texts import ADMISSION_TEXT, YOUR_CASUSSEN
from conversation.group import ONE
from conversation.intake import SCOPE
from tests.telegram.fake_bot_api import Call, FakeBotAPI
from tests.texts import reference_in

ADVICE = "Advies: casusregie bij"
REFERENCE = re.compile(r"ZVH-\d{4}-\d{4}")
WELCOME = "Welkom bij regiebot!"  # how every role's welcome begins

# What each melder answers, by the partij that must act on the casus it makes: the ZVH screens
# what the advice sends to screening; under reguliere regie the advised partij acts. A multi
# question's answer is a tuple of codes; ("geen",) presses its "Geen van deze".
SCRIPTS: dict[str, dict[str, str | tuple[str, ...]]] = {
    "zvh": {
        "criteria": "ja",
        "kader": "vrijwillig",
        "leeftijd": "volwassen",
        "profiel": ("geen",),
        "interventie": "zorg",
        "betrokken": ("geen",),
    },
    "gi-wsg": {
        "criteria": "ja",
        "kader": "maatregel",
        "maatregel": "ots",
        "leeftijd": "minderjarig",
        "profiel": ("lvb",),
        "interventie": "jeugdbescherming",
        "betrokken": ("wijkteam", "politie"),
    },
    "gi-jbra": {
        "criteria": "ja",
        "kader": "maatregel",
        "maatregel": "voogdij",
        "leeftijd": "minderjarig",
        "profiel": ("geen",),
        "interventie": "jeugdbescherming",
        "betrokken": ("geen",),
    },
    "svg": {
        "criteria": "twijfel",
        "kader": "maatregel",
        "maatregel": "reclassering",
        "leeftijd": "volwassen",
        "profiel": ("verslaving", "psychisch"),
        "interventie": "zorg",
        "betrokken": ("geen",),
    },
    "ldh": {
        "criteria": "ja",
        "kader": "maatregel",
        "maatregel": "reclassering",
        "leeftijd": "volwassen",
        "profiel": ("dakloos",),
        "interventie": "wonen",
        "betrokken": ("geen",),
    },
    "rn": {
        "criteria": "ja",
        "kader": "maatregel",
        "maatregel": "reclassering",
        "leeftijd": "jongvolwassen",
        "profiel": ("geen",),
        "interventie": "veiligheid",
        "betrokken": ("geen",),
    },
    "politie": {
        "criteria": "ja",
        "kader": "onderzoek",
        "instantie": "politie",
        "leeftijd": "jongvolwassen",
        "profiel": ("geen",),
        "interventie": "veiligheid",
        "betrokken": ("geen",),
    },
    "om": {
        "criteria": "ja",
        "kader": "interventie",
        "instantie": "om",
        "leeftijd": "volwassen",
        "profiel": ("geen",),
        "interventie": "veiligheid",
        "betrokken": ("ggz",),
    },
    "raad": {
        "criteria": "ja",
        "kader": "onderzoek",
        "instantie": "raad",
        "leeftijd": "minderjarig",
        "profiel": ("geen",),
        "interventie": "jeugdbescherming",
        "betrokken": ("geen",),
    },
    "dwi": {
        "criteria": "ja",
        "kader": "interventie",
        "instantie": "dwi",
        "leeftijd": "volwassen",
        "profiel": ("geen",),
        "interventie": "werk_inkomen",
        "betrokken": ("geen",),
    },
}
TYPED = "omschrijving"  # the one answer a melder types
SUMMARY = "summary"


def omschrijving(chat: int) -> str:
    return f"Melding van chat {chat}: zorgen over de thuissituatie."


def stored_answers(chat: int, script: dict[str, str | tuple[str, ...]]) -> dict[str, Any]:
    """What the casus must keep of the melder's answers (a multi answer as a sorted list)."""
    answers: dict[str, Any] = {
        question: sorted(a for a in answer if a != "geen") if isinstance(answer, tuple) else answer
        for question, answer in script.items()
    }
    return {**answers, TYPED: omschrijving(chat)}


def updates_of(script: dict[str, str | tuple[str, ...]]) -> int:
    """The updates one aanmelding takes with nothing lost: /aanmelden, a press per question (a
    tick per chosen option, then Verder) and for one person rather than a group, the typed
    omschrijving and Bevestigen."""
    presses = sum(
        1 if answer in ("geen", ("geen",)) or isinstance(answer, str) else len(answer) + 1
        for answer in script.values()
    )
    return 1 + presses + 3


def intake_step(message: dict[str, Any]) -> str | None:
    """The question (or "summary") a message's intake keyboard answers; None without one."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    data = str(rows[0][0]["callback_data"]) if rows and rows[0] else ""
    prefix, _, rest = data.partition("|")
    return rest.split("|")[0] if prefix == "i" else None


def button(message: dict[str, Any], code: str) -> dict[str, Any]:
    for row in message["reply_markup"]["inline_keyboard"]:
        for key in row:
            if str(key["callback_data"]).endswith(f"|{code}"):
                return dict(key)
    raise AssertionError(f"no button {code!r} in {message['text']!r}")


# --- what the bot told whom --------------------------------------------------------------------

NOTICES = {  # the notifications the outbox sends in this test, by the start of their text
    "offer": re.compile(r"^Nieuwe casus voor u: (ZVH-\d{4}-\d{4})"),
    "reminder": re.compile(r"^Herinnering: casus (ZVH-\d{4}-\d{4}) wacht"),
    "expired": re.compile(r"^Casus (ZVH-\d{4}-\d{4}) is niet op tijd beantwoord"),
    "naar_oov": re.compile(r"^Voor casus (ZVH-\d{4}-\d{4}) is nu geen geschikte"),
    "bij_oov": re.compile(r"^Casus (ZVH-\d{4}-\d{4}) is bij u ondergebracht"),
}


@dataclass(frozen=True, slots=True)
class Notice:
    kind: str
    reference: str
    chat: int


def notice_in(chat: int, text: str) -> Notice | None:
    for kind, pattern in NOTICES.items():
        found = pattern.match(text)
        if found:
            return Notice(kind, found.group(1), chat)
    return None


@dataclass
class Chats:
    """Everything the bot sent or edited, per chat, as the chat saw it, in order; and the
    notifications among it, counted."""

    fake: FakeBotAPI
    shown: dict[int, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    sent: Counter[tuple[int, str]] = field(default_factory=Counter)  # sendMessage per text
    notices: Counter[Notice] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.fake.listeners.append(self.on_call)

    def on_call(self, call: Call, result: Any) -> None:
        if call.method not in ("sendMessage", "editMessageText"):
            return
        chat = int(call.params["chat_id"])
        self.shown[chat].append(dict(call.params, method=call.method))
        if call.method == "sendMessage":
            self.sent[chat, call.params["text"]] += 1
            notice = notice_in(chat, call.params["text"])
            if notice is not None:
                self.notices[notice] += 1

    def latest(self, chat: int) -> dict[str, Any] | None:
        """The chat's newest message as it is now."""
        messages = self.fake.sent(chat)
        return messages[-1] if messages else None

    def steps(self, chat: int) -> list[str]:
        """The questions the chat was shown, in order, each once however often it was shown."""
        asked: list[str] = []
        for shown in self.shown[chat]:
            step = intake_step(shown)
            if step is not None and (not asked or asked[-1] != step):
                asked.append(step)
        return asked

    def seen(self, chat: int) -> list[str]:
        """What the chat was shown, in order and told apart: welcome, each question, the
        advice, each notification; `other` for anything else."""
        seen: list[str] = []
        for shown in self.shown[chat]:
            text, step = shown["text"], intake_step(shown)
            notice = notice_in(chat, text) if shown["method"] == "sendMessage" else None
            if step is not None:
                kind = step
            elif ADVICE in text:
                kind = "advice"
            elif text.startswith(WELCOME):
                kind = "welcome"
            elif notice is not None:
                kind = notice.kind
            elif text.startswith("✓ "):  # a typed answer closes its question's message
                continue
            else:
                kind = "other"
            if not seen or seen[-1] != kind:
                seen.append(kind)
        return seen


# --- playing the people ------------------------------------------------------------------------


@dataclass
class People:
    """Plays every person of the test. `patience`: seconds without an answer before a person
    acts again; `tries`: how often they act, at most, before the test fails."""

    fake: FakeBotAPI
    chats: Chats
    patience: float
    tries: int
    repeats: Counter[int] = field(default_factory=Counter)  # actions done again, per chat
    references: dict[int, str] = field(default_factory=dict)  # melder chat -> casus reference

    async def admitted(self, chat: int, code: str) -> None:
        """`/start CODE`, until the bot answers (welcome, or already admitted)."""
        await self._until(
            chat,
            lambda: self.fake.send_text(chat, f"/start {code}"),
            lambda: any(
                m["text"].startswith(WELCOME) or m["text"] in ADMISSION_TEXT.values()
                for m in self.fake.sent(chat)
            ),
        )

    async def aanmelding(self, chat: int, script: dict[str, str | tuple[str, ...]]) -> str:
        """A whole aanmelding, confirmed; returns the casus reference the melder was given."""
        shown = self._snapshot(chat)
        await self._until(
            chat,
            lambda: self.fake.send_text(chat, "/aanmelden"),
            lambda: self._moved_on(chat, shown),
        )
        confirmed = False
        while chat not in self.references:
            message = self.chats.latest(chat)
            assert message is not None
            step = intake_step(message)
            before = self._snapshot(chat)
            if ADVICE in message["text"]:
                self.references[chat] = reference_in(message["text"])
                break
            if step is None and confirmed:
                # Bevestigen was applied, but its answer died with a replica (the bot now says
                # the aanmelding is done): ask for the casus.
                await self._until(
                    chat,
                    lambda: self.fake.send_text(chat, "/status"),
                    lambda: self._latest_text(chat).startswith(YOUR_CASUSSEN),
                )
                [reference] = REFERENCE.findall(self._latest_text(chat))
                self.references[chat] = reference
                break
            if step is None:
                # An answer was applied, but the next question died with a replica: ask where
                # the aanmelding is.
                await self.fake.send_text(chat, "/aanmelden")
            else:
                confirmed |= step == SUMMARY
                await self._answer(chat, message, step, script)
            try:
                await self.fake.wait_for(partial(self._moved_on, chat, before), self.patience)
            except TimeoutError:
                self._repeat(chat)
        return self.references[chat]

    async def _answer(
        self,
        chat: int,
        message: dict[str, Any],
        step: str,
        script: dict[str, str | tuple[str, ...]],
    ) -> None:
        if step == TYPED:
            await self.fake.send_text(chat, omschrijving(chat))
            return
        if step == SUMMARY:
            code = "bevestig"
        elif step == SCOPE:
            code = ONE
        else:
            answer = script[step]
            if isinstance(answer, str) or answer == ("geen",):
                code = answer if isinstance(answer, str) else "geen"
            else:  # tick what is not ticked yet, then Verder
                unticked = [c for c in answer if not button(message, c)["text"].startswith("✅")]
                code = unticked[0] if unticked else "verder"
        data = str(button(message, code)["callback_data"])
        await self.fake.press(chat, message["message_id"], data)

    async def _until(
        self, chat: int, act: Callable[[], Awaitable[object]], done: Callable[[], bool]
    ) -> None:
        while True:
            await act()
            try:
                await self.fake.wait_for(done, self.patience)
                return
            except TimeoutError:
                self._repeat(chat)

    def _repeat(self, chat: int) -> None:
        self.repeats[chat] += 1
        assert self.repeats[chat] < self.tries, (
            f"chat {chat} got no answer within {self.patience} s, {self.repeats[chat]} times; "
            f"it was shown {self._latest_text(chat)!r}"
        )

    def _snapshot(self, chat: int) -> tuple[int, str, str]:
        message = self.chats.latest(chat)
        if message is None:
            return 0, "", ""
        return message["message_id"], message["text"], str(message.get("reply_markup"))

    def _latest_text(self, chat: int) -> str:
        message = self.chats.latest(chat)
        return "" if message is None else str(message["text"])

    def _moved_on(self, chat: int, before: tuple[int, str, str]) -> bool:
        return self._snapshot(chat) != before and self._settled(chat)

    def _settled(self, chat: int) -> bool:
        """The chat's newest message is one a person acts on: not the closed question a typed
        answer leaves before the next question follows."""
        message = self.chats.latest(chat)
        if message is None:
            return False
        text = message["text"]
        return intake_step(message) is not None or ADVICE in text or not text.startswith("✓ ")

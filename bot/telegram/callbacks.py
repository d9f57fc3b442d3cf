"""Callback data: what a button carries back when it is pressed, typed per feature.

Each feature has its own prefix (`i` intake, `a` assignment, `c` coordination, ...), so its
handler is routed by `pattern` and a button never lands in another feature's handler. Data is
`prefix|field|field...`, checked against Telegram's 64-byte limit when it is made; what cannot be
read back (another prefix, an older layout) is `None`, which handlers answer as a stale button.
A layout change takes a new prefix, so buttons on old messages are recognised as stale.

Data comes back from the user's side, so a press may carry anything. Fields hold codes, ids and
counts in a few ASCII characters, and every number in them is a whole number from 0 to
MAX_NUMBER: anything else (a negative or huge number, another script's digits) is data no button
carried, read as `None` here once, before any handler turns it into an id or a date.
"""

from __future__ import annotations

import dataclasses
import re
from typing import ClassVar, Self

MAX_BYTES = 64  # Telegram's limit on callback_data
SEPARATOR = "|"
MAX_NUMBER = 2**31 - 1  # ids are PostgreSQL INTEGERs; pages, capacities and days are far smaller
_FIELD = re.compile(r"[A-Za-z0-9_.:#-]*")  # codes, ids, composites ("12.0", "close:7", "kader#2")
_DIGITS = re.compile(r"[0-9]+")
_NEGATIVE = re.compile(r"(?:^|[.:#])-[0-9]")


@dataclasses.dataclass(frozen=True, slots=True)
class CallbackData:
    """Base of frozen dataclasses of string fields with a `prefix`, as aiogram's CallbackData."""

    prefix: ClassVar[str]

    def pack(self) -> str:
        values = [str(getattr(self, f.name)) for f in dataclasses.fields(self)]
        if not all(_readable(value) for value in values):
            raise ValueError(f"callback data that unpack would refuse: {values}")
        data = SEPARATOR.join((self.prefix, *values))
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data is {len(data.encode())} bytes, over {MAX_BYTES}")
        return data

    @classmethod
    def unpack(cls, data: str | None) -> Self | None:
        parts = (data or "").split(SEPARATOR)
        fields = dataclasses.fields(cls)
        if parts[0] != cls.prefix or len(parts) != len(fields) + 1:
            return None
        if not all(_readable(part) for part in parts[1:]):
            return None
        return cls(*parts[1:])

    @classmethod
    def pattern(cls) -> re.Pattern[str]:
        """For a CallbackQueryHandler: every button of this feature, and only those."""
        return re.compile(rf"^{re.escape(cls.prefix)}{re.escape(SEPARATOR)}")


@dataclasses.dataclass(frozen=True, slots=True)
class IntakeButton(CallbackData):
    """A button of the intake: `step` is the question (or summary) the message asked."""

    prefix: ClassVar[str] = "i"
    step: str
    button: str


def _readable(field: str) -> bool:
    """A field a button of ours can carry: its characters, and every number in it bounded."""
    return (
        _FIELD.fullmatch(field) is not None
        and _NEGATIVE.search(field) is None
        and all(len(n) <= 10 and int(n) <= MAX_NUMBER for n in _DIGITS.findall(field))
    )


def prefix_of(data: str | None) -> str:
    return (data or "").split(SEPARATOR, 1)[0]


@dataclasses.dataclass(frozen=True, slots=True)
class CasusButton(CallbackData):
    """A button about a casus (an offer, a card, a reason): `action` on `subject`, the id of the
    offer or casus it acts on, so a press on an old message acts on what that message showed."""

    prefix: ClassVar[str] = "a"
    action: str
    subject: str


@dataclasses.dataclass(frozen=True, slots=True)
class ProfileButton(CallbackData):
    """A button of /profiel: `action` with its `value` (an expertise code, the capacity it sets,
    a number of days; empty where none). Values are absolute, so a second press on an older
    message sets the same thing again instead of adding to it."""

    prefix: ClassVar[str] = "p"
    action: str
    value: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class ListButton(CallbackData):
    """A button of /casussen (coördinatoren): which filter's choices to show (`menu`, empty for
    the list), the filters and the page, so every press shows a list as it is now."""

    prefix: ClassVar[str] = "k"
    menu: str
    status: str
    partij: str
    age: str
    page: str


@dataclasses.dataclass(frozen=True, slots=True)
class CoordinationButton(CallbackData):
    """A button of /uitnodigen or /mensen: `action` on `subject` (a person or invitation id, or
    the invitation being made) with its `value` (a partij or expertise code, a capacity, a
    number of days, the chosen expertise as a bitmask; empty where none). Values are absolute,
    so a press on an older message sets what that message showed."""

    prefix: ClassVar[str] = "c"
    action: str
    subject: str = ""
    value: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class GroupButton(CallbackData):
    """A button of a group aanmelding (/groep): `action` on `subject`, the group's id (or, for
    going on without a note, what the chat's state row awaits), so a press on an old message
    acts on the group that message showed."""

    prefix: ClassVar[str] = "g"
    action: str
    subject: str

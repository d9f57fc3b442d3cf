"""A day as a Dutch professional types it ("5 december", "5-12", "05-12-2026", "vrijdag",
"2 weken"), read relative to today. Pure: the caller says which day today is.

A day without a year is the next one on or after today: "5 december" typed on 10 December is
next year's. A day in the past or more than a year ahead is refused with a Dutch explanation.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from conversation.typed import Invalid
from rules.words import normalize

MONTH_NAMES = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
ABBREVIATIONS = {"mrt": 3, "mar": 3, "sept": 9}  # beside each name's first three letters
MONTHS = {
    **{name: number for number, name in enumerate(MONTH_NAMES, start=1)},
    **{name[:3]: number for number, name in enumerate(MONTH_NAMES, start=1)},
    **ABBREVIATIONS,
}
WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
RELATIVE_DAYS = {"vandaag": 0, "morgen": 1, "overmorgen": 2}
UNITS = {"dag": 1, "dagen": 1, "week": 7, "weken": 7, "maand": 30, "maanden": 30}

# Words around the day that say nothing about it: "tot en met vrijdag 5 december".
_FILLER = re.compile(r"\b(?:afwezig|tot en met|t/m|tm|tot|en met|met|op|de|over)\b")
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})(?:[-/.](\d{2}|\d{4}))?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NAMED = re.compile(r"^(\d{1,2}) ([a-z]+)\.?(?: (\d{4}))?$")
_SPAN = re.compile(r"^(\d{1,3}|een|twee|drie|vier) ([a-z]+)$")
_SPELLED = {"een": 1, "twee": 2, "drie": 3, "vier": 4}

NOT_UNDERSTOOD = (
    "Die datum begrijp ik niet. Typ bijvoorbeeld 5 december, 5-12, 05-12-2026, vrijdag of 2 weken."
)
NO_SUCH_DAY = "Die datum bestaat niet. Typ bijvoorbeeld 5 december of 05-12-2026."
IN_THE_PAST = "Die datum ligt in het verleden. Typ een dag vanaf vandaag."
TOO_FAR = "Die datum ligt meer dan een jaar vooruit. Typ een dag binnen een jaar."


def read_day(text: str, today: date) -> date | Invalid:
    """The day `text` names, seen from `today`; `Invalid` with a Dutch message if it names none,
    or one in the past or more than a year ahead."""
    words = " ".join(_FILLER.sub(" ", normalize(text).replace(",", " ")).split())
    day = _day(words, today)
    return day if isinstance(day, Invalid) else within_a_year(day, today)


def within_a_year(day: date, today: date) -> date | Invalid:
    """`day` if it lies from today up to a year ahead."""
    if day < today:
        return Invalid(IN_THE_PAST)
    if day > _a_year_after(today):
        return Invalid(TOO_FAR)
    return day


def dutch_day(day: date) -> str:
    """The day as it is said: "vrijdag 5 december 2026"."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def _day(words: str, today: date) -> date | Invalid:
    # A weekday before a date ("vrijdag 5 december") adds nothing; alone, it is the next one.
    first, _, rest = words.partition(" ")
    if first in WEEKDAYS:
        if rest:
            return _day(rest, today)
        ahead = (WEEKDAYS.index(first) - today.weekday() - 1) % 7 + 1
        return today + timedelta(days=ahead)
    if words in RELATIVE_DAYS:
        return today + timedelta(days=RELATIVE_DAYS[words])
    if (match := _SPAN.match(words)) and match[2] in UNITS:
        count, unit = match.groups()
        amount = _SPELLED.get(count) or int(count)
        return today + timedelta(days=amount * UNITS[unit])
    if match := _ISO.match(words):
        return _calendar_day(int(match[1]), int(match[2]), int(match[3]))
    if match := _NUMERIC.match(words):
        return _dated(today, int(match[1]), int(match[2]), _full_year(match[3]))
    if (match := _NAMED.match(words)) and match[2] in MONTHS:
        return _dated(today, int(match[1]), MONTHS[match[2]], _full_year(match[3]))
    return Invalid(NOT_UNDERSTOOD)


def _dated(today: date, day: int, month: int, year: int | None) -> date | Invalid:
    """The day in `year`; without a year, the next such day on or after today."""
    if year is not None:
        return _calendar_day(year, month, day)
    this_year = _calendar_day(today.year, month, day)
    if isinstance(this_year, date) and this_year >= today:
        return this_year
    next_year = _calendar_day(today.year + 1, month, day)
    # 29 February: this year's may not exist where next year's does, or the other way round.
    return next_year if isinstance(next_year, date) or isinstance(this_year, Invalid) else this_year


def _calendar_day(year: int, month: int, day: int) -> date | Invalid:
    try:
        return date(year, month, day)
    except ValueError:
        return Invalid(NO_SUCH_DAY)


def _full_year(year: str | None) -> int | None:
    if year is None:
        return None
    return 2000 + int(year) if len(year) == 2 else int(year)


def _a_year_after(today: date) -> date:
    try:
        return today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year + 1, day=28)

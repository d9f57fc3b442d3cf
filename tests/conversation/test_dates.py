"""Days as people type them, read relative to a fixed today; the absence question answers each."""

from __future__ import annotations

from datetime import date

import pytest

from conversation import absence
from conversation.dates import (
    IN_THE_PAST,
    NO_SUCH_DAY,
    NOT_UNDERSTOOD,
    TOO_FAR,
    dutch_day,
    read_day,
)
from conversation.typed import Invalid

TODAY = date(2026, 11, 20)  # a Friday


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("5 december", date(2026, 12, 5)),
        ("5 December", date(2026, 12, 5)),
        ("5 dec", date(2026, 12, 5)),
        ("5 dec.", date(2026, 12, 5)),
        ("5 december 2026", date(2026, 12, 5)),
        ("zaterdag 5 december", date(2026, 12, 5)),
        ("tot en met 5 december", date(2026, 12, 5)),
        ("t/m 5-12", date(2026, 12, 5)),
        ("5-12", date(2026, 12, 5)),
        ("5/12", date(2026, 12, 5)),
        ("5.12", date(2026, 12, 5)),
        ("05-12-2026", date(2026, 12, 5)),
        ("5-12-26", date(2026, 12, 5)),
        ("2026-12-05", date(2026, 12, 5)),
        ("20 november", TODAY),  # today itself: absent for the rest of the day
        ("19 november", date(2027, 11, 19)),  # without a year: the next one
        ("3 jan", date(2027, 1, 3)),
        ("1 mrt", date(2027, 3, 1)),
        ("4 mei", date(2027, 5, 4)),
        ("maandag", date(2026, 11, 23)),
        ("vrijdag", date(2026, 11, 27)),  # today is a Friday: the next one
        ("vandaag", TODAY),
        ("morgen", date(2026, 11, 21)),
        ("overmorgen", date(2026, 11, 22)),
        ("1 week", date(2026, 11, 27)),
        ("2 weken", date(2026, 12, 4)),
        ("over twee weken", date(2026, 12, 4)),
        ("10 dagen", date(2026, 11, 30)),
    ],
)
def test_a_typed_day(typed: str, day: date) -> None:
    assert read_day(typed, TODAY) == day


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("19-11-2026", IN_THE_PAST),
        ("1-1-2020", IN_THE_PAST),
        ("21-11-2027", TOO_FAR),
        ("5-12-2028", TOO_FAR),
        ("60 weken", TOO_FAR),
        ("31-02", NO_SUCH_DAY),
        ("31 april", NO_SUCH_DAY),
        ("32-12-2026", NO_SUCH_DAY),
        ("5 decembre", NOT_UNDERSTOOD),
        ("volgende week", NOT_UNDERSTOOD),
        ("3 jaar", NOT_UNDERSTOOD),
        ("", NOT_UNDERSTOOD),
        ("123456789", NOT_UNDERSTOOD),
    ],
)
def test_a_day_refused_with_the_reason(typed: str, message: str) -> None:
    assert read_day(typed, TODAY) == Invalid(message)


def test_a_year_ahead_is_the_last_day_allowed() -> None:
    assert read_day("20-11-2027", TODAY) == date(2027, 11, 20)
    assert read_day("28-02-2025", date(2024, 2, 29)) == date(2025, 2, 28)
    assert read_day("1-3-2025", date(2024, 2, 29)) == Invalid(TOO_FAR)


@pytest.mark.parametrize(
    ("day", "said"),
    [
        (date(2026, 12, 5), "zaterdag 5 december 2026"),
        (date(2027, 5, 4), "dinsdag 4 mei 2027"),
        (date(2027, 3, 1), "maandag 1 maart 2027"),
    ],
)
def test_a_day_as_it_is_said(day: date, said: str) -> None:
    assert dutch_day(day) == said


def test_the_absence_question_answers_a_day_a_stop_and_anything_else() -> None:
    noted = absence.answer("5 december", TODAY)
    assert (noted.last_day, noted.done) == (date(2026, 12, 5), True)
    assert "afwezig tot en met zaterdag 5 december 2026" in noted.text
    assert noted.answered == "Afwezig tot en met zaterdag 5 december 2026"

    stopped = absence.answer("Stoppen", TODAY)
    assert (stopped.last_day, stopped.done, stopped.text) == (None, True, absence.UNCHANGED)
    assert stopped.answered == absence.NOT_CHANGED

    again = absence.answer("1-1-2020", TODAY)
    assert (again.last_day, again.done, again.answered) == (None, False, None)
    assert again.text == f"{IN_THE_PAST}\n\n{absence.QUESTION}", "the reason, then the question"

"""A regisseur types the last day of their absence: what that text means and what the bot says.
Pure: the caller stores the day and says which day today is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from conversation.dates import dutch_day, read_day
from conversation.typed import Invalid
from rules.words import normalize

QUESTION = (
    "Tot en met welke dag bent u afwezig? Typ een datum, bijvoorbeeld 5 december of 05-12-2026. "
    "Typ stoppen als u niets wilt wijzigen."
)
UNCHANGED = "Uw afwezigheid is niet gewijzigd. Met /profiel ziet u uw profiel."
NOT_CHANGED = "Afwezigheid niet gewijzigd"  # what the question's message shows once stopped
STOP_WORDS = frozenset({"stoppen", "stop", "annuleren", "laat maar", "terug", "niets"})


@dataclass(frozen=True, slots=True)
class AbsenceAnswer:
    """What a typed text did: named the last day absent, ended the question, or neither (then
    `text` asks again). `answered`: what the question's message shows once it is done."""

    text: str
    last_day: date | None = None
    answered: str | None = None

    @property
    def done(self) -> bool:
        return self.answered is not None


def answer(text: str, today: date) -> AbsenceAnswer:
    if normalize(text) in STOP_WORDS:
        return AbsenceAnswer(UNCHANGED, answered=NOT_CHANGED)
    day = read_day(text, today)
    if isinstance(day, Invalid):
        return AbsenceAnswer(f"{day.message}\n\n{QUESTION}")
    return AbsenceAnswer(noted(day), last_day=day, answered=f"Afwezig tot en met {dutch_day(day)}")


def noted(last_day: date) -> str:
    return (
        f"Genoteerd: u bent afwezig tot en met {dutch_day(last_day)}. Tot dan biedt regiebot u "
        "geen casussen aan. Met /profiel ziet en wijzigt u uw profiel."
    )

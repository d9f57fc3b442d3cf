"""How /profiel looks in Telegram: the profile in Dutch, and its keyboards as Bot API JSON."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from bot.services.profile import Profile
from bot.telegram.callbacks import ProfileButton
from bot.telegram.render import label, laid_out
from conversation.dates import dutch_day
from conversation.messages import Button

# Actions of a ProfileButton.
CHOOSE = "aan"  # value: the expertise code to choose
UNCHOOSE = "uit"  # value: the expertise code to unchoose
CAPACITY = "capaciteit"  # value: the capacity to set
ABSENCE = "afwezig"  # the choices of how long
DAYS = "dagen"  # value: absent to the end of the day this many days ahead
TYPE_DAY = "datum"  # the next typed text is the last day
PRESENT = "aanwezig"
BACK = "terug"
DONE = "klaar"

Key = Callable[[str, str, object], dict[str, str]]  # a button: its text, action and value

ABSENCE_CHOICES = (("1 week", 7), ("2 weken", 14))

TITLE = "Uw profiel"
NOTHING_CHOSEN = "nog niets gekozen"
NO_PARTIJ = "geen"
PRESENT_TEXT = "Aanwezig: u kunt casussen aangeboden krijgen."
ABSENT_TEXT = "Afwezig tot en met {day}: tot dan biedt regiebot u geen casussen aan."
HINT = "Tik op een expertise om die aan of uit te zetten."
HOW_LONG = "Hoe lang bent u afwezig?"
DONE_HINT = "Met /profiel bekijkt en wijzigt u uw profiel later opnieuw."
PRIVATE_ONLY = "Uw profiel bekijkt en wijzigt u in een privégesprek met mij."
ABSENT_BUTTON = "Afwezig tot…"
PRESENT_BUTTON = "Weer aanwezig"
TYPE_DAY_BUTTON = "Anders: typ een datum"
BACK_BUTTON = "Terug"
CANCEL_BUTTON = "Annuleren"
DONE_BUTTON = "Klaar"


def text(profile: Profile) -> str:
    lines = [TITLE, f"Partij: {profile.partij_name or NO_PARTIJ}", "", "Expertise"]
    for group in profile.expertise:
        chosen = ", ".join(o.label for o in group.options if o.chosen) or NOTHING_CHOSEN
        lines.append(f"• {group.title}: {chosen}")
    lines += ["", f"Capaciteit: {casussen(profile.capacity)} tegelijk"]
    lines.append(f"Nu open: {casussen(profile.open_casussen)} (opgepakt of aan u aangeboden)")
    lines.append(
        PRESENT_TEXT
        if profile.last_absent_day is None
        else ABSENT_TEXT.format(day=dutch_day(profile.last_absent_day))
    )
    return "\n".join(lines)


def casussen(count: int) -> str:
    return f"{count} casus" if count == 1 else f"{count} casussen"


def shown(profile: Profile) -> tuple[str, str]:
    """The profile with every button that changes it."""
    return f"{text(profile)}\n\n{HINT}", _keyboard(profile_rows(profile))


def absence_choices(profile: Profile) -> tuple[str, str]:
    """The profile, asking how long they are away."""
    rows = [
        [_key(name, DAYS, str(days)) for name, days in ABSENCE_CHOICES],
        [_key(TYPE_DAY_BUTTON, TYPE_DAY)],
        [_key(BACK_BUTTON, BACK)],
    ]
    return f"{text(profile)}\n\n{HOW_LONG}", _keyboard(rows)


def asking_day(profile: Profile, question: str) -> tuple[str, str]:
    """The profile, waiting for a typed last day of absence."""
    return f"{text(profile)}\n\n{question}", _keyboard([[_key(CANCEL_BUTTON, BACK)]])


def closed(profile: Profile) -> str:
    """The profile without buttons, when they are done."""
    return f"{text(profile)}\n\n{DONE_HINT}"


def profile_rows(profile: Profile, key: Key | None = None) -> list[list[dict[str, str]]]:
    """The buttons that change `profile`; `key` makes each button (text, action, value), for
    a coördinator who changes someone else's profile with buttons of their own."""
    key = key or _key
    rows: list[list[dict[str, str]]] = []
    for group in profile.expertise:
        options = [Button(o.code, o.label, o.chosen) for o in group.options]
        rows += [
            [key(label(b, multi=True), UNCHOOSE if b.selected else CHOOSE, b.id) for b in row]
            for row in laid_out(options)
        ]
    capacity = []
    if profile.can_lower:
        capacity.append(
            key(f"➖ Capaciteit {profile.capacity - 1}", CAPACITY, profile.capacity - 1)
        )
    if profile.can_raise:
        capacity.append(
            key(f"➕ Capaciteit {profile.capacity + 1}", CAPACITY, profile.capacity + 1)
        )
    absence = [key(ABSENT_BUTTON, ABSENCE, "")]
    if profile.last_absent_day is not None:
        absence.append(key(PRESENT_BUTTON, PRESENT, ""))
    return [*rows, capacity, absence, [key(DONE_BUTTON, DONE, "")]]


def _key(text: str, action: str, value: object = "") -> dict[str, str]:
    return {"text": text, "callback_data": ProfileButton(action, str(value)).pack()}


def _keyboard(rows: Sequence[Sequence[dict[str, str]]]) -> str:
    return json.dumps({"inline_keyboard": [list(r) for r in rows if r]}, ensure_ascii=False)

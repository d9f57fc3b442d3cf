"""How /uitnodigen and /mensen look in Telegram: Dutch texts and keyboards as Bot API JSON.

An invitation being made travels in its buttons (role, partij, chosen expertise as a bitmask
over the schema's expertise options), so nothing about it is stored until "Maak uitnodiging"."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from bot.services.assignment import Moved
from bot.services.dates import shown_moment
from bot.services.people import Group, Pending, PersonCard, PersonLine
from bot.telegram import profile_view
from bot.telegram.callbacks import CoordinationButton
from bot.telegram.render import label, laid_out
from conversation.casus_texts import STATUS_TEXT
from conversation.dates import dutch_day
from conversation.messages import Button
from rules import Schema
from rules.schema import Partij
from rules.vocabulary import CasusStatus, Role

# Actions of a CoordinationButton. /uitnodigen: subject is the invitation being made.
ROLE = "rol"  # value: the role
PARTIJ = "ptj"  # subject: the role; value: the partij (empty: none)
EXPERTISE = "exp"  # subject: role.partij; value: the chosen expertise as a hex bitmask
MAKE = "maak"  # subject: role.partij; value: the bitmask
CANCEL = "stop"
# /mensen: subject is a person's id, unless said otherwise.
LIST = "lijst"
CARD = "kaart"
MOVE = "naar"  # the partij choices
SET_PARTIJ = "zet"  # value: the partij
DEACTIVATE = "weg"  # asks to confirm
CONFIRMED = "wegja"
PENDING = "uitn"
REVOKE = "intrek"  # subject: the invitation's id
# and profile_view's CHOOSE, UNCHOOSE, CAPACITY, ABSENCE, DAYS, PRESENT, DONE, BACK

ROLE_NAME = {Role.MELDER: "melder", Role.REGISSEUR: "regisseur", Role.COORDINATOR: "coördinator"}
ROLE_TITLE = {
    Role.COORDINATOR: "Coördinatoren",
    Role.REGISSEUR: "Regisseurs",
    Role.MELDER: "Melders",
}
WHICH_ROLE = "Wie nodigt u uit? Kies de rol van de nieuwe deelnemer."
WHICH_PARTIJ = "Voor welke partij werkt de nieuwe {role}?"
NO_PARTIJ = "Geen partij"
WHICH_EXPERTISE = (
    "Uitnodiging voor een regisseur van {partij}.\n\nWelke expertise heeft deze regisseur? Tik "
    "om aan of uit te zetten; daarna Maak uitnodiging. Later kan dit ook via /mensen."
)
CONFIRM_INVITE = "Uitnodiging voor een {what}.\n\nKlopt dit? Dan maak ik de uitnodiging."
MAKE_BUTTON = "Maak uitnodiging"
CANCEL_BUTTON = "Annuleren"
CANCELLED = "Er is geen uitnodiging gemaakt."
MADE = (
    "Uitnodiging gemaakt voor een {what}.\n\n"
    "Stuur deze link door aan die persoon. De link werkt één keer en is geldig tot {until}:\n"
    "{link}\n\n"
    "Werkt de link niet, dan kan die persoon mij ook /start {code} sturen.\n"
    "Met /mensen ziet u openstaande uitnodigingen en kunt u ze intrekken."
)
PEOPLE = "Mensen met toegang tot regiebot"
PEOPLE_HINT = "Tik op een naam om die persoon te bekijken of te wijzigen."
NOBODY = "Er heeft nog niemand toegang."
INVITATIONS_BUTTON = "Uitnodigingen"
BACK_TO_LIST = "Terug naar de lijst"
DONE_BUTTON = "Klaar"
CLOSED = "Met /mensen bekijkt u de mensen later opnieuw."
CARD_HINT = "Wijzigingen gelden direct; de persoon krijgt er geen bericht over."
ABSENT_FROM_LIST = "afwezig"
MOVE_BUTTON = "Partij wijzigen"
DEACTIVATE_BUTTON = "Deactiveren"
WHICH_NEW_PARTIJ = "Naar welke partij gaat {name}?"
CONFIRM_DEACTIVATE = (
    "Weet u zeker dat u {name} wilt deactiveren? Die persoon heeft dan direct geen toegang "
    "meer. Casussen die aan die persoon zijn aangeboden of die die persoon heeft, gaan direct "
    "naar de volgende geschikte regisseur, of naar de afdeling OOV als er geen is; de melder "
    "hoort het. Met een nieuwe uitnodiging kan die persoon later terugkomen."
)
CONFIRM_BUTTON = "Ja, deactiveren"
DEACTIVATED = "{name} is gedeactiveerd en heeft geen toegang meer."
MOVED_HEAD = "Deze casussen zijn daardoor verder gegaan:"
MOVED_LINE = {  # by whether the casus was offered to them (else they held it)
    True: "• {reference} (was aan {name} aangeboden): nu {status}",
    False: "• {reference} (was in handen van {name}): nu {status}",
}
MOVED_OFFERED = "aangeboden aan een regisseur van {partij}"
NOT_ACTIVE = "Deze persoon heeft geen toegang (meer)."
NOT_YOURSELF = "U kunt uzelf niet deactiveren; vraag dat een andere coördinator."
HOW_LONG = "Hoe lang is {name} afwezig?"
PENDING_TITLE = "Openstaande uitnodigingen"
NO_PENDING = "Er staan geen uitnodigingen open."
REVOKED = "De uitnodiging is ingetrokken: de link werkt niet meer."
ALREADY_GONE = "Deze uitnodiging was al gebruikt of verlopen."
PENDING_LINE = "{n}. {what}, geldig tot {until}"
REVOKE_BUTTON = "Intrekken {n}"
LISTED = 80  # invitations with a button; a keyboard holds about 100
PAGE = 25  # people a page of /mensen lists, each with a button


def invite_roles() -> tuple[str, str]:
    rows = [[_key(ROLE_NAME[r].capitalize(), ROLE, "", r.value)] for r in _INVITED]
    return WHICH_ROLE, _keyboard([*rows, [_key(CANCEL_BUTTON, CANCEL)]])


def invite_partijen(role: Role, partijen: Sequence[Partij]) -> tuple[str, str]:
    """A partij for a melder (or none) and a regisseur."""
    keys = [Button(p.code, p.name) for p in partijen]
    rows = [[_key(b.label, PARTIJ, role.value, b.id) for b in row] for row in laid_out(keys)]
    if role == Role.MELDER:
        rows.append([_key(NO_PARTIJ, PARTIJ, role.value, "")])
    rows.append([_key(CANCEL_BUTTON, CANCEL)])
    return WHICH_PARTIJ.format(role=ROLE_NAME[role]), _keyboard(rows)


def invite_expertise(schema: Schema, partij: Partij, mask: int) -> tuple[str, str]:
    draft = _draft(Role.REGISSEUR, partij.code)
    rows: list[list[dict[str, str]]] = []
    codes = expertise_codes(schema)
    for question in schema.expertise_questions:
        options = [
            Button(o.code, o.label, bool(mask & _bit(codes, o.code))) for o in question.options
        ]
        rows += [
            [
                _key(label(b, multi=True), EXPERTISE, draft, f"{mask ^ _bit(codes, b.id):x}")
                for b in row
            ]
            for row in laid_out(options)
        ]
    rows.append([_key(MAKE_BUTTON, MAKE, draft, f"{mask:x}"), _key(CANCEL_BUTTON, CANCEL)])
    return WHICH_EXPERTISE.format(partij=partij.name), _keyboard(rows)


def invite_confirm(role: Role, partij: Partij | None) -> tuple[str, str]:
    rows = [[_key(MAKE_BUTTON, MAKE, _draft(role, partij.code if partij else ""), "0")]]
    rows.append([_key(CANCEL_BUTTON, CANCEL)])
    return CONFIRM_INVITE.format(what=invited(role, partij.name if partij else None)), _keyboard(
        rows
    )


def made(what: str, link: str, code: str, until: datetime) -> str:
    return MADE.format(what=what, until=shown_moment(until), link=link, code=code)


def invited(role: Role, partij_name: str | None, expertise: Sequence[str] = ()) -> str:
    """ "regisseur van Wijkteam, expertise: LVB, Wonen"."""
    what = ROLE_NAME[role] + (f" van {partij_name}" if partij_name else "")
    return what + (f", expertise: {', '.join(expertise)}" if expertise else "")


def expertise_codes(schema: Schema) -> tuple[str, ...]:
    """The order of the bitmask's bits."""
    return tuple(o.code for q in schema.expertise_questions for o in q.options)


def chosen_codes(schema: Schema, mask: int) -> tuple[str, ...]:
    return tuple(c for i, c in enumerate(expertise_codes(schema)) if mask >> i & 1)


def people_list(groups: Sequence[Group], page: int = 0) -> tuple[str, str]:
    """Everyone with access by role and partij, a page of PAGE people at a time, each a button
    to their card: any number of people stays within Telegram's limits."""
    everyone = [(group, person) for group in groups for person in group.people]
    pages = max(1, -(-len(everyone) // PAGE))
    page = min(max(page, 0), pages - 1)
    shown = everyone[page * PAGE : (page + 1) * PAGE]
    lines = [PEOPLE if pages == 1 else f"{PEOPLE} (blad {page + 1} van {pages})"]
    keys: list[list[dict[str, str]]] = []
    current: Group | None = None
    for group, person in shown:
        if group is not current:
            current = group
            title = ROLE_TITLE[group.role] + (
                f" – {group.partij_name}" if group.partij_name else ""
            )
            lines += ["", title]
        lines.append(f"• {_line(person)}")
        keys.append([_key(person.name or "(zonder naam)", CARD, str(person.person_id))])
    lines += ["", NOBODY if not groups else PEOPLE_HINT]
    turns = [
        _key(label, LIST, "", str(to))
        for label, to in (("« Vorige", page - 1), ("Volgende »", page + 1))
        if 0 <= to < pages
    ]
    if turns:
        keys.append(turns)
    keys.append([_key(INVITATIONS_BUTTON, PENDING), _key(DONE_BUTTON, profile_view.DONE)])
    return _fitting("\n".join(lines)), _keyboard(keys)


def person_text(card: PersonCard) -> str:
    profile = card.profile
    lines = [
        card.name,
        f"Rol: {ROLE_NAME[profile.role]}",
        f"Partij: {profile.partij_name or profile_view.NO_PARTIJ}",
    ]
    if profile.role != Role.MELDER:
        lines += ["", "Expertise"]
        for group in profile.expertise:
            chosen = ", ".join(o.label for o in group.options if o.chosen)
            lines.append(f"• {group.title}: {chosen or profile_view.NOTHING_CHOSEN}")
        lines += [
            "",
            f"Capaciteit: {profile_view.casussen(profile.capacity)} tegelijk",
            f"Nu open: {profile_view.casussen(profile.open_casussen)} (opgepakt of aangeboden)",
            "Aanwezig."
            if profile.last_absent_day is None
            else f"Afwezig tot en met {dutch_day(profile.last_absent_day)}.",
        ]
    return "\n".join(lines)


def person_card(card: PersonCard) -> tuple[str, str]:
    subject = str(card.profile.person_id)

    def key(text: str, action: str, value: object) -> dict[str, str]:
        return _key(text, action, subject, str(value))

    rows = profile_view.profile_rows(card.profile, key) if card.profile.role != Role.MELDER else []
    rows = rows[:-1]  # profile_view's own "Klaar"
    rows.append([key(MOVE_BUTTON, MOVE, ""), key(DEACTIVATE_BUTTON, DEACTIVATE, "")])
    rows.append([_key(BACK_TO_LIST, LIST)])
    return f"{person_text(card)}\n\n{CARD_HINT}", _keyboard(rows)


def partij_choices(card: PersonCard, partijen: Sequence[Partij]) -> tuple[str, str]:
    subject = str(card.profile.person_id)
    keys = [
        Button(p.code, ("✓ " if p.code == card.profile.partij else "") + p.name) for p in partijen
    ]
    rows = [[_key(b.label, SET_PARTIJ, subject, b.id) for b in row] for row in laid_out(keys)]
    rows.append([_key(profile_view.BACK_BUTTON, CARD, subject)])
    text = f"{person_text(card)}\n\n{WHICH_NEW_PARTIJ.format(name=card.name)}"
    return text, _keyboard(rows)


def absence_choices(card: PersonCard) -> tuple[str, str]:
    subject = str(card.profile.person_id)
    rows = [
        [_key(name, profile_view.DAYS, subject, str(days)) for name, days in _HOW_LONG],
        [_key(profile_view.BACK_BUTTON, CARD, subject)],
    ]
    return f"{person_text(card)}\n\n{HOW_LONG.format(name=card.name)}", _keyboard(rows)


def deactivated(name: str, moved: Sequence[Moved]) -> str:
    """What the coördinator reads once someone is deactivated: which casussen moved, and where
    they are now."""
    lines = [DEACTIVATED.format(name=name)]
    if moved:
        lines += ["", MOVED_HEAD]
    for casus in moved:
        status = (
            MOVED_OFFERED.format(partij=casus.partij_name)
            if casus.status == CasusStatus.AANGEBODEN
            else STATUS_TEXT[casus.status]
        )
        lines.append(
            MOVED_LINE[casus.offered].format(reference=casus.reference, name=name, status=status)
        )
    return "\n".join(lines)


def confirm_deactivate(card: PersonCard) -> tuple[str, str]:
    subject = str(card.profile.person_id)
    rows = [[_key(CONFIRM_BUTTON, CONFIRMED, subject), _key(CANCEL_BUTTON, CARD, subject)]]
    return CONFIRM_DEACTIVATE.format(name=card.name), _keyboard(rows)


def back_to_list(text: str) -> tuple[str, str]:
    return text, _keyboard([[_key(BACK_TO_LIST, LIST)]])


def pending_list(pending: Sequence[Pending], note: str | None = None) -> tuple[str, str]:
    lines = [note, ""] if note else []
    lines.append(PENDING_TITLE)
    keys: list[dict[str, str]] = []
    for n, invitation in enumerate(pending, start=1):
        what = invited(invitation.role, invitation.partij_name, invitation.expertise)
        until = shown_moment(invitation.expires_at)
        lines.append(PENDING_LINE.format(n=n, what=what[:1].upper() + what[1:], until=until))
        if len(keys) < LISTED:
            keys.append(_key(REVOKE_BUTTON.format(n=n), REVOKE, str(invitation.invitation_id)))
    if not pending:
        lines.append(NO_PENDING)
    rows = [keys[i : i + 3] for i in range(0, len(keys), 3)]
    rows.append([_key(BACK_TO_LIST, LIST)])
    return _fitting("\n".join(lines)), _keyboard(rows)


_INVITED = (Role.REGISSEUR, Role.MELDER, Role.COORDINATOR)
_HOW_LONG = (*profile_view.ABSENCE_CHOICES, ("4 weken", 28), ("3 maanden", 91))


def _line(person: PersonLine) -> str:
    """A regisseur with how busy they are; anyone else by name."""
    if person.role != Role.REGISSEUR:
        return person.name
    busy = f"{person.open_casussen} van {person.capacity} open"
    return f"{person.name}: {busy}" + (f", {ABSENT_FROM_LIST}" if person.absent else "")


def _draft(role: Role, partij: str) -> str:
    return f"{role.value}.{partij}"


def draft_of(subject: str) -> tuple[Role, str | None] | None:
    """The role and partij of an invitation being made, as its buttons carry them."""
    role, _, partij = subject.partition(".")
    if role not in {r.value for r in Role}:
        return None
    return Role(role), partij or None


def _bit(codes: Sequence[str], code: str) -> int:
    return 1 << codes.index(code)


def _fitting(text: str) -> str:
    limit = 4000  # Telegram's message limit is 4,096 characters
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _key(text: str, action: str, subject: str = "", value: str = "") -> dict[str, str]:
    return {"text": text, "callback_data": CoordinationButton(action, subject, value).pack()}


def _keyboard(rows: Sequence[Sequence[dict[str, str]]]) -> str:
    return json.dumps({"inline_keyboard": [list(r) for r in rows if r]}, ensure_ascii=False)

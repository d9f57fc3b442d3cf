"""A group aanmelding as the ZVH regisseurs see it, and what their group finding says, in Dutch:
the group view with one short entry per member, the finding's questions, what the melder is told,
and the group's lines on a member's card and in /status. Pure: the service gathers the facts
(`GroupFacts`); every channel renders the `Card`s alike."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from conversation.casus_texts import MAX_MESSAGE, NO_NAMES, STATUS_LABEL, Action, Card
from conversation.group import short_name
from rules.matching import OOV, REGULIERE_REGIE, SCREENING
from rules.vocabulary import CasusStatus, GroupFinding

# The actions of the group's own buttons; all begin with VIEW, so a channel routes them together.
VIEW = "groep"  # subject: the group's id
CHOOSE = "groep-kies"  # subject: the group's id
FIND = "groep-b-"  # + a GroupFinding; subject: the group's id
WITHOUT_NOTE = "groep-zonder"  # subject: what the chat's state row awaits ("<code>:<group id>")
OPEN_CARD = "card"  # a member's casus card (the casus service's own action)

FINDING_LABEL = {
    GroupFinding.SIGNALEREND: "Signalerende functie richting een instelling",
    GroupFinding.GROEPSAANPAK: "Groepsaanpak: de regisseurs stemmen hun aanpak af",
    GroupFinding.VERBANDEN: "Verbanden tussen de personen, geen groepsaanpak nodig",
    GroupFinding.GEEN_VERBAND: "Geen verband gevonden",
}
FINDING_MEANS = {  # what a finding means for the melder
    GroupFinding.SIGNALEREND: (
        "De personen wonen in of bezoeken dezelfde instelling. De regisseurs nemen een "
        "signalerende functie richting die instelling: zij delen hun bevindingen met de instelling "
        "en houden de ontwikkelingen in de gaten. Elke casus loopt daarnaast zijn eigen weg. U "
        "hoeft nu niets te doen."
    ),
    GroupFinding.GROEPSAANPAK: (
        "De regisseurs stemmen de aanpak van de personen op elkaar af; de casusregisseurs van de "
        "afzonderlijke casussen worden daarbij betrokken. U hoort van ons als er iets van u nodig "
        "is."
    ),
    GroupFinding.VERBANDEN: (
        "De regisseurs zien verbanden tussen de personen, maar een gezamenlijke aanpak is niet "
        "nodig: elke casus loopt zijn eigen weg. U hoeft nu niets te doen."
    ),
    GroupFinding.GEEN_VERBAND: (
        "De regisseurs vonden geen verband tussen de personen: elke casus loopt zijn eigen weg. "
        "U hoeft nu niets te doen."
    ),
}
OUTCOME_SHORT = {  # an advice's outcome in a member's entry; another schema's: its label
    REGULIERE_REGIE: "reguliere casusregie",
    SCREENING: "screening ZVH",
    OOV: "regie bij OOV",
}
REGULIER_MARK = "✔"
OTHER_MARK = "•"

BUTTON = "Groep"  # on a member's casus card
CHOOSE_BUTTON = "Groepsbevinding vastleggen"
CHANGE_BUTTON = "Groepsbevinding wijzigen"
NOT_ALLOWED = (
    "De groepsweergave is er voor de regisseurs van het Zorg- en Veiligheidshuis en de "
    "coördinatoren. /help toont wat u kunt doen."
)
NOT_FOUND = (
    "Die groep ken ik niet. Typ /groep met de groepsreferentie of het casusnummer van een van de "
    "personen, bijvoorbeeld /groep ZVH-2026-G007."
)
NOT_IN_GROUP = "Casus {reference} is alleen aangemeld, niet als deel van een groep."
USAGE = (
    "Typ /groep met de groepsreferentie of het casusnummer van een van de personen, "
    "bijvoorbeeld /groep ZVH-2026-G007."
)
STALE = "Deze knop is verlopen. Met /groep en de groepsreferentie ziet u de groep zoals hij nu is."
CHOOSE_QUESTION = (
    "Wat vonden de regisseurs over groep {reference} als geheel? De bevinding wordt bij elke "
    "casus van de groep bewaard en de melder krijgt hem te zien."
)
NOTE_QUESTION = (
    "Groepsbevinding voor {reference}: {finding}. Typ een korte toelichting voor de melder, of "
    "kies Zonder toelichting. " + NO_NAMES
)
RECORDED = (
    "De groepsbevinding is vastgelegd bij alle {count} casussen van groep {reference}. De melder "
    "is ingelicht."
)


@dataclass(frozen=True, slots=True)
class MemberFacts:
    """One person of a group, as the group view shows them; names and labels as shown."""

    casus_id: int
    reference: str
    key_answers: str  # "Jeugdreclassering · 16 jaar · LVB"
    partij: str  # the advised partij, short
    outcome: str  # the advice's outcome code
    outcome_label: str
    status: CasusStatus
    holder: str | None = None  # "<naam> (<partij>)", or only the name at the advised partij
    reguliere: bool = False  # already under reguliere casusregie


@dataclass(frozen=True, slots=True)
class GroupFacts:
    group_id: int
    reference: str
    reported_on: str
    melder_partij: str | None  # the melder's organisation, never their name
    members: tuple[MemberFacts, ...]
    finding: GroupFinding | None = None
    finding_note: str | None = None
    finding_on: str | None = None
    finding_by: str | None = None


def finding_of(code: str | None) -> GroupFinding | None:
    """A group's stored finding; None as well for a code this version no longer knows."""
    return GroupFinding(code) if code in set(GroupFinding) else None


def finding_line(facts: GroupFacts) -> str | None:
    if facts.finding is None:
        return None
    when = ", ".join(part for part in (facts.finding_on, facts.finding_by) if part)
    return f"Groepsbevinding ({when}): {FINDING_LABEL[facts.finding]}."


def member_entry(member: MemberFacts) -> str:
    mark = REGULIER_MARK if member.reguliere else OTHER_MARK
    outcome = OUTCOME_SHORT.get(member.outcome, member.outcome_label.lower())
    held = f", bij {member.holder}" if member.holder else ""
    return (
        f"{mark} {member.reference}: {member.key_answers or 'geen antwoorden meer'}\n"
        f"   Advies {member.partij} ({outcome}). {STATUS_LABEL[member.status]}{held}."
    )


def view(facts: GroupFacts, done: str | None = None) -> Card:
    """The group together: who aangemeld it, every member with advice, state and holder, the
    finding; a button per member to its card, and one to record the finding. In one message:
    when everything does not fit, the note is shortened first (each card shows it whole), then
    every member's entry alike."""
    count = len(facts.members)
    head = "\n".join(
        (
            f"Groep {facts.reference}: {count} {'persoon' if count == 1 else 'personen'}",
            f"Aangemeld op {facts.reported_on} door {facts.melder_partij or 'een melder'}.",
            f"{REGULIER_MARK} = heeft al reguliere casusregie.",
        )
    )
    finding = finding_line(facts) or "Nog geen groepsbevinding."
    entries = [member_entry(m) for m in facts.members]
    above = f"{done}\n\n" if done else ""
    room = MAX_MESSAGE - len(above) - len(head) - len(finding) - len(TAP) - 6  # line breaks
    note = None
    if facts.finding_note:
        left = room - len("\n".join(entries)) - len(NOTE_LINE) - 1
        note = NOTE_LINE + _clipped(facts.finding_note, max(left, NOTE_SHOWN))
        room -= len(note) + 1
    tail = "\n".join(line for line in (finding, note, TAP) if line)
    text = f"{above}{head}\n\n{_fitted(entries, room)}\n\n{tail}"
    actions = (
        *(Action(m.reference, OPEN_CARD, str(m.casus_id)) for m in facts.members),
        Action(CHANGE_BUTTON if facts.finding else CHOOSE_BUTTON, CHOOSE, str(facts.group_id)),
    )
    return Card(text, actions)


TAP = "Tik op een casusnummer voor de casus zelf."
NOTE_LINE = "Toelichting: "
NOTE_SHOWN = 120  # characters of the note the view keeps at least


def _clipped(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _fitted(entries: Sequence[str], room: int) -> str:
    """The entries one under the other; when they are too long together (many members, long
    names), each is cut to an equal share of the room."""
    text = "\n".join(entries)
    if len(text) <= room or not entries:
        return text
    share = max(1, room // len(entries) - 1)
    return "\n".join(_clipped(entry, share) for entry in entries)


def choose(reference: str, group_id: int) -> Card:
    subject = str(group_id)
    return Card(
        CHOOSE_QUESTION.format(reference=reference),
        (
            *(Action(FINDING_LABEL[f], FIND + f.value, subject) for f in GroupFinding),
            Action("Terug", VIEW, subject),
        ),
    )


def note_question(reference: str, finding: GroupFinding, group_id: int, about: str) -> Card:
    return Card(
        NOTE_QUESTION.format(reference=reference, finding=FINDING_LABEL[finding].lower()),
        (Action("Zonder toelichting", WITHOUT_NOTE, about), Action("Terug", VIEW, str(group_id))),
    )


def to_melder(
    reference: str, finding: GroupFinding, note: str | None, references: Sequence[str]
) -> str:
    """What a melder hears of a group finding: the group, the finding, what it means for them,
    and the casussen of theirs it concerns."""
    return "\n".join(
        line
        for line in (
            f"Groepsbevinding voor groep {reference}: {FINDING_LABEL[finding]}.",
            FINDING_MEANS[finding],
            f"Toelichting: {note}" if note else None,
            f"Het gaat om uw casussen {', '.join(references)}.",
        )
        if line
    )


def card_lines(reference: str, finding: GroupFinding | None, note: str | None) -> tuple[str, ...]:
    """A member's casus card: the group it belongs to, and the group's finding."""
    return tuple(
        line
        for line in (
            f"Groep: {reference}",
            f"Groepsbevinding: {FINDING_LABEL[finding]}" if finding else None,
            f"Toelichting groepsbevinding: {note}" if finding and note else None,
        )
        if line
    )


def status_heading(
    reference: str, reported_on: str, count: int, finding: GroupFinding | None
) -> str:
    """A group in a melder's /status, above its members."""
    found = f"\nGroepsbevinding: {FINDING_LABEL[finding]}" if finding else ""
    persons = "persoon" if count == 1 else "personen"
    return f"Groep {reference} ({reported_on}, {count} {persons}):{found}"


def status_member(reference: str, status: str, partij_name: str) -> str:
    """A member under its group's heading in /status."""
    return f"  • {reference}: {status}; advies {short_name(partij_name)}"


STATUS_NOTE = "Toelichting: {note}"
STATUS_ONE = "Met /status en een casusnummer ziet u één casus in detail."
STATUS_IN_GROUP = "Groep: {reference} (/status {reference} toont de hele groep)"

"""What a dialogue receives and what it answers, as plain data every channel renders alike."""

from __future__ import annotations

from dataclasses import dataclass, field

from conversation.group import Group
from rules.engine import Answer

# Button ids that are not an option of a question.
BACK = "vorige"
CANCEL = "stoppen"
DONE = "verder"
NONE = "geen"
SKIP = "overslaan"
CONFIRM = "bevestig"
EDIT = "wijzig-"  # followed by the question id
REVISE = "aanpassen"  # retype a free text that seems to hold a name
NO_NAME = "geen-naam"  # the free text holds no name after all
# A group aanmelding's overview: a person is named by their number (1, 2, ...).
ADD_PERSON = "toevoegen"
EDIT_PERSON = "persoon-"  # followed by the person's number
REMOVE_PERSON = "verwijder-"  # followed by the person's number
TO_GROUP = "naar-groep"  # done with one person: back to the overview


@dataclass(frozen=True, slots=True)
class Button:
    id: str
    label: str
    selected: bool = False  # a toggled option of a multi-choice question


@dataclass(frozen=True, slots=True)
class Reply:
    """One message. `step` names what the buttons answer (a question id, or "summary"); a button
    pressed on an older message names an older step and is recognised as stale."""

    text: str
    step: str | None = None
    options: tuple[Button, ...] = ()
    controls: tuple[Button, ...] = ()
    multi: bool = False
    # Whether a typed number picks an option; not where a number is an answer itself (an age).
    numbered: bool = True

    @property
    def buttons(self) -> tuple[Button, ...]:
        return self.options + self.controls


@dataclass(frozen=True, slots=True)
class Typed:
    """Text the user typed."""

    text: str


@dataclass(frozen=True, slots=True)
class Pressed:
    """A button the user pressed on the message that asked `step`."""

    step: str
    button: str


@dataclass(frozen=True, slots=True)
class Command:
    """A command: aanmelden, stoppen, opnieuw or vorige."""

    name: str


Input = Typed | Pressed | Command


@dataclass(frozen=True, slots=True)
class Memory:
    """Everything a dialogue remembers between two inputs; the service stores it per chat."""

    state: str
    answers: dict[str, Answer] = field(default_factory=dict)
    # The toggled options of the multi-choice question asked now; while a free text that seems
    # to hold a name waits for the user's word, that text.
    draft: tuple[str, ...] | None = None
    scope: str | None = None  # one person or a group (conversation.group), once chosen
    group: Group | None = None  # a group's persons while they are added

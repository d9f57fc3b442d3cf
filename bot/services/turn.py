"""What one input to a dialogue produced, for the channel to show; and how a dialogue that waits
for typed text remembers the channel's message that asked for it, so the answer closes it."""

from __future__ import annotations

from dataclasses import dataclass

from conversation.casus_texts import Card
from conversation.messages import Reply


@dataclass(frozen=True, slots=True)
class Turn:
    """What one input produced: the replies, the accepted answer (for the question message), and
    the channel's message that asked the question this input met, where the channel has one; or,
    for a typed reason or note, the casus card it produced."""

    replies: tuple[Reply, ...]
    answered: str | None = None
    question_message_id: int | None = None
    card: Card | None = None  # what a casus action answers (bot/services/assignment.py)


ASKED_IN = "@"  # in a state row's `awaiting_about`: what the text is for, then the asking message


def asking(about: str, message_id: int | None) -> str:
    """What a state row's `awaiting_about` keeps: `about`, and the message that asks, if known."""
    return about if message_id is None else f"{about}{ASKED_IN}{message_id}"


def asked(awaiting_about: str | None) -> tuple[str, int | None]:
    """What a typed text is for, and the channel's message that asked it (None: unknown)."""
    about, _, message = (awaiting_about or "").partition(ASKED_IN)
    return about, int(message) if message.isdigit() else None

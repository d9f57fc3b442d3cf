"""What one input to a dialogue produced, for the channel to show."""

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

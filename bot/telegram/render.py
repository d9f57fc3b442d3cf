"""How replies look in Telegram: text, and inline keyboards as Bot API JSON ready to send."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from itertools import takewhile

from telegram.constants import MessageLimit

from bot.services.casussen import CasusSummary
from bot.services.groups import is_group_action
from bot.telegram import texts
from bot.telegram.callbacks import CasusButton, GroupButton, IntakeButton
from conversation.casus_texts import Action, chosen_line, coordinator_reason_line
from conversation.messages import BACK, CANCEL, Button, Reply

# Buttons side by side on a phone's width: (how many a row, the longest label that still fits).
# Longer labels get a row of their own.
SIDE_BY_SIDE = ((3, 14), (2, 22))
NAVIGATION = frozenset({BACK, CANCEL})  # "Vorige" and "Stoppen": always the last row


@lru_cache(maxsize=2048)  # the same questions come back all day; a keyboard depends on its reply
def keyboard(reply: Reply) -> str | None:
    """The reply's inline keyboard: the options side by side as far as their labels fit a phone,
    then the controls that answer ("Geen van deze", "Verder", "Overslaan"), then "Vorige" and
    "Stoppen". JSON, so it goes out as it is instead of through python-telegram-bot's objects."""
    if reply.step is None or not reply.buttons:
        return None
    answering = [c for c in reply.controls if c.id not in NAVIGATION]
    navigation = [c for c in reply.controls if c.id in NAVIGATION]
    rows = [
        [
            {
                "text": label(button, reply.multi),
                "callback_data": IntakeButton(reply.step, button.id).pack(),
            }
            for button in row
        ]
        for group in (reply.options, answering, navigation)
        for row in laid_out(group)
    ]
    return json.dumps({"inline_keyboard": rows}, ensure_ascii=False)


def label(button: Button, multi: bool) -> str:
    """A multi-choice option shows whether it is ticked."""
    return (("✅ " if button.selected else "▫️ ") if multi else "") + button.label


def laid_out(buttons: Sequence[Button]) -> list[list[Button]]:
    """Buttons in rows, in their order: each row holds as many as its longest label allows."""
    rows: list[list[Button]] = []
    for button in buttons:
        row = rows[-1] if rows else []
        longest = max(len(b.label) for b in (*row, button))
        if row and len(row) < fitting(longest):
            row.append(button)
        else:
            rows.append([button])
    return rows


def fitting(longest: int) -> int:
    """How many buttons fit side by side when the longest label has `longest` characters."""
    return next((count for count, width in SIDE_BY_SIDE if longest <= width), 1)


def messages(replies: Sequence[Reply], above: str = "") -> list[tuple[str, str | None]]:
    """The replies of one turn as few messages as Telegram's length limit allows (usually one),
    each as (text, keyboard); only the last carries the buttons of the question asked now.
    `above`: what the first message shows before the replies (a pressed message's answers)."""
    parts = [*([above] if above else []), *(reply.text for reply in replies)]
    out: list[tuple[str, str | None]] = []
    while len(parts) > 1 and len("\n\n".join(parts)) > MessageLimit.MAX_TEXT_LENGTH:
        out.append((parts.pop(0), None))
    if parts:
        out.append(("\n\n".join(parts), keyboard(replies[-1])))
    return out


def answered_line(answered: str) -> str:
    """What a question's message shows once answered, by a button or by typing."""
    return texts.ANSWERED.format(answer=answered)


def edited(
    shown: str | None, answered: str | None, replies: Sequence[Reply]
) -> list[tuple[str, str | None]]:
    """What a pressed message turns into: the accepted answer on top, then what follows; or,
    when nothing was answered (a toggle, a correction), the same question under the answers the
    message already showed. The first (text, keyboard) is the pressed message's new content;
    what does not fit it (a group's advice) follows as new messages."""
    above = [answered_line(answered)] if answered else answers_shown(shown)
    return messages(replies, "\n\n".join(above))


def answers_shown(shown: str | None) -> list[str]:
    """The "✓" lines on top of a message as Telegram showed it."""
    return list(
        takewhile(lambda part: part.startswith(texts.ANSWERED_MARK), (shown or "").split("\n\n"))
    )


def casus_line(casus: CasusSummary) -> str:
    held = texts.STATUS_HELD.format(holder=casus.holder, since=casus.holder_since)
    chosen = texts.STATUS_CHOSEN.format(partij=casus.chosen_partij) if casus.chosen_partij else ""
    return texts.STATUS_LINE.format(
        reference=casus.reference,
        reported_on=casus.reported_on,
        status=casus.status,
        held=held if casus.holder else "",
        advised=casus.partij_name,
        chosen=chosen,
    )


def casus_detail(casus: CasusSummary) -> str:
    """/status REF: one casus, with who holds it, the advice, a coördinator's choice against
    it and the next step that holds now."""
    chosen = casus.chosen_partij
    lines = [
        texts.DETAIL_HEAD.format(
            reference=casus.reference, reported_on=casus.reported_on, status=casus.status
        ),
        texts.DETAIL_HELD.format(holder=casus.holder, since=casus.holder_since)
        if casus.holder
        else None,
        texts.DETAIL_FOUND.format(found=", ".join(casus.found_betrokken))
        if casus.found_betrokken
        else None,
        texts.DETAIL_ADVICE.format(partij=casus.partij_name),
        chosen_line(chosen) if chosen else None,
        coordinator_reason_line(casus.coordinator_reason) if chosen else None,
        texts.DETAIL_NEXT.format(step=casus.next_step),
    ]
    return "\n".join(line for line in lines if line is not None)


def card_keyboard(actions: Sequence[Action]) -> str | None:
    """A card's buttons (a reply's, or an outbox message's) side by side as far as their labels
    fit, each carrying its feature's data: a group's own actions `GroupButton`, so the groups'
    handler gets them; every other one `CasusButton(action, subject)`."""
    packed = [Button(_button_data(a), a.label) for a in actions]
    rows = [[{"text": b.label, "callback_data": b.id} for b in row] for row in laid_out(packed)]
    return json.dumps({"inline_keyboard": rows}, ensure_ascii=False) if rows else None


def _button_data(action: Action) -> str:
    data = GroupButton if is_group_action(action.action) else CasusButton
    return data(action.action, action.subject).pack()

"""How replies look in Telegram: text, and inline keyboards as Bot API JSON ready to send."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache

from telegram.constants import MessageLimit

from bot.services.casussen import CasusSummary
from bot.telegram import texts
from bot.telegram.callbacks import IntakeButton
from conversation.messages import Reply


@lru_cache(maxsize=2048)  # the same questions come back all day; a keyboard depends on its reply
def keyboard(reply: Reply) -> str | None:
    """The reply's inline keyboard: one option a row, the controls together on the last row.
    JSON, so it goes out as it is instead of through python-telegram-bot's objects."""
    if reply.step is None or not reply.buttons:
        return None
    step = reply.step
    rows = [
        [
            {
                "text": (("✅ " if option.selected else "▫️ ") if reply.multi else "")
                + option.label,
                "callback_data": IntakeButton(step, option.id).pack(),
            }
        ]
        for option in reply.options
    ]
    rows.append(
        [
            {"text": control.label, "callback_data": IntakeButton(step, control.id).pack()}
            for control in reply.controls
        ]
    )
    return json.dumps({"inline_keyboard": rows}, ensure_ascii=False)


def messages(replies: Sequence[Reply]) -> list[tuple[str, str | None]]:
    """The replies of one turn as few messages as Telegram's length limit allows (usually one),
    each as (text, keyboard); only the last carries the buttons of the question asked now."""
    parts = [reply.text for reply in replies]
    out: list[tuple[str, str | None]] = []
    while len(parts) > 1 and len("\n\n".join(parts)) > MessageLimit.MAX_TEXT_LENGTH:
        out.append((parts.pop(0), None))
    if parts:
        out.append(("\n\n".join(parts), keyboard(replies[-1])))
    return out


def with_answer(answered: str | None, text: str) -> str:
    """A question's message once answered: the answer on top, then what follows."""
    return f"{texts.ANSWERED.format(answer=answered)}\n\n{text}" if answered else text


def casus_line(casus: CasusSummary) -> str:
    return (
        f"• {casus.reference} ({casus.created_at:%d-%m-%Y}): {casus.status}; "
        f"advies {casus.partij_name}"
    )


def casus_detail(casus: CasusSummary) -> str:
    return (
        f"Casus {casus.reference}\nAangemeld: {casus.created_at:%d-%m-%Y}\n"
        f"Status: {casus.status}\nAdvies: casusregie bij {casus.partij_name}\n"
        f"Volgende stap: {casus.next_step}"
    )


def casus_list(casussen: Sequence[CasusSummary]) -> str:
    if not casussen:
        return texts.NO_CASUSSEN
    return "\n".join([texts.YOUR_CASUSSEN, *(casus_line(c) for c in casussen)])

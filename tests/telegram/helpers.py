"""Small helpers for reading what the bot sent."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from telegram.ext import Application

from bot.telegram.app import Channel
from tests.telegram.fake_bot_api import FakeBotAPI

# How the question after the criteria begins: one person, or a group.
ASKS_SCOPE = "Vraag 2 van 9\nGaat de aanmelding over één persoon, of over een groep personen"


def asking(message: dict[str, Any]) -> str | None:
    """The step a message's keyboard answers, if it has one."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return rows[0][0]["callback_data"].split("|")[1] if rows and rows[0] else None


def data_of(message: dict[str, Any], button: str) -> str:
    for row in message["reply_markup"]["inline_keyboard"]:
        for key in row:
            if key["callback_data"].endswith(f"|{button}"):
                return str(key["callback_data"])
    raise AssertionError(f"no button {button!r} in {message['text']!r}")


async def wait_until_asking(
    fake: FakeBotAPI, chat: int, step: str, after: int = 0
) -> dict[str, Any]:
    """Waits for a message (newer than message id `after`) whose keyboard answers `step`."""

    def found() -> bool:
        return any(m["message_id"] > after and asking(m) == step for m in fake.sent(chat))

    await fake.wait_for(found)
    return next(m for m in reversed(fake.sent(chat)) if asking(m) == step)


async def wait_for_text(fake: FakeBotAPI, chat: int, start: str, after: int = 0) -> dict[str, Any]:
    def found() -> bool:
        return any(m["message_id"] > after and m["text"].startswith(start) for m in fake.sent(chat))

    await fake.wait_for(found)
    return next(m for m in reversed(fake.sent(chat)) if m["text"].startswith(start))


# A typed aanmelding up to its omschrijving: each text, and the step the bot asks next.
TO_THE_DESCRIPTION = (
    ("ja", "omvang"),
    ("een persoon", "kader"),
    ("maatregel", "maatregel"),
    ("ots", "leeftijd"),
    ("15", "profiel"),
    ("geen", "interventie"),
    ("jeugdbescherming", "betrokken"),
    ("geen", "omschrijving"),
)


async def typed_steps(
    fake: FakeBotAPI, chat: int, steps: Sequence[tuple[str, str]], last: int
) -> int:
    """Types each text once the step before is asked; the id of the message asking the last."""
    for text, step in steps:
        await fake.send_text(chat, text)
        last = (await wait_until_asking(fake, chat, step, after=last))["message_id"]
    return last


def channel(app: Application[Any, Any, Any, Any, Any, Any]) -> Channel:
    found = app.bot_data["channel"]
    assert isinstance(found, Channel)
    return found


async def admitted(
    fake: FakeBotAPI,
    app: Application[Any, Any, Any, Any, Any, Any],
    user: int,
    role: str = "melder",
) -> None:
    invitation = await channel(app).admission.invite(
        role=role, partij="wijkteam" if role == "regisseur" else None
    )
    await fake.send_text(user, f"/start {invitation.code}")
    await wait_for_text(fake, user, "Welkom bij regiebot!")


async def at_first_question(
    fake: FakeBotAPI, app: Application[Any, Any, Any, Any, Any, Any], user: int
) -> dict[str, Any]:
    """An admitted melder who has just started an aanmelding: the first question's message."""
    await admitted(fake, app, user)
    await fake.send_text(user, "/aanmelden")
    return await wait_until_asking(fake, user, "criteria")

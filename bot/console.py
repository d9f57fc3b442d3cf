"""`regiebot chat`: the intake in a terminal. A channel only: it renders replies as numbered text
and turns each line into an input; the dialogue and storage are the same as in Telegram.

Works interactively and with answers piped in, one per line; at the end of the input it stops
cleanly, and the next start resumes at the same question.
"""

from __future__ import annotations

import asyncio
from typing import TextIO

from bot.services.clock import Clock
from bot.services.intake import IntakeService
from bot.settings import Settings
from conversation.messages import BACK, CANCEL, SKIP, Command, Input, Reply, Typed
from storage import open_database

CONSOLE_CHAT_ID = 0  # never a Telegram chat id
INTRO = (
    "regiebot: een casus aanmelden in de terminal. Typ bij elke vraag het nummer of het antwoord. "
    "Opdrachten: /stoppen, /opnieuw, vorige. Afsluiten: Ctrl-D (uw antwoorden blijven bewaard)."
)
GOODBYE = "Tot ziens."
GOODBYE_RUNNING = (
    "Tot ziens. Uw antwoorden zijn bewaard; met regiebot chat gaat u verder waar u was."
)
CONTROL_HINTS = {
    BACK: "'vorige' voor de vorige vraag",
    CANCEL: "/stoppen om te stoppen",
    SKIP: "'overslaan' om deze vraag over te slaan",
}


def render(reply: Reply) -> str:
    lines = [reply.text]
    for number, option in enumerate(reply.options, start=1):
        mark = ("[x] " if option.selected else "[ ] ") if reply.multi else ""
        point = f"{number}." if reply.numbered else "-"  # an age question: a number is an age
        lines.append(f"  {mark}{point} {option.label}")
    hints = []
    if reply.multi:
        hints.append(
            "typ uw keuzes, bijvoorbeeld 1, 3; of 'geen'; of 'verder' met wat aangevinkt is"
        )
    hints += [CONTROL_HINTS[c.id] for c in reply.controls if c.id in CONTROL_HINTS]
    if hints:
        lines.append("(" + "; ".join(hints) + ")")
    return "\n".join(lines)


def to_input(line: str) -> Input | None:
    """The input a line means; None for an empty line."""
    text = line.strip()
    if not text:
        return None
    if text.startswith("/"):
        name = text[1:].split()[0].lower() if len(text) > 1 else ""
        return Command(name)
    return Typed(text)


async def chat(settings: Settings, stdin: TextIO, stdout: TextIO, *, clock: Clock) -> int:
    async with open_database(settings.database_url) as database:
        service = IntakeService(
            database, settings.load_schema(), clock=clock, group_max=settings.group_max
        )

        running = False

        def show(replies: tuple[Reply, ...]) -> None:
            nonlocal running
            for reply in replies:
                stdout.write(render(reply) + "\n\n")
            stdout.flush()
            running = any(reply.step is not None for reply in replies)

        stdout.write(INTRO + "\n\n")
        show((await service.handle(CONSOLE_CHAT_ID, Command("aanmelden"))).replies)
        while True:
            line = await asyncio.to_thread(stdin.readline)
            if line == "":
                stdout.write((GOODBYE_RUNNING if running else GOODBYE) + "\n")
                stdout.flush()
                return 0
            event = to_input(line)
            if event is not None:
                show((await service.handle(CONSOLE_CHAT_ID, event)).replies)

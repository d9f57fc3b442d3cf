"""Drives the intake dialogue like a user would, without storage: type, press, command."""

from __future__ import annotations

from conversation.intake import GroupRegistration, IntakeDialogue, Registration
from conversation.messages import Command, Input, Memory, Pressed, Reply, Typed

REFERENCE = "ZVH-2026-0001"
GROUP_REFERENCE = "ZVH-2026-G001"


def member_reference(number: int) -> str:
    return f"ZVH-2026-{number:04d}"


class Script:
    def __init__(self, dialogue: IntakeDialogue) -> None:
        self.dialogue = dialogue
        self.memory = Memory("start")
        self.replies: tuple[Reply, ...] = ()
        self.registration: Registration | GroupRegistration | None = None

    def send(self, event: Input) -> tuple[Reply, ...]:
        step = self.dialogue.step(self.memory, event)
        self.memory, self.replies = step.memory, step.replies
        if isinstance(step.registration, Registration):
            self.registration = step.registration
            done = self.dialogue.registered(step.memory, REFERENCE)
            self.memory, self.replies = done.memory, step.replies + done.replies
        elif isinstance(step.registration, GroupRegistration):
            self.registration = step.registration
            members = [
                (member_reference(n), ()) for n in range(1, len(step.registration.members) + 1)
            ]
            done = self.dialogue.registered_group(step.memory, GROUP_REFERENCE, members)
            self.memory, self.replies = done.memory, step.replies + done.replies
        return self.replies

    def start(self) -> Script:
        self.send(Command("aanmelden"))
        return self

    def type(self, *texts: str) -> Script:
        for text in texts:
            self.send(Typed(text))
        return self

    def press(self, button: str, step: str | None = None) -> Script:
        self.send(Pressed(step or self.asking, button))
        return self

    def command(self, name: str) -> Script:
        self.send(Command(name))
        return self

    @property
    def state(self) -> str:
        return self.memory.state

    @property
    def asking(self) -> str:
        """The step the last reply asks (a question id or "summary")."""
        step = self.replies[-1].step
        assert step is not None, self.texts
        return step

    @property
    def texts(self) -> list[str]:
        return [reply.text for reply in self.replies]

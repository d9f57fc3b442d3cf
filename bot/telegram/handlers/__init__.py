"""Handlers per feature. Each module builds a `Family`: its handlers, the commands it answers,
the prefix of its buttons and the roles that may use it, so the gate checks access in one place
and the factory wires everything from one list."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler

from rules.vocabulary import Role

EVERYONE = frozenset(Role)


@dataclass(frozen=True)
class Family:
    name: str
    handlers: tuple[BaseHandler[Update, Any, Any], ...]
    roles: frozenset[Role] = EVERYONE
    commands: frozenset[str] = frozenset()  # every command it answers
    button_prefix: str | None = None
    inline: bool = False  # answers inline queries
    open_commands: frozenset[str] = field(default_factory=frozenset)  # for strangers too

"""The one clock a process runs on. Every service is given it; every time a unit of work writes
or compares comes from it, so tests (and a replay) can stand anywhere in time. Only the
composition roots (the Telegram channel, the console, the operator commands) pass the wall
clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]  # aware UTC


def wall_clock() -> datetime:
    return datetime.now(UTC)

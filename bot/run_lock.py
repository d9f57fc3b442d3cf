"""One `regiebot run`, and one `regiebot chat`, per SQLite database file.

Two bot processes on one SQLite file would both poll Telegram and share every chat's state, each
answering half of a chat's updates. Two terminals would share the one aanmelding the console
keeps, each answering half of its questions. So `regiebot run` holds an exclusive `flock` on a
lock file beside the database (`regiebot.db.run.lock`) for as long as it runs, and `regiebot
chat` one of its own (`regiebot.db.chat.lock`): a bot and a terminal share no chat and may work
side by side. The kernel lets go of a lock when its process ends, however it ends (SIGKILL
included), so a lock is never stale and the file may stay. Operator commands (`invite`, `db
retention`, `export`, `health`, `audit`) take no lock: SQLite's WAL lets them work beside the
running bot. PostgreSQL takes none either: several processes sharing one PostgreSQL database is
how regiebot scales.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from sqlalchemy.engine import make_url

Command = Literal["run", "chat"]
# Why a second process of each command is refused, for the one line that says so.
WHY_ONE: dict[Command, str] = {
    "run": "one process per SQLite database — use PostgreSQL for several",
    "chat": "both would answer the same aanmelding — finish it there, or set "
    "REGIEBOT_DATABASE_URL to another file",
}


class RunLockUnavailable(RuntimeError):
    """Another process of the same command holds the database, or the lock file cannot be
    opened; the message is one line for the operator."""


def lock_file(database_url: str, command: Command = "run") -> Path | None:
    """The lock file of `command` for a SQLite database file; None for
    PostgreSQL or an in-memory SQLite."""
    url = make_url(database_url)
    file = url.database
    if url.get_backend_name() != "sqlite" or file in (None, "", ":memory:"):
        return None
    if file.startswith("file:"):  # a URI filename: its path, without the query
        file = file.removeprefix("file:").split("?", 1)[0]
    return Path(file).with_name(f"{Path(file).name}.{command}.lock")


@contextlib.contextmanager
def one_run_per_database(database_url: str, command: Command = "run") -> Iterator[None]:
    """Holds the lock of `command` on `database_url` (if it has one) for the block;
    RunLockUnavailable when another process holds it."""
    path = lock_file(database_url, command)
    if path is None:
        yield
        return
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise RunLockUnavailable(f"Cannot open the lock {path}: {error.strerror}.") from None
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 32, 0).decode(errors="replace").strip() or "unknown"
            database = path.with_name(path.name.removesuffix(f".{command}.lock"))
            raise RunLockUnavailable(
                f"Another regiebot {command} is already using {database} (pid {holder}); "
                f"{WHY_ONE[command]}."
            ) from None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(descriptor)  # closing lets go of the lock

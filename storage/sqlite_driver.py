"""SQLAlchemy's aiosqlite dialect, with each statement run inline on the event loop, except a
BEGIN that has to wait for another process's lock.

Why library internals (SQLAlchemy 2.1's `AsyncAdapt_aiosqlite_*` classes and `await_`,
aiosqlite's `_conn`; hence SQLAlchemy and aiosqlite held below their next releases in
pyproject.toml, and .ci/lowest-versions testing the lowest of each): aiosqlite hands every call to
a worker thread, and SQLAlchemy's adapter makes about twelve such hand-offs per unit of work, each
costing more on our 2-core machines than the statement itself, which on a local file in WAL mode
takes a few tens of microseconds. The figures are beside the imports.

The one statement that can wait long is BEGIN IMMEDIATE while another process (an operator's
`regiebot invite`, a backup) holds the write lock: inline, that froze every chat for as long
(measured: 11.8 s for a 12 s lock). So BEGIN is tried inline without waiting, and only if the
database is busy does it wait in aiosqlite's thread, up to the busy timeout, while the event
loop serves every other chat (tests/storage/test_sqlite_lock.py). Once a transaction holds the
write lock, nothing else in it waits for another process.
"""

from __future__ import annotations

import collections
import sqlite3
from typing import Any

from sqlalchemy.dialects import registry

# Private, for these figures, measured against SQLAlchemy's stock aiosqlite dialect:
# - one intake step through the service (bench/intake.py, both in one run, taking turns;
#   2026-12-03, 2 cores shared with other work): 0.97 ms median here against 3.10 ms stock
#   (3.2x; 2.4x and 2.7x in two busier runs), so stock misses the target, under 2 ms.
# - through the whole Telegram stack (bench/telegram_load.py, 2026-11-23): 673 against 297
#   updates/s in the closed loop, regiebot at 1.9x python-telegram-bot's own idiom instead of
#   0.84x; the bar is 1.5x.
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
    SQLiteDialect_aiosqlite,
)
from sqlalchemy.util.concurrency import await_

DRIVER = "regiebot_aiosqlite"
BUSY_TIMEOUT_MS = 10_000


def _sqlite(adapted: Any) -> sqlite3.Connection:
    """The sqlite3 connection inside aiosqlite's, inside SQLAlchemy's adapter."""
    return adapted._connection._conn  # type: ignore[no-any-return]


class InlineCursor(AsyncAdapt_aiosqlite_cursor):
    """Executes, fetches every row and closes in one synchronous call."""

    __slots__ = ("_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection) -> None:
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]
        self._soft_closed_memoized = {}  # type: ignore[assignment]
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid  # type: ignore[return-value]

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        if operation.startswith("BEGIN"):
            self._begin(operation)
            return
        try:
            cursor = _sqlite(self._adapt_connection).cursor()
            try:
                cursor.execute(operation, () if parameters is None else parameters)
                self._rows = collections.deque(cursor.fetchall() if cursor.description else ())
                self._description = cursor.description
                self._rowcount, self._lastrowid = cursor.rowcount, cursor.lastrowid
            finally:
                cursor.close()
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    def _begin(self, operation: str) -> None:
        """BEGIN inline when the lock is free (the connection's busy timeout is 0, so it never
        waits on the loop); otherwise wait for the lock in aiosqlite's thread, up to
        BUSY_TIMEOUT_MS, while the loop serves everything else."""
        try:
            try:
                _sqlite(self._adapt_connection).execute(operation)
                return
            except sqlite3.OperationalError as busy:
                if busy.sqlite_errorcode != sqlite3.SQLITE_BUSY:
                    raise
            await_(self._connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}"))
            try:
                await_(self._connection.execute(operation))
            finally:
                await_(self._connection.execute("PRAGMA busy_timeout=0"))
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        finally:
            self._rows.clear()
            self._description = None

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        try:
            cursor = _sqlite(self._adapt_connection).cursor()
            try:
                cursor.executemany(operation, seq_of_parameters)
                self._rows.clear()
                self._description = None
                self._rowcount, self._lastrowid = cursor.rowcount, cursor.lastrowid
            finally:
                cursor.close()
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    async def _async_soft_close(self) -> None:
        return None

    def close(self) -> None:
        self._rows.clear()


class InlineConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = InlineCursor  # type: ignore[assignment]

    def commit(self) -> None:
        try:
            _sqlite(self).commit()
        except Exception as error:
            self._handle_exception(error)

    def rollback(self) -> None:
        try:
            _sqlite(self).rollback()
        except Exception as error:
            self._handle_exception(error)


class InlineDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> AsyncAdapt_aiosqlite_connection:
        # aiosqlite opens the connection in its thread; this dialect then uses it from the loop's.
        kw["check_same_thread"] = False
        return InlineConnection(self, super().connect(*arg, **kw)._connection)


class InlineSQLiteDialect(SQLiteDialect_aiosqlite):
    driver = DRIVER
    supports_statement_cache = True

    @classmethod
    def import_dbapi(cls) -> AsyncAdapt_aiosqlite_dbapi:
        return InlineDBAPI(__import__("aiosqlite"), __import__("sqlite3"))


registry.register(f"sqlite.{DRIVER}", __name__, "InlineSQLiteDialect")

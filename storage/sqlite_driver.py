"""SQLAlchemy's aiosqlite dialect, with each statement run inline on the event loop.

aiosqlite hands every call to a worker thread. SQLAlchemy's adapter makes about four such calls
per statement, and on our 2-core machines each hand-off costs more than the statement itself: an
intake step (begin, select, update, commit) took about 1.3 ms through the threads and 0.3 ms
inline (bench/storage.py). A SQLite statement on a local file in WAL mode is a few tens of
microseconds of work, so running it inline blocks the loop for less time than a thread hop takes.

Everything else is SQLAlchemy's own dialect, sessions and asyncio extension. The cost of inline
calls: a writer from another process holding the lock makes this process wait without serving
other chats, which is why one SQLite file belongs to one bot process (several processes share
PostgreSQL). The connection is made by aiosqlite (`_conn` is its sqlite3 connection), which is why
aiosqlite is pinned below 0.23.
"""

from __future__ import annotations

import collections
import sqlite3
from typing import Any

from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
    SQLiteDialect_aiosqlite,
)

DRIVER = "regiebot_aiosqlite"


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

"""Engines, sessions and migrations for SQLite (the embedded default) and PostgreSQL.

SQLite: SQLAlchemy's aiosqlite dialect with statements run inline (storage/sqlite_driver.py says
why, and why a writer in another process still makes only one unit of work wait, not the event
loop). WAL, foreign keys on, and every unit of work begins IMMEDIATE (SQLAlchemy's documented
recipe: the driver leaves BEGIN to the "begin" event), so a writer takes the lock up front
instead of failing halfway with "database is locked". Within one process the units of work
share one connection: coroutines queue for it rather than for the file lock. Reads that change
nothing (`reading`, `first`) have a second connection, read-only, whose transactions begin
deferred: in WAL mode a reader never waits for a writer, so while another process holds the
write lock (and a unit of work of this one waits for it) every read still answers at once.

PostgreSQL: a pool of asyncpg connections; intake rows are locked with SELECT ... FOR UPDATE, so
several bot processes can share the database.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Executable, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, InvalidRequestError, NoSuchModuleError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import StaticPool
from sqlmodel.ext.asyncio.session import AsyncSession

import storage.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from storage import sqlite_driver

MIGRATIONS = "storage:migrations"
OUTBOX_WRITTEN = "regiebot.outbox_written"  # in a session's info: it added outbox rows


def note_outbox_written(session: AsyncSession) -> None:
    session.info[OUTBOX_WRITTEN] = True


class OutdatedDatabase(RuntimeError):
    """The database lacks migrations (or every table); the message says what to run."""


class DatabaseUnusable(RuntimeError):
    """The database given cannot work as it is (a corrupt file, a missing directory); the
    message is one line that names it and what is wrong."""


class BadDatabaseURL(DatabaseUnusable):
    """The database URL cannot be parsed, or names a database or driver we cannot use."""


class DatabaseUnreachable(RuntimeError):
    """The database server does not answer; the message is one line that names it."""


class Database:
    """One database: its engine, a session per unit of work, and its migrations."""

    def __init__(self, url: str | URL, *, echo: bool = False, inline_sqlite: bool = True) -> None:
        """`inline_sqlite=False`: SQLAlchemy's stock aiosqlite dialect instead of the inline
        driver, for bench/intake.py to compare the two."""
        self.url = _parsed_url(url)
        if self.is_sqlite:
            _check_sqlite_file(self.url)
        try:
            self.engine = _create_engine(self.url, echo=echo, inline_sqlite=inline_sqlite)
        except (NoSuchModuleError, InvalidRequestError, ImportError) as error:
            raise BadDatabaseURL(
                f"Database URL {_shown(self.url)} names a database or driver that cannot be "
                f"used ({_first_line(error)}); {_URL_EXAMPLES}"
            ) from None
        self._sessions = async_sessionmaker(
            self.engine, class_=AsyncSession, expire_on_commit=False
        )
        self.reader = _create_reader(self.engine, echo=echo)
        self._reads = async_sessionmaker(
            self.reader or self.engine, class_=AsyncSession, expire_on_commit=False
        )
        self.after_outbox_commit: Callable[[], None] = lambda: None

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: committed when the block ends, rolled back when it raises. A unit
        of work that wrote outbox rows (`note_outbox_written`) calls `after_outbox_commit` once
        committed, so this process's dispatcher sends them at once."""
        async with self._sessions() as session:
            async with session.begin():
                yield session
            if session.info.pop(OUTBOX_WRITTEN, False):
                self.after_outbox_commit()

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A unit of work that only reads. On a SQLite file it runs on the read-only connection
        and never waits for the write lock (a write in it fails); elsewhere it is a transaction
        like any other."""
        async with self._reads() as session, session.begin():
            yield session

    async def first(
        self, statement: Executable, parameters: dict[str, Any]
    ) -> tuple[Any, ...] | None:
        """The first row of one read, as `reading` reads, without an ORM session: the gate asks
        one for every update, in about half the time a session's transaction takes."""
        async with (self.reader or self.engine).connect() as connection:
            row = await connection.run_sync(
                lambda sync: sync.execute(statement, parameters).first()
            )
        return None if row is None else tuple(row)

    async def is_current(self) -> bool:
        """Whether the database has every migration applied."""
        current, newest = await self.revisions()
        return current == newest

    async def revisions(self) -> tuple[str | None, str | None]:
        """The migration the database is at (None: none yet) and the newest there is."""
        async with (self.reader or self.engine).connect() as connection:
            current = await connection.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )
        return current, ScriptDirectory.from_config(alembic_config()).get_current_head()

    async def prepare(self) -> None:
        """Ready for the bot: an embedded SQLite file migrates itself (a newcomer never runs a
        migration by hand); a shared PostgreSQL is migrated on deploy, by `regiebot db upgrade`."""
        with self.typed_errors():
            if self.is_sqlite:
                await self.upgrade()
            elif not await self.is_current():
                raise OutdatedDatabase(
                    "The database schema is not up to date: run `regiebot db upgrade` first."
                )

    async def upgrade(self, revision: str = "head") -> None:
        """Apply the Alembic migrations (creates the whole schema on an empty database)."""
        with self.typed_errors():
            async with self.engine.connect() as connection:
                await connection.run_sync(_upgrade, revision)

    @contextmanager
    def typed_errors(self) -> Iterator[None]:
        """Driver errors that mean the database itself cannot work (a corrupt or missing file,
        no tables, a server that does not answer) become one typed error with one line."""
        try:
            yield
        except (DBAPIError, OSError, TimeoutError) as error:
            typed = self._typed(error)
            if typed is None:
                raise
            raise typed from None

    def _typed(self, error: Exception) -> Exception | None:
        driver_error = error.orig if isinstance(error, DBAPIError) else None
        reason = _first_line(driver_error or error)
        if self.is_sqlite and isinstance(driver_error, sqlite3.Error):
            return self._sqlite_problem(reason)
        state = str(getattr(driver_error, "pgcode", None) or getattr(driver_error, "sqlstate", ""))
        if state.startswith(_REFUSED_LOGIN):
            return DatabaseUnusable(
                f"The database at {_shown(self.url)} refused the connection: {reason}."
            )
        lost = isinstance(error, DBAPIError) and error.connection_invalidated
        if lost or isinstance(error, OSError | TimeoutError):
            return DatabaseUnreachable(f"Cannot reach the database at {_shown(self.url)}: {reason}")
        return None

    def _sqlite_problem(self, reason: str) -> Exception | None:
        file = Path(self.url.database or "")
        if "unable to open database file" in reason:
            return DatabaseUnusable(f"Cannot open the SQLite database {file}: {reason}.")
        if "not a database" in reason or "malformed" in reason:
            return DatabaseUnusable(
                f"{file} is not a usable SQLite database ({reason}): restore it from a backup "
                "or use another file."
            )
        if "no such table" in reason:
            return OutdatedDatabase(
                f"{file} has no regiebot tables yet ({reason}): run `regiebot db upgrade` first."
            )
        return None

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.reader is not None:
            await self.reader.dispose()


@asynccontextmanager
async def open_database(
    url: str | URL, *, prepare: bool = True, echo: bool = False
) -> AsyncIterator[Database]:
    """A database for the length of the block: made ready for the bot first (Database.prepare),
    unless `prepare` is False, and disposed of at the end, also when the block raises."""
    database = Database(url, echo=echo)
    try:
        with database.typed_errors():
            if prepare:
                await database.prepare()
            yield database
    finally:
        await database.dispose()


# SQLSTATE classes of a login the server refuses: authorisation (28), no such database (3D).
_REFUSED_LOGIN = ("28", "3D")
_URL_EXAMPLES = (
    "expected e.g. sqlite+aiosqlite:///regiebot.db or postgresql+asyncpg://user@host/database."
)


def _parsed_url(url: str | URL) -> URL:
    try:
        return make_url(url)
    except ArgumentError:
        raise BadDatabaseURL(f"Database URL '{url}' cannot be parsed; {_URL_EXAMPLES}") from None


def _check_sqlite_file(url: URL) -> None:
    """A path SQLite cannot open, told before a connection half opens on it."""
    if url.database in (None, "", ":memory:") or url.database.startswith("file:"):
        return
    file = Path(url.database)
    if file.is_dir():
        raise DatabaseUnusable(f"Cannot open the SQLite database {file}: it is a directory.")
    if not file.parent.is_dir():
        raise DatabaseUnusable(
            f"Cannot open the SQLite database {file}: its directory {file.parent} does not exist."
        )


def _shown(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection, revision: str) -> None:
    if connection.dialect.name != "sqlite":
        with connection.begin():
            command.upgrade(alembic_config(connection), revision)
        return
    # SQLite alters a table by rebuilding it, and dropping the old copy of a table that others
    # refer to fails while foreign keys are enforced. SQLite's own procedure: switch them off
    # outside the transaction, check every reference before committing, switch them back on.
    _sqlite_pragma(connection, "foreign_keys=OFF")
    try:
        with connection.begin():
            command.upgrade(alembic_config(connection), revision)
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            if broken:
                raise RuntimeError(f"the migration broke foreign keys: {broken}")
    finally:
        _sqlite_pragma(connection, "foreign_keys=ON")


def _sqlite_pragma(connection: Connection, pragma: str) -> None:
    """Run a PRAGMA outside any transaction (inside one, foreign_keys is ignored)."""
    cursor = connection.connection.cursor()
    try:
        cursor.execute(f"PRAGMA {pragma}")
    finally:
        cursor.close()


def _create_engine(url: URL, *, echo: bool, inline_sqlite: bool) -> AsyncEngine:
    if url.get_backend_name() != "sqlite":
        return create_async_engine(url, echo=echo, pool_pre_ping=True)
    if url.drivername == "sqlite+aiosqlite" and inline_sqlite:
        url = url.set(drivername=f"sqlite+{sqlite_driver.DRIVER}")
    in_memory = url.database in (None, "", ":memory:")
    options: dict[str, Any] = (
        {"poolclass": StaticPool}
        if in_memory
        else {"pool_size": 1, "max_overflow": 0, "pool_timeout": 60}
    )
    engine = create_async_engine(url, echo=echo, **options)
    event.listen(engine.sync_engine, "connect", _sqlite_connection_setup(engine))
    event.listen(engine.sync_engine, "begin", _begin_immediate)
    return engine


def _create_reader(writer: AsyncEngine, *, echo: bool) -> AsyncEngine | None:
    """A SQLite file's read-only connection beside the writer's, with the writer's driver:
    plain BEGIN (deferred), which takes no lock. None for PostgreSQL, whose reads wait for no
    writer anyway, and for an in-memory database, which a second connection would not see."""
    url = writer.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    engine = create_async_engine(url, echo=echo, pool_size=1, max_overflow=0, pool_timeout=60)
    setup = _sqlite_connection_setup(engine, read_only=True)
    event.listen(engine.sync_engine, "connect", setup)
    event.listen(engine.sync_engine, "begin", _begin_deferred)
    return engine


def _sqlite_connection_setup(
    engine: AsyncEngine, *, read_only: bool = False
) -> Callable[[Any, Any], None]:
    # The inline driver runs statements on the event loop, so there only BEGIN may wait for a
    # lock, off the loop (sqlite_driver); the stock dialect waits in aiosqlite's thread anyway.
    inline = engine.dialect.driver == sqlite_driver.DRIVER
    pragmas = [
        f"busy_timeout={sqlite_driver.BUSY_TIMEOUT_MS}",  # while setting up, the file may be busy
        "journal_mode=WAL",
        "synchronous=NORMAL",
        "foreign_keys=ON",
        f"busy_timeout={0 if inline else sqlite_driver.BUSY_TIMEOUT_MS}",
    ]
    if read_only:
        pragmas.append("query_only=ON")  # a write here would take the lock reads never wait for

    def configure(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver, so "begin" decides how a transaction starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in pragmas:
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    return configure


def _begin_immediate(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _begin_deferred(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN")

"""Engine and session factory. SQLite: WAL, foreign keys, busy timeout, BEGIN IMMEDIATE."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import ORMExecuteState, Session

SQLITE_BUSY_TIMEOUT_MS = 15000


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """Build the async engine for DATABASE_URL; SQLite gets the settings concurrency needs."""
    if is_sqlite(url):
        engine = create_async_engine(url, **kwargs)
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kwargs)


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let us emit BEGIN ourselves (the SQLAlchemy recipe for aiosqlite/pysqlite).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(READS_ONLY):
            return  # reads run on their own (autocommit): no lock, no snapshot held
        # Take the write lock up front: a read-then-write transaction that upgrades later
        # fails with "database is locked" under concurrency instead of waiting. Sent straight
        # to the driver (AdaptedConnection.run_async): one trip to aiosqlite's thread, not three.
        conn.connection.dbapi_connection.run_async(_begin_immediate)


async def _begin_immediate(driver_connection: Any) -> None:
    await driver_connection.execute("BEGIN IMMEDIATE")


def upsert_insert(session: AsyncSession, table: Any) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that can say ON CONFLICT DO NOTHING / DO UPDATE: both dialects spell it the
    same, but each has its own construct."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


READS_ONLY = "courtyard_reads_only"


class ReadOnlyViolation(RuntimeError):
    """A session opened for reading tried to write: the handler should not be read-only."""


def read_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for updates that change nothing: on SQLite they take no write lock. Writing
    through one is refused (see `guard_read_only`)."""
    _guard_read_only()
    return async_sessionmaker(
        engine.execution_options(**{READS_ONLY: True}),
        expire_on_commit=False,
        info={READS_ONLY: True},
    )


def _refuse_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.info.get(READS_ONLY) and (session.new or session.dirty or session.deleted):
        raise ReadOnlyViolation("a read-only session has changes to flush")


def _refuse_write(state: ORMExecuteState) -> None:
    if state.session.info.get(READS_ONLY) and (
        state.is_insert or state.is_update or state.is_delete
    ):
        raise ReadOnlyViolation(f"a read-only session was asked to write: {state.statement}")


def _guard_read_only() -> None:
    if not event.contains(Session, "before_flush", _refuse_flush):
        event.listen(Session, "before_flush", _refuse_flush)
        event.listen(Session, "do_orm_execute", _refuse_write)


# SQLite has one writer at a time. Waiting for its lock in SQLite's busy handler means sleeping
# and polling; waiting on an asyncio.Lock wakes the next writer the moment the last one ends.
_WRITE_LOCKS: WeakKeyDictionary[Engine, asyncio.Lock] = WeakKeyDictionary()


def write_lock(
    sessions: async_sessionmaker[AsyncSession],
) -> contextlib.AbstractAsyncContextManager[object]:
    """Held around a write transaction on SQLite (nothing on PostgreSQL)."""
    engine: AsyncEngine = sessions.kw["bind"]
    if engine.dialect.name != "sqlite":
        return contextlib.nullcontext()
    lock = _WRITE_LOCKS.get(engine.sync_engine)
    if lock is None:
        lock = _WRITE_LOCKS[engine.sync_engine] = asyncio.Lock()
    return lock


@contextlib.asynccontextmanager
async def transaction(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session in one transaction, committed at the end (rolled back on error)."""
    async with write_lock(sessions), sessions() as session, session.begin():
        yield session

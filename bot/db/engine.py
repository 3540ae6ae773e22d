"""The engine and session factory, with SQLite tuned for a bot."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.db.notices import Notices, session_class

SQLITE_BUSY_TIMEOUT_MS = 10_000
# The execution option a read-only session factory sets on its connections (see `_on_begin`).
READ_ONLY = "samen_read_only"


def create_engine(database_url: str, **kwargs: Any) -> AsyncEngine:
    """Create an async engine; SQLite gets WAL, a busy timeout and foreign keys."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        engine = create_async_engine(url, **kwargs)
        _tune_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kwargs)


def _tune_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (see "begin" below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # WAL lets readers work while one writer commits; NORMAL sync is safe with WAL.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(READ_ONLY):
            # A read-only unit never writes, so it need not queue for SQLite's one write lock:
            # a plain (deferred) BEGIN reads a consistent snapshot beside the writer (WAL).
            connection.exec_driver_sql("BEGIN")
            return
        # IMMEDIATE takes the write lock up front: a deferred transaction that reads and then
        # writes fails with SQLITE_BUSY (without waiting) when another writer got in between.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_session_factory(
    engine: AsyncEngine, notices: Notices | None = None, *, read_only: bool = False
) -> async_sessionmaker[AsyncSession]:
    """Sessions for services; with `notices`, commits deliver the topics services noted.

    `read_only` sessions begin without SQLite's write lock (on PostgreSQL nothing changes);
    they are for work that only reads, such as loading who wrote an update."""
    options: dict[str, Any] = {}
    if notices is not None:
        options["sync_session_class"] = session_class(notices)
    bind = engine.execution_options(**{READ_ONLY: True}) if read_only else engine
    # expire_on_commit=False: services return loaded objects that handlers render afterwards.
    return async_sessionmaker(bind, expire_on_commit=False, **options)

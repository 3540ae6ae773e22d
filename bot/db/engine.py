"""The engine and session factory, with SQLite tuned for a bot."""

from __future__ import annotations

import logging
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

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 10_000


def create_engine(database_url: str, **kwargs: Any) -> AsyncEngine:
    """Create an async engine; SQLite gets WAL, a busy timeout and foreign keys."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        engine = create_async_engine(url, **kwargs)
        _tune_sqlite(engine)
        return engine
    # No ping at every checkout (a round trip per session): connections are recycled after
    # 30 minutes, and one the server dropped fails once, is logged, and the pool reconnects.
    kwargs.setdefault("pool_recycle", 1800)
    engine = create_async_engine(url, **kwargs)
    event.listen(engine.sync_engine, "handle_error", _log_disconnect)
    return engine


def _log_disconnect(context: Any) -> None:
    if context.is_disconnect:
        # SQLAlchemy invalidates the pool on a disconnect: the next session connects afresh.
        log.warning("the database connection was lost; reconnecting on the next use")


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
        # IMMEDIATE takes the write lock up front: a deferred transaction that reads and then
        # writes fails with SQLITE_BUSY (without waiting) when another writer got in between.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_session_factory(
    engine: AsyncEngine, notices: Notices | None = None
) -> async_sessionmaker[AsyncSession]:
    """Sessions for services; with `notices`, commits deliver the topics services noted."""
    options: dict[str, Any] = {}
    if notices is not None:
        options["sync_session_class"] = session_class(notices)
    # expire_on_commit=False: services return loaded objects that handlers render afterwards.
    return async_sessionmaker(engine, expire_on_commit=False, **options)

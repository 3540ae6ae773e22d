"""The engine and session factory, with SQLite tuned for a bot."""

from __future__ import annotations

import logging
import os
import socket
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.db.disk import make_private
from bot.db.notices import Notices, session_class

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 10_000
# The execution option a read-only session factory sets on its connections (see `_on_begin`).
READ_ONLY = "samen_read_only"
# The option of a read-only factory whose sessions each run one statement (see `_on_begin`).
ONE_STATEMENT = "samen_one_statement"


def create_engine(database_url: str, **kwargs: Any) -> AsyncEngine:
    """Create an async engine; SQLite gets WAL, a busy timeout and foreign keys."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        make_private(url)  # mode 600 before SQLite creates it with the umask's mode
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
        # Freed pages are zeroed, so erased words do not linger in the main file.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        options = connection.get_execution_options()
        if options.get(ONE_STATEMENT):
            # One statement is atomic on its own (autocommit mode, isolation_level None): no
            # BEGIN spares the thread hops of a transaction around a single read.
            return
        if options.get(READ_ONLY):
            # A read-only unit never writes, so it need not queue for SQLite's one write lock:
            # a plain (deferred) BEGIN reads a consistent snapshot beside the writer (WAL).
            connection.exec_driver_sql("BEGIN")
            return
        # IMMEDIATE takes the write lock up front: a deferred transaction that reads and then
        # writes fails with SQLITE_BUSY (without waiting) when another writer got in between.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_session_factory(
    engine: AsyncEngine,
    notices: Notices | None = None,
    *,
    read_only: bool = False,
    one_statement: bool = False,
) -> async_sessionmaker[AsyncSession]:
    """Sessions for services; with `notices`, commits deliver the topics services noted.

    `read_only` sessions begin without SQLite's write lock (on PostgreSQL nothing changes);
    they are for work that only reads, such as loading who wrote an update. `one_statement`
    (read-only too) is for a session that runs one statement, or statements that need not
    see the same snapshot: on SQLite it opens no transaction at all."""
    options: dict[str, Any] = {}
    if notices is not None:
        options["sync_session_class"] = session_class(notices)
    flags: dict[str, Any] = {}
    if read_only or one_statement:
        flags = {READ_ONLY: True, ONE_STATEMENT: one_statement}
    if one_statement and engine.dialect.name != "sqlite":
        # PostgreSQL (asyncpg): no BEGIN and ROLLBACK round trips around the one statement.
        # SQLite is in autocommit mode already; `_on_begin` leaves out its BEGIN.
        flags["isolation_level"] = "AUTOCOMMIT"
    bind = engine.execution_options(**flags) if flags else engine
    # expire_on_commit=False: services return loaded objects that handlers render afterwards.
    return async_sessionmaker(bind, expire_on_commit=False, **options)


# SQLSTATEs PostgreSQL answers a refused connection with.
_PG_REASONS = {
    "28P01": "PostgreSQL refused the password of the user {user!r}: check DATABASE_URL",
    "3D000": "the database {database!r} does not exist: create it "
    "(sudo -u postgres createdb -O {user} {database})",
    "42501": "the user {user!r} may not connect to {database!r}: grant it CONNECT",
    "53300": "PostgreSQL has no free connections (too many clients): try again, or raise "
    "max_connections",
    "57P03": "PostgreSQL is starting up or shutting down: try again in a moment",
}


def describe_connection_error(exc: BaseException, url: URL) -> str:
    """Why a connection failed, in words that name the fix; never the password."""
    if url.get_backend_name() == "sqlite":
        return _describe_sqlite(url)
    orig = getattr(exc, "orig", None) or exc
    cause = orig.__cause__ or orig
    sqlstate = getattr(orig, "sqlstate", None) or getattr(cause, "sqlstate", None)
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    names = {"user": url.username or "postgres", "database": url.database or ""}
    if sqlstate in _PG_REASONS:
        return _PG_REASONS[sqlstate].format(**names)
    if sqlstate == "28000":
        message = str(getattr(cause, "message", "") or cause)
        if "does not exist" in message:
            return (
                f"PostgreSQL has no role {names['user']!r}: create it "
                f"(sudo -u postgres createuser --pwprompt {names['user']})"
            )
        return f"PostgreSQL refused the connection ({message}): check pg_hba.conf"
    if isinstance(cause, ConnectionRefusedError):
        return f"nothing answers at {where} (connection refused): is PostgreSQL running there?"
    if isinstance(cause, socket.gaierror):
        return f"the host {url.host!r} is unknown: check the host in DATABASE_URL"
    if isinstance(cause, TimeoutError):
        return f"no answer from {where} in time: check the host, port and firewall"
    if isinstance(cause, OSError):
        return f"cannot connect to {where} ({cause.strerror or type(cause).__name__})"
    return type(cause).__name__


def sqlite_obstacle(url: URL) -> str | None:
    """What keeps SQLite from opening this file, seen without opening it (None: nothing).

    Checked before connecting: a connection that fails inside aiosqlite's worker thread can
    outlive a command's event loop and print a traceback on the way out."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    path = Path(url.database or "")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        return f"the folder {folder} does not exist: create it (mkdir -p {folder})"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"cannot write in {folder}: give the user that runs samen write access"
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        return f"cannot read and write {path}: give the user that runs samen access"
    return None


def _describe_sqlite(url: URL) -> str:
    return sqlite_obstacle(url) or f"cannot open {url.database} as a SQLite database"

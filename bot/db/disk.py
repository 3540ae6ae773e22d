"""Erasure that reaches the disk: private database files, and deleted rows that leave them.

A DELETE only marks rows as gone. On SQLite the old page images stay in the `-wal` file
until a checkpoint copies the database back and truncates it (and `secure_delete`, set on
every connection, zeroes what was freed in the main file). On PostgreSQL dead row versions
stay in the table files until VACUUM prunes them and their space can be reused.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)

PRIVATE_MODE = 0o600
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def sqlite_path(url: URL) -> Path | None:
    """The file behind a SQLite URL; None for an in-memory database or a `file:` URI."""
    database = url.database
    if not database or database == ":memory:" or url.query.get("uri") or "mode=memory" in database:
        return None
    return Path(database)


def make_private(url: URL) -> None:
    """Create the SQLite file (mode 600) before SQLite does (which would use the umask); take
    group and world access away from an existing file and its side files.

    SQLite gives `-wal` and `-shm` the permissions of the main file, so a private main file
    keeps them private. A missing folder is left for the connection to report.
    """
    path = sqlite_path(url)
    if path is None or not path.parent.is_dir():
        return
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_MODE)
    except FileExistsError:
        pass
    except OSError:
        return  # e.g. a read-only folder: the connection says what is wrong
    else:
        os.close(fd)
    for candidate in [path, *(Path(f"{path}{suffix}") for suffix in SQLITE_SIDE_FILES)]:
        _tighten(candidate)


def _tighten(path: Path) -> None:
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            os.chmod(path, mode & 0o700)
            log.warning(
                "database file was readable by others; now only by its owner",
                extra={"state": oct(mode & 0o700)},
            )
    except FileNotFoundError:
        return
    except PermissionError:
        # Not ours to change (another user owns it): `samen doctor` reports the mode.
        return


@dataclass(frozen=True)
class Settled:
    """What a pass did: the SQLite checkpoint (complete or not), the tables vacuumed."""

    checkpointed: bool | None = None
    vacuumed: tuple[str, ...] = ()


async def checkpoint(engine: AsyncEngine) -> bool | None:
    """Copy SQLite's WAL into the database and truncate it; None on other databases.

    Returns False when a reader still used an older snapshot once the busy timeout ran out:
    those frames stay until the next checkpoint (the scrub job tries again). A checkpoint
    cannot run inside a transaction, and every SQLAlchemy transaction here starts with
    BEGIN IMMEDIATE, so it goes to the driver's connection directly.
    """
    if engine.dialect.name != "sqlite":
        return None
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        cursor = await raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        row = await cursor.fetchone()
        await cursor.close()
    busy = bool(row and row[0])
    if busy:
        log.warning("WAL checkpoint incomplete: a reader was busy; trying again later")
    return not busy


async def vacuum(engine: AsyncEngine, tables: Iterable[str]) -> tuple[str, ...]:
    """VACUUM the tables on PostgreSQL (outside a transaction, as it must); () elsewhere."""
    if engine.dialect.name != "postgresql":
        return ()
    done = []
    async with engine.connect() as conn:
        autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
        preparer = engine.dialect.identifier_preparer
        for table in sorted(set(tables)):
            await autocommit.execute(text(f"VACUUM {preparer.quote(table)}"))
            done.append(table)
    return tuple(done)


async def settle(engine: AsyncEngine, tables: Iterable[str]) -> Settled:
    """Make erased rows leave the disk: a checkpoint on SQLite, VACUUM on PostgreSQL."""
    return Settled(checkpointed=await checkpoint(engine), vacuumed=await vacuum(engine, tables))

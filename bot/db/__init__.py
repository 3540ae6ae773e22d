"""The database: models, engine, migrations."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db import migrate
from bot.db.engine import create_engine, describe_connection_error, sqlite_obstacle
from bot.errors import OperatorError


class DatabaseUnavailable(OperatorError):
    """The database cannot be reached; the message is safe to print (no password)."""


async def check_connection(engine: AsyncEngine, safe_url: str) -> None:
    obstacle = sqlite_obstacle(engine.url)
    if obstacle is not None:
        raise DatabaseUnavailable(f"cannot reach the database at {safe_url}: {obstacle}")
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except (OperationalError, DBAPIError, OSError) as exc:
        reason = describe_connection_error(exc, engine.url)
        raise DatabaseUnavailable(f"cannot reach the database at {safe_url}: {reason}") from None


async def prepare_database(database_url: str, safe_url: str) -> None:
    """Check the database is reachable and bring its schema to the newest migration."""
    engine = create_engine(database_url)
    try:
        await check_connection(engine, safe_url)
        await migrate.ensure_current(engine)
    finally:
        await engine.dispose()

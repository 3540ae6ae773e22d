"""Helpers every command shares."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings, load_settings
from bot.db import check_connection
from bot.db import migrate as migrations
from bot.db.engine import create_engine
from bot.errors import OperatorError

T = TypeVar("T")


class CommandError(OperatorError):
    """A command cannot do what was asked; the message says why in one line."""


def settings() -> Settings:
    return load_settings()


def with_engine(
    settings: Settings, work: Callable[[AsyncEngine], Awaitable[T]], *, migrate: bool = True
) -> T:
    """Run `work` with an engine in a fresh event loop and always dispose of the engine.

    First the database must answer, and (unless `migrate` is false, for `samen db`) its
    schema is brought up to date, as `samen run` does: a volunteer's first command is often
    `community create` on a database nobody migrated yet.
    """

    async def _run() -> T:
        engine = create_engine(settings.database_url)
        try:
            if migrate:
                await check_connection(engine, settings.safe_database_url())
                await migrations.ensure_current(engine)
            return await work(engine)
        finally:
            await engine.dispose()

    return asyncio.run(_run())


def when(moment: datetime, zone: str, *, utc: bool = False) -> str:
    """A stored (UTC) moment as the people there read it, with the zone's name.

    Listings show a meeting's times in the meeting's own zone; `--utc` asks for UTC.
    """
    if utc:
        return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    return f"{moment.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M} {zone}"

"""Helpers every command shares."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings, load_settings
from bot.db.engine import create_engine
from bot.errors import OperatorError

T = TypeVar("T")


class CommandError(OperatorError):
    """A command cannot do what was asked; the message says why in one line."""


def settings() -> Settings:
    return load_settings()


def with_engine(settings: Settings, work: Callable[[AsyncEngine], Awaitable[T]]) -> T:
    """Run `work` with an engine in a fresh event loop and always dispose of the engine."""

    async def _run() -> T:
        engine = create_engine(settings.database_url)
        try:
            return await work(engine)
        finally:
            await engine.dispose()

    return asyncio.run(_run())

"""One module per journey; `register` wires them all, in the order they are tried."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.channels.telegram.handlers import broadcasts, errors, fallback, incoming, start


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    # Group -1, before every journey: duplicates stop here, returning members are reachable.
    incoming.register(app)
    start.register(app)
    broadcasts.register(app)
    # Last: anything no journey claimed is logged (ids only) and ignored.
    fallback.register(app)
    errors.register(app)

"""One module per journey; `register` wires them all, in the order they are tried."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.channels.telegram.handlers import errors, fallback, start


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    start.register(app)
    # Last: anything no journey claimed is logged (ids only) and ignored.
    fallback.register(app)
    errors.register(app)

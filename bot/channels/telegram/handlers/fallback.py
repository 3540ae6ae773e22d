"""Updates no journey handles: logged by id and kind, never by content, and ignored."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import Application, TypeHandler

from bot.channels.telegram.context import SamenContext

log = logging.getLogger(__name__)


def update_kind(update: Update) -> str:
    """The name of the field that carries this update's payload, e.g. 'message'."""
    for key, value in update.to_dict().items():
        if key != "update_id" and value is not None:
            return key
    return "empty"


async def ignore(update: Update, _context: SamenContext) -> None:
    """Log an update nobody handled."""
    log.info("update ignored", extra={"update_id": update.update_id, "kind": update_kind(update)})


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    # Within one group PTB runs the first handler that matches, so registered last in the
    # default group this sees exactly the updates no journey claimed.
    app.add_handler(TypeHandler(Update, ignore))

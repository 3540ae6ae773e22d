"""When a handler fails: log it with the update id, apologise to the member in their language."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.error import Conflict, TelegramError
from telegram.ext import Application

from bot.channels.telegram.context import SamenContext
from bot.services import members

log = logging.getLogger(__name__)

CONFLICT_REASON = (
    "another instance is already polling Telegram with this bot token (409 Conflict); "
    "stopping this one. Run one poller, or use webhook mode for several instances."
)


async def on_error(update: object, context: SamenContext) -> None:
    """Log the failure and tell the member something went wrong."""
    if isinstance(context.error, Conflict):
        # Another process polls with this token: fighting over updates loses some of them.
        context.runtime.stop_reason = CONFLICT_REASON
        log.error("another instance is polling Telegram with this token (409 Conflict)")
        context.application.stop_running()
        return
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("handler failed", exc_info=context.error, extra={"update_id": update_id})
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != "private":
        return
    # PTB gives error handlers a context of their own: look the language up again.
    try:
        async with context.runtime.reading() as session:
            member = await members.find_by_telegram_id(session, update.effective_chat.id)
        t = context.translator(update, member)
    except Exception:  # the database may be what failed: fall back to Telegram's language
        t = context.translator_for_user(update)
    try:
        await context.bot.send_message(
            update.effective_chat.id,
            t.gettext("Sorry, something went wrong on our side. Please try again in a moment."),
        )
    except TelegramError:
        log.warning("could not send apology", extra={"update_id": update_id})


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_error_handler(on_error)

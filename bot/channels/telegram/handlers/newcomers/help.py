"""/help: what a member can do, in their language (and what their roles add)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.channels.telegram import menus
from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.common import PRIVATE_MESSAGES
from bot.services.translations import translators


async def show_help(update: Update, context: SamenContext) -> None:
    """List the commands with what they do."""
    message = update.effective_message
    if message is None:
        return
    # Ambassadors and translators also read what their roles let them do.
    async with context.runtime.reading() as session:
        standing = await translators.standing(session, context.member)
    await message.reply_text(menus.help_text(context.t, menus.for_standing(standing)))


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(CommandHandler("help", show_help, filters=PRIVATE_MESSAGES))

"""/help: what a member can do, in their language."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.channels.telegram import menus
from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.common import PRIVATE_MESSAGES
from bot.services import members


async def show_help(update: Update, context: SamenContext) -> None:
    """List the commands with what they do."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    async with context.runtime.sessions() as session:
        member = await members.find_by_telegram_id(session, user.id)
    await message.reply_text(menus.help_text(context.translator(update, member)))


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(CommandHandler("help", show_help, filters=PRIVATE_MESSAGES))

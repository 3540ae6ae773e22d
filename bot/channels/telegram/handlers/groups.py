"""Group chats: Samen talks with people one to one, so it says so and does nothing else.

With Telegram's privacy mode (the default for bots) a bot in a group only receives commands
and replies to its own messages, so this answers exactly the messages meant for it.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, MessageHandler, filters

from bot.channels.telegram.context import SamenContext


async def explain(update: Update, context: SamenContext) -> None:
    """Tell the sender, in their language, to write to the bot privately."""
    message = update.effective_message
    if message is None:
        return
    t = context.translator_for_user(update)
    link = f"https://t.me/{context.bot.username}"
    await message.reply_text(
        t.gettext(
            "I only work in private chats, so that what you tell me stays between us. "
            "Please write to me directly: {link}",
            link=link,
        )
    )


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    in_groups = filters.ChatType.GROUPS & filters.UpdateType.MESSAGE & ~filters.StatusUpdate.ALL
    app.add_handler(MessageHandler(in_groups, explain))

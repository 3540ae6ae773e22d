"""/start: the first thing anyone says to the bot."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CommandHandler, filters

from bot.channels.telegram.context import SamenContext
from bot.services import members


async def start(update: Update, context: SamenContext) -> None:
    """Greet the user in their language."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    runtime = context.runtime
    async with runtime.sessions() as session:
        member = await members.register_contact(
            session,
            telegram_user_id=user.id,
            language_code=user.language_code,
            default_locale=runtime.settings.default_locale,
            now=runtime.clock(),
        )
    t = runtime.catalogs.translator(member.locale, member.time_zone)
    await message.reply_text(
        t.gettext(
            "Welcome to Samen, {name}! Together with your community you can share what "
            "matters to you, hear about meetings and help shape them.",
            name=user.first_name,
        )
    )


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(CommandHandler("start", start, filters=filters.ChatType.PRIVATE))

"""/whoami: the person's Telegram number and roles, e.g. for an installer who needs their id
for SAMEN_COORDINATOR_IDS. Anyone, in a private chat, without consent: nothing is stored."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.common import PRIVATE_MESSAGES
from bot.channels.telegram.views import identity
from bot.services.communities import roles


async def whoami(update: Update, context: SamenContext) -> None:
    """Answer with the numeric id and the roles per community (reads only)."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    runtime = context.runtime
    async with runtime.reading() as session:
        found = await roles.identity(
            session, user.id, installation_coordinators=runtime.settings.coordinator_ids
        )
    await message.reply_text(identity.render(context.t, found))


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(CommandHandler("whoami", whoami, filters=PRIVATE_MESSAGES))

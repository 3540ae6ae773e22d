"""Before any journey: note that a known member wrote (and so has not blocked the bot)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, TypeHandler

from bot.channels.telegram.context import SamenContext
from bot.services import members

# Runs in its own group before the journeys (group 0), for every update.
GROUP = -1


async def note_presence(update: Update, context: SamenContext) -> None:
    """A member who writes again is reachable again, even if Telegram once said "blocked"."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or chat.type != "private":
        return
    runtime = context.runtime
    async with runtime.sessions() as session:
        await members.seen(session, user.id, runtime.clock())


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(TypeHandler(Update, note_presence), group=GROUP)

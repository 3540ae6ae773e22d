"""Before any journey: drop an update seen before, and reactivate a member who writes again.

One handler in group -1 does both in one transaction: it runs for every update before the
journeys (group 0) and stops a duplicate from reaching them.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from bot.channels.telegram.context import SamenContext
from bot.services import dialogs, updates

log = logging.getLogger(__name__)

GROUP = -1


async def admit(update: Update, context: SamenContext) -> None:
    """Stop a duplicate update; note that a member who blocked the bot is back."""
    runtime = context.runtime
    user, chat = update.effective_user, update.effective_chat
    private = chat is not None and chat.type == ChatType.PRIVATE
    status = None
    if update.my_chat_member is not None and private:
        # In a private chat, "kicked" is the user blocking the bot; "member" unblocking it.
        status = update.my_chat_member.new_chat_member.status
    async with runtime.sessions() as session:
        admission = await updates.admit(
            session,
            update_id=update.update_id,
            now=runtime.clock(),
            telegram_user_id=user.id if user is not None and private else None,
            chat_status=status,
            commit=False,
        )
        if not admission.duplicate and user is not None and private and update.message:
            # A message goes to the member's current step: load both while we are here.
            context.loaded = await dialogs.of_user(session, user.id)
        await session.commit()
    if admission.duplicate:
        log.info("duplicate update dropped", extra={"update_id": update.update_id})
        raise ApplicationHandlerStop
    if admission.reactivated:
        log.info("member reachable again", extra={"update_id": update.update_id})
    if admission.blocked:
        log.info("member blocked the bot", extra={"update_id": update.update_id})


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(TypeHandler(Update, admit), group=GROUP)

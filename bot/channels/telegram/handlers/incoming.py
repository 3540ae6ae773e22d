"""Before any journey: know who wrote, and drop an update seen before; after them: settle.

`admit` (group -1) runs for every update. In one read-only statement (outside any
transaction: no write lock on SQLite, no BEGIN or ROLLBACK) it checks the update was not
handled before and, in a private chat, loads the member, their dialogue and their translator
onto the context. What it has to write (the update as handled, the member as seen) waits for
the journey's unit of work, so a journey that writes costs one write transaction in all.
`settle` (the last group) writes it for updates where no journey did.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from bot.channels.telegram.context import PendingAdmission, SamenContext
from bot.services import dialogs, updates

log = logging.getLogger(__name__)

GROUP = -1
# After every journey (group 0) and the fallback.
SETTLE_GROUP = 100


async def admit(update: Update, context: SamenContext) -> None:
    """Stop a duplicate update; load who wrote, once, for every private update."""
    runtime = context.runtime
    user, chat = update.effective_user, update.effective_chat
    private = chat is not None and chat.type == ChatType.PRIVATE
    status = None
    if update.my_chat_member is not None and private:
        # In a private chat, "kicked" is the user blocking the bot; "member" unblocking it.
        status = update.my_chat_member.new_chat_member.status
    # One statement for a known member (two independent reads otherwise): no transaction.
    async with runtime.glance() as session:
        arrival = await updates.arrival(
            session, update.update_id, user.id if user is not None and private else None
        )
    if arrival.seen_before:
        log.info("duplicate update dropped", extra={"update_id": update.update_id})
        raise ApplicationHandlerStop
    member = arrival.member
    context.admitted = True
    context.member, context.dialog_row = member, arrival.dialog_row
    context.dialog = dialogs.snapshot(arrival.dialog_row)
    context.t = context.translator(update, member)
    context.pending = PendingAdmission(
        update_id=update.update_id,
        telegram_user_id=user.id if user is not None and private else None,
        was_blocked=member is not None and member.blocked_at is not None,
        last_seen_at=member.last_seen_at if member is not None else None,
        chat_status=status,
    )


async def settle(update: Update, context: SamenContext) -> None:
    """Write the admission when no journey's unit of work did (a read-only journey, a stale
    button, an update no journey claimed, or one whose journey failed and rolled back)."""
    pending = context.pending
    if pending is None:
        return
    async with context.work():
        pass


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(TypeHandler(Update, admit), group=GROUP)
    app.add_handler(TypeHandler(Update, settle), group=SETTLE_GROUP)

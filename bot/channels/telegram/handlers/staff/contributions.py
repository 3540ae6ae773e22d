"""An organiser or coordinator confirms or declines an activity a member reported, with the
buttons on the notice they got. Re-checked on every tap: the role, the contribution's
community, and that nobody answered it first."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.channels.telegram import callbacks
from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.common import neutral, retire_buttons
from bot.channels.telegram.handlers.staff.guard import require_staff
from bot.channels.telegram.views import contributions as views
from bot.db.models import Role
from bot.services import contributions


async def decide(update: Update, context: SamenContext) -> None:
    """Confirm / Decline on a contribution notice: `ctb:<id>:yes|no`."""
    query = update.callback_query
    if query is None:
        return
    decoded = callbacks.decode(query.data)
    decision = None
    async with context.work() as session:
        access = await require_staff(
            update, context, session, role=Role.ORGANISER, action="contribution"
        )
        if access is None:
            return
        if isinstance(decoded, callbacks.ContributionDecision):
            decision = await contributions.decide(
                session,
                decoded.contribution_id,
                confirm=decoded.confirm,
                user_id=access.user_id,
                community_ids=access.community_ids,
                now=context.runtime.clock(),
            )
    if decision is None or not isinstance(decoded, callbacks.ContributionDecision):
        await neutral(query, access.t)
        return
    await query.answer()
    await retire_buttons(query)
    await context.bot.send_message(
        access.user_id, views.decision_text(access.t, decoded.confirm, decision.changed)
    )


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(CallbackQueryHandler(decide, pattern=r"^ctb:"))

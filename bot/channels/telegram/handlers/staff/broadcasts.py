"""/broadcasts: organisers see how their broadcasts are doing and resend the failed ones."""

from __future__ import annotations

import logging
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.staff.guard import require_staff
from bot.db.models import Role
from bot.i18n import N_, Translator
from bot.services.communities import roles
from bot.services.outbox import OutboxState
from bot.services.outbox import reports as outbox_reports
from bot.services.outbox.reports import BroadcastSummary

log = logging.getLogger(__name__)

RESEND_PREFIX = "obx:rs:"
SHOWN = 5

# What organisers call each purpose. Features that queue broadcasts add theirs.
PURPOSE_LABELS = {
    "announcement": N_("Announcement"),
    "invitation": N_("Invitation"),
}


async def show(update: Update, context: SamenContext) -> None:
    """Show the organiser's latest broadcasts with their counts."""
    message = update.effective_message
    async with context.work() as session:
        access = await require_staff(
            update, context, session, role=Role.ORGANISER, action="broadcasts"
        )
    if access is None or message is None:
        return
    text, markup = await _view(context, access.user_id, access.t)
    await message.reply_text(text, reply_markup=markup)


async def resend_failed(update: Update, context: SamenContext) -> None:
    """Requeue a broadcast's failed messages, after checking it is the organiser's."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    t = context.t
    runtime = context.runtime
    raw = (query.data or "").removeprefix(RESEND_PREFIX)
    count = None
    if raw.isdigit() and len(raw) < 19:
        async with context.work() as session:
            count = await outbox_reports.resend_failed_for_organiser(
                session,
                user.id,
                int(raw),
                now=runtime.clock(),
                installation_coordinators=runtime.settings.coordinator_ids,
            )
    if count is None:
        # Tampered, stale or someone else's: a neutral answer and no change.
        await query.answer(t.gettext("This button no longer works."))
        return
    await query.answer(
        t.ngettext("{count} message queued again.", "{count} messages queued again.", count)
    )
    text, markup = await _view(context, user.id, t)
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest:
        log.info("broadcast view unchanged", extra={"update_id": update.update_id})


async def _view(
    context: SamenContext, telegram_user_id: int, t: Translator
) -> tuple[str, InlineKeyboardMarkup | None]:
    runtime = context.runtime
    coordinators = runtime.settings.coordinator_ids
    async with context.work() as session:
        allowed = await roles.may_organise(
            session, telegram_user_id, installation_coordinators=coordinators
        )
        summaries = (
            await outbox_reports.broadcasts_for_organiser(
                session, telegram_user_id, installation_coordinators=coordinators, limit=SHOWN
            )
            if allowed
            else []
        )
    if not allowed:
        return t.gettext("Only organisers can see broadcasts."), None
    if not summaries:
        return t.gettext("Your communities have no broadcasts yet."), None
    blocks = [t.gettext("Your latest broadcasts:")]
    buttons = []
    for number, summary in enumerate(summaries, start=1):
        blocks.append(render_summary(t, number, summary))
        if summary.count(OutboxState.FAILED):
            label = t.gettext("Resend to failed only (#{number})", number=number)
            buttons.append([InlineKeyboardButton(label, callback_data=_resend_data(summary))])
    return "\n\n".join(blocks), InlineKeyboardMarkup(buttons) if buttons else None


def _resend_data(summary: BroadcastSummary) -> str:
    return f"{RESEND_PREFIX}{summary.id}"


def render_summary(t: Translator, number: int, summary: BroadcastSummary) -> str:
    """One broadcast: what, where, when, and its counts (only the counts that are not 0)."""
    label = PURPOSE_LABELS.get(summary.purpose)
    purpose = t.gettext(label) if label else summary.purpose
    lines = [
        t.gettext(
            "#{number} {purpose} to {community}, {when}",
            number=number,
            purpose=purpose,
            community=summary.community_name,
            when=t.fmt_datetime(summary.created_at, "short"),
        ),
        t.gettext(
            "Sent: {sent} of {total}",
            sent=t.fmt_number(summary.count(OutboxState.SENT)),
            total=t.fmt_number(summary.total),
        ),
    ]
    details = [
        (summary.active, N_("Still to send: {count}")),
        (summary.count(OutboxState.FAILED), N_("Failed: {count}")),
        (summary.count(OutboxState.BLOCKED), N_("Blocked the bot: {count}")),
        (summary.count(OutboxState.UNKNOWN), N_("Unknown, maybe sent: {count}")),
        (summary.count(OutboxState.SKIPPED), N_("Not sent, no longer reachable: {count}")),
    ]
    lines.extend(
        t.gettext(message, count=t.fmt_number(count)) for count, message in details if count
    )
    return "\n".join(lines)


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(CommandHandler("broadcasts", show, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(resend_failed, pattern=f"^{RESEND_PREFIX}"))

"""/stats: a coordinator gets the main chart of their community, captioned in their language."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import InputFile, Update
from telegram.ext import Application, CommandHandler, filters

from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.staff.guard import require_staff
from bot.channels.telegram.views import conversations as conversation_views
from bot.db.models import Role
from bot.services import communities, reports
from bot.services.contributions import figures as contribution_figures

PHOTO_NAME = "samen-stats.png"
log = logging.getLogger(__name__)


async def show(update: Update, context: SamenContext) -> None:
    message = update.effective_message
    async with context.work() as session:
        access = await require_staff(
            update, context, session, role=Role.COORDINATOR, action="stats"
        )
    if access is None or message is None:
        return
    runtime, t = context.runtime, access.t
    # The coordinator's own communities (installation coordinators: every community).
    async with context.work() as session:
        found = [await communities.get(session, cid) for cid in access.community_ids]
    allowed = sorted((c for c in found if c is not None), key=lambda c: c.name)
    wanted = context.args[0] if context.args else None
    chosen = next((c for c in allowed if c.code == wanted), None)
    if chosen is None and wanted is None and len(allowed) == 1:
        chosen = allowed[0]
    if chosen is None:
        codes = "\n".join(f"/stats {c.code} — {c.name}" for c in allowed)
        await message.reply_text(
            t.gettext("Which community? Send /stats with its code:\n{codes}", codes=codes)
        )
        return
    async with context.work() as session:
        report = await reports.build(
            session, community_code=chosen.code, now=runtime.clock(), locale=t.tag
        )
        # Drawing takes a moment of CPU: off the event loop, so other chats are answered.
        try:
            png: bytes | None = await asyncio.to_thread(
                reports.main_chart, report, runtime.catalogs
            )
        except reports.FontsMissing as exc:
            # The figures still reach the coordinator, as text; the fix is the operator's
            # (the log line and `samen doctor` name it), and no chart is drawn with boxes.
            log.warning("stats chart not drawn: %s", exc)
            png = None
        contributed = await contribution_figures.of_community(
            session, chosen, now=runtime.clock(), locales_dir=runtime.settings.locales_dir
        )
        await reports.record(
            session, report, via="chat", now=runtime.clock(), actor_user_id=access.user_id
        )
    # Each count is its own plural phrase (the counted thing chooses the form), then one
    # sentence puts them together.
    caption = "\n".join(
        [
            t.gettext(
                "{community}: {members}, {answers} and {stories}.",
                community=report.community_name,
                members=t.ngettext("{count} member", "{count} members", report.members),
                answers=t.ngettext("{count} answer", "{count} answers", report.answers),
                stories=t.ngettext("{count} story", "{count} stories", report.stories),
            ),
            t.ngettext(
                "{delivered} of {count} message delivered.",
                "{delivered} of {count} messages delivered.",
                report.delivery_total,
                delivered=t.fmt_number(report.delivered),
            ),
        ]
    )
    if report.conversations is not None:
        caption = "\n".join(
            [caption, "", *conversation_views.figures_lines(t, report.conversations)]
        )
    # The last three months: a photo's caption holds at most 1,024 characters.
    if contributed.anything:
        caption = "\n".join([caption, *contribution_figures.lines(t, contributed, months=3)])
    if png is None:
        await message.reply_text(caption)
        return
    await message.reply_photo(photo=InputFile(png, filename=PHOTO_NAME), caption=caption[:1024])


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(CommandHandler("stats", show, filters=filters.ChatType.PRIVATE))

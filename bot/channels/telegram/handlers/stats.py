"""/stats: a coordinator gets the main chart of their community, captioned in their language."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import InputFile, Update
from telegram.ext import Application, CommandHandler, filters

from bot.channels.telegram.context import SamenContext
from bot.db.models import Role
from bot.services import reports, roles

PHOTO_NAME = "samen-stats.png"


async def show(update: Update, context: SamenContext) -> None:
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    runtime = context.runtime
    t = await context.member_translator(update)
    # The coordinator's own communities (installation coordinators: every community).
    async with runtime.sessions() as session:
        allowed = await roles.communities_for(
            session,
            user.id,
            Role.COORDINATOR,
            installation_coordinators=runtime.settings.coordinator_ids,
        )
    if not allowed:
        await message.reply_text(t.gettext("Only coordinators can see statistics."))
        return
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
    async with runtime.sessions() as session:
        report = await reports.build(
            session, community_code=chosen.code, now=runtime.clock(), locale=t.tag
        )
        # Drawing takes a moment of CPU: off the event loop, so other chats are answered.
        png = await asyncio.to_thread(reports.main_chart, report, runtime.catalogs)
        await reports.record(
            session, report, via="chat", now=runtime.clock(), actor_user_id=user.id
        )
    caption = t.gettext(
        "{community}: {members} members, {answers} answers and {stories} stories. "
        "{delivered} of {messages} messages delivered.",
        community=report.community_name,
        members=t.fmt_number(report.members),
        answers=t.fmt_number(report.answers),
        stories=t.fmt_number(report.stories),
        delivered=t.fmt_number(report.delivered),
        messages=t.fmt_number(report.delivery_total),
    )
    await message.reply_photo(photo=InputFile(png, filename=PHOTO_NAME), caption=caption)


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(CommandHandler("stats", show, filters=filters.ChatType.PRIVATE))

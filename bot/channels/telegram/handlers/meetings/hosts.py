"""Co-hosts: an organiser adds an ambassador from /meeting; the ambassador answers whether to
be named on the invitation; /hosting shows a co-host their meetings' figures (counts only).

The organiser's buttons go through the guard with the organiser role, the ambassador's with
the ambassador role: anyone else's taps are refused and audited."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.channels.telegram import callbacks
from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.common import (
    PRIVATE_MESSAGES,
    neutral,
    retire_buttons,
    step_choice,
)
from bot.channels.telegram.handlers.router import Router
from bot.channels.telegram.handlers.staff.guard import StaffAccess, require_staff
from bot.channels.telegram.views import hosts as views
from bot.db.models import Meeting, Role
from bot.services import dialogs, exports
from bot.services.meetings import edits as meeting_edits
from bot.services.meetings import hosts
from bot.services.meetings import overview as overview_service

FLOW = hosts.FLOW


async def offer(context: SamenContext, access: StaffAccess, meeting: Meeting) -> None:
    """After /meeting's "Add a co-host": the community's ambassadors as buttons."""
    runtime = context.runtime
    codes = await exports.member_codes(
        runtime.sessions, runtime.settings.export_secret, now=runtime.clock()
    )
    t = access.t
    async with context.work() as session:
        found = await hosts.ambassadors_of(session, meeting.community_id)
        dialog = await dialogs.set(
            session, access.member.id, FLOW, "pick", {"meeting": meeting.id}, now=runtime.clock()
        )
    if not found:
        await context.bot.send_message(access.user_id, views.no_ambassadors_text(t))
        return
    markup = views.ambassadors_keyboard(dialog, found, {m.id: codes.code(m.id) for m in found})
    await context.bot.send_message(access.user_id, views.choose_text(t), reply_markup=markup)


async def on_pick(update: Update, context: SamenContext) -> None:
    """The organiser picked an ambassador: `cohost:<version>:m<member id>`."""
    query = update.callback_query
    if query is None:
        return
    now = context.runtime.clock()
    added = None
    async with context.work() as session:
        access = await require_staff(
            update, context, session, role=Role.ORGANISER, action="cohost"
        )
        if access is None:
            return
        found = step_choice(context, query.data, FLOW)
        meeting = None
        if found is not None and found[2][1:].isdigit() and len(found[2]) < 20:
            meeting = await meeting_edits.meeting_of(
                session, int(found[1].data.get("meeting", 0)), access.community_ids
            )
        if found is not None and meeting is not None:
            added = await hosts.add(
                session, meeting, int(found[2][1:]), added_by=access.user_id, now=now
            )
            await dialogs.clear(session, found[0].id, now=now)
    if found is None or meeting is None:
        await neutral(query, access.t)
        return
    await query.answer()
    await retire_buttons(query)
    await context.bot.send_message(access.user_id, views.added_text(access.t, added is not None))


async def on_answer(update: Update, context: SamenContext) -> None:
    """The ambassador's Yes / No to being named: `hst:<co-host id>:yes|no`."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    decoded = callbacks.decode(query.data)
    host = None
    async with context.work() as session:
        access = await require_staff(
            update, context, session, role=Role.AMBASSADOR, action="cohost"
        )
        if access is None:
            return
        if isinstance(decoded, callbacks.HostAnswer):
            host = await hosts.answer(
                session,
                decoded.host_id,
                access.member.id,
                named=decoded.named,
                name=user.first_name,
            )
    if host is None:
        await neutral(query, access.t)
        return
    await query.answer()
    await retire_buttons(query)
    await context.bot.send_message(access.user_id, views.answered_text(access.t, bool(host.named)))


async def show_hosting(update: Update, context: SamenContext) -> None:
    """/hosting: the co-hosted meetings' figures, as counts (never who said what)."""
    now = context.runtime.clock()
    texts: list[str] = []
    async with context.work() as session:
        access = await require_staff(
            update, context, session, role=Role.AMBASSADOR, action="hosting"
        )
        if access is None:
            return
        for meeting in (await hosts.cohosted(session, access.member.id, now=now))[:5]:
            seen = await overview_service.of_meeting(session, meeting, locale=access.t.tag)
            texts.append(views.figures_text(access.t, seen))
    for text in texts or [views.nothing_hosted_text(access.t)]:
        await context.bot.send_message(access.user_id, text)


async def on_message(update: Update, context: SamenContext) -> None:
    """A message while the ambassador buttons are waiting: they are the answer."""
    message = update.effective_message
    assert message is not None
    await context.bot.send_message(
        message.chat_id, context.t.gettext("Please answer with the buttons.")
    )


def register(app: Application[Any, Any, Any, Any, Any, Any], router: Router) -> None:
    app.add_handler(CommandHandler("hosting", show_hosting, filters=PRIVATE_MESSAGES))
    app.add_handler(CallbackQueryHandler(on_pick, pattern=rf"^{FLOW}:"))
    app.add_handler(CallbackQueryHandler(on_answer, pattern=r"^hst:"))
    router.register(FLOW, on_message, needs_consent=False)

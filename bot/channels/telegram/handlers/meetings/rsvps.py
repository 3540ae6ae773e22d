"""The buttons on an invitation: Going / Maybe / Not going, Add to calendar, Give input.

Button data names the meeting; the member comes from the update, and every tap is checked
against the database (a member of the community, the meeting not started or cancelled).
"""

from __future__ import annotations

from typing import Any

from telegram import InputFile, Update
from telegram.ext import Application, CallbackQueryHandler

from bot.channels.telegram import callbacks
from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.common import neutral, require_consent
from bot.channels.telegram.handlers.meetings import intake as input_handlers
from bot.channels.telegram.views import meetings as meeting_views
from bot.db.models import RsvpStatus
from bot.i18n import Translator
from bot.services import communities, intake, meetings, members
from bot.services.meetings import calendar, rsvps
from bot.services.members import privacy

_STATUS = {"going": RsvpStatus.GOING, "maybe": RsvpStatus.MAYBE, "no": RsvpStatus.NOT_GOING}


def _confirmation(t: Translator, status: RsvpStatus, title: str) -> str:
    title = t.isolate(title)
    match status:
        case RsvpStatus.GOING:
            return t.gettext("Thank you! You are going to {title}.", title=title)
        case RsvpStatus.MAYBE:
            return t.gettext("Noted: you might come to {title}.", title=title)
    return t.gettext(
        "Thank you for letting us know that you are not coming to {title}.", title=title
    )


def _refusal(t: Translator, reason: str | None) -> str:
    if reason == "started":
        return t.gettext("This meeting has already started; your answer can no longer change.")
    return meeting_views.closed_text(t, reason or "gone")


async def on_button(update: Update, context: SamenContext) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    decoded = callbacks.decode(query.data)
    runtime = context.runtime
    async with runtime.sessions() as session:
        member = await members.find_by_telegram_id(session, user.id)
    t = context.translator(update, member)
    if not isinstance(decoded, callbacks.MeetingAction):
        await neutral(query, t)
        return
    if member is None or not members.consent_is_current(member, privacy.current_notice_version()):
        await query.answer()
        await require_consent(update, context, member)
        return
    if decoded.action == "input":
        await query.answer()
        await input_handlers.begin(context, user.id, member, t, meeting_id=decoded.meeting_id)
        return
    if decoded.action == "ics":
        await _send_calendar(update, context, member, t, decoded.meeting_id)
        return
    status = _STATUS[decoded.action]
    async with runtime.sessions() as session:
        fresh = await members.get(session, member.id)
        if fresh is None:
            return
        result = await rsvps.respond(
            session, fresh, decoded.meeting_id, status, now=runtime.clock()
        )
        meeting = await meetings.get(session, decoded.meeting_id)
        title, wants_input = "", False
        if result.ok and meeting is not None:
            community = await communities.get(session, meeting.community_id)
            default = community.default_locale if community else meeting.source_locale
            title = meetings.text_for(meeting, fresh.locale, default).title
            done = await intake.status_of(session, fresh.id, meeting.id)
            wants_input = (
                status != RsvpStatus.NOT_GOING
                and done is None
                and meetings.is_open_for_input(meeting, runtime.clock())
                and bool(await meetings.questions_of(session, meeting.id))
            )
        await session.commit()
    if not result.ok:
        await query.answer(_refusal(t, result.reason), show_alert=True)
        return
    await query.answer(t.gettext("Saved."))
    await context.bot.send_message(user.id, _confirmation(t, status, title))
    if wants_input:
        # After an RSVP the member is asked for input straight away (they can stop any time).
        lead = t.gettext("A few questions to help prepare the meeting:")
        await input_handlers.begin(
            context, user.id, member, t, meeting_id=decoded.meeting_id, lead=lead
        )


async def _send_calendar(
    update: Update, context: SamenContext, member: Any, t: Translator, meeting_id: int
) -> None:
    query = update.callback_query
    assert query is not None
    runtime = context.runtime
    async with runtime.sessions() as session:
        payload = await calendar.for_member(session, member, meeting_id, now=runtime.clock())
    if payload is None:
        await query.answer(_refusal(t, "gone"), show_alert=True)
        return
    await query.answer()
    name, content = payload
    await context.bot.send_document(
        update.effective_user.id if update.effective_user else member.telegram_user_id,
        InputFile(content, filename=name),
        caption=t.gettext("Open this file to add the meeting to your calendar."),
    )


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^mtg:"))

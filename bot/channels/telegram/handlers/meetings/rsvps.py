"""The buttons on an invitation: Going / Maybe / Not going, Add to calendar, Give input; and
a reminder's "Change my answer", which shows the three answers again.

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
from bot.channels.telegram.handlers.newcomers import proposals as proposal_handlers
from bot.channels.telegram.views import meetings as meeting_views
from bot.db.models import RsvpStatus
from bot.i18n import Translator
from bot.services import intake, members
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
    query, member, t = update.callback_query, context.member, context.t
    if query is None:
        return
    decoded = callbacks.decode(query.data)
    if not isinstance(decoded, callbacks.MeetingAction):
        await neutral(query, t)
        return
    if member is None or not members.consent_is_current(member, privacy.current_notice_version()):
        await query.answer()
        await require_consent(update, context, member)
        return
    chat_id = query.from_user.id
    if decoded.action == "input":
        await query.answer()
        await input_handlers.begin(context, chat_id, meeting_id=decoded.meeting_id)
        return
    if decoded.action == "suggest":
        await query.answer()
        await proposal_handlers.suggest(context, update, chat_id, decoded.meeting_id)
        return
    if decoded.action == "change":
        # A reminder's "Change my answer": the three answers in its place; each is checked
        # against the meeting when tapped, so nothing is read or written here.
        await query.answer()
        rows = meeting_views.invitation_buttons(t, decoded.meeting_id, with_input=False)
        await query.edit_message_reply_markup(reply_markup=meeting_views.markup(rows[:1]))
        return
    if decoded.action == "ics":
        await _send_calendar(update, context, decoded.meeting_id)
        return
    status = _STATUS[decoded.action]
    now = context.runtime.clock()
    asking = None
    # One unit of work: the answer, and the first question when input is wanted.
    async with context.work() as session:
        assert context.member is not None
        result = await rsvps.respond(session, context.member, decoded.meeting_id, status, now=now)
        if result.ok and result.wants_input:
            asking = await intake.begin(
                session, context.member, meeting_id=decoded.meeting_id, now=now
            )
    if not result.ok:
        await query.answer(_refusal(t, result.reason), show_alert=True)
        return
    await query.answer(t.gettext("Saved."))
    await context.bot.send_message(chat_id, _confirmation(t, status, result.title))
    if asking is not None:
        # After an RSVP the member is asked for input straight away (they can stop any time).
        lead = t.gettext("A few questions to help prepare the meeting:")
        await input_handlers.show(context, chat_id, t, asking, lead=lead)


async def _send_calendar(update: Update, context: SamenContext, meeting_id: int) -> None:
    query, t = update.callback_query, context.t
    assert query is not None
    now = context.runtime.clock()
    async with context.work() as session:
        member = context.member
        assert member is not None
        payload = await calendar.for_member(session, member, meeting_id, now=now)
    if payload is None:
        await query.answer(_refusal(t, "gone"), show_alert=True)
        return
    await query.answer()
    name, content = payload
    await context.bot.send_document(
        query.from_user.id,
        InputFile(content, filename=name),
        caption=t.gettext("Open this file to add the meeting to your calendar."),
    )


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^mtg:"))

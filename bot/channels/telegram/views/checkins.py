"""Check-ins as members read them, rendered when they are sent: a reminder with the RSVP
buttons, the follow-up "How was it?", a long-term check-in, and the re-engagement message
with the next meetings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.channels.telegram import callbacks
from bot.channels.telegram.outbox.outgoing import Button, Outgoing, RenderContext
from bot.channels.telegram.views import meetings as meeting_views
from bot.db.models import CheckIn, CheckInKind, MeetingStatus
from bot.i18n import Translator
from bot.services import communities, meetings
from bot.services.meetings import agenda, outcomes, rsvps
from bot.services.outbox.dispatcher import RenderError

UPCOMING_SHOWN = 3


async def render_checkin(
    t: Translator, payload: Mapping[str, Any], ctx: RenderContext
) -> Outgoing:
    checkin_id = payload.get("checkin_id")
    if not isinstance(checkin_id, int):
        raise RenderError("check-in payload needs a checkin_id")
    row = await ctx.session.get(CheckIn, checkin_id)
    if row is None:
        raise RenderError("the check-in no longer exists")
    community = await communities.get(ctx.session, row.community_id)
    if community is None:
        raise RenderError("the check-in's community no longer exists")
    answer = (Button(t.gettext("Answer the questions"), callbacks.checkin(row.id)),)
    if row.kind == CheckInKind.REENGAGE:
        return await _reengage(t, ctx, row, community.default_locale)
    if row.kind == CheckInKind.LONGTERM:
        text = t.gettext(
            "Hello again from {community}! It has been a while. Where do you stand now, what "
            "have you learned, and how could we help each other? We would love to hear it.",
            community=t.isolate(community.name),
        )
        return Outgoing(text=text, buttons=(answer,))
    meeting = await meetings.get(ctx.session, row.meeting_id or 0)
    if meeting is None or meeting.status == MeetingStatus.CANCELLED:
        raise RenderError("the check-in's meeting is gone or cancelled")
    text_of = meetings.text_for(
        meeting, ctx.row.locale, community.default_locale, reads=ctx.row.reads_locales
    )
    if row.kind == CheckInKind.REMINDER:
        status = await rsvps.of_member(ctx.session, row.member_id, meeting.id)
        items = await agenda.shown_items(ctx.session, meeting, ctx.row.locale)
        return meeting_views.reminder(t, meeting, text_of, community.name, status, items)
    text = t.gettext(
        "How was {title}? Thank you for coming. Would you tell us what you learned and how we "
        "could help each other?",
        title=t.isolate(text_of.title),
    )
    buttons: tuple[tuple[Button, ...], ...] = (answer,)
    shared = await outcomes.latest_for_meeting(ctx.session, meeting.id)
    if shared is not None and await outcomes.received(ctx.session, shared.id, row.member_id):
        # «Co-ownership»: the follow-up links to what came of the meeting.
        see = Button(t.gettext("See what came of it"), callbacks.outcome(shared.id, "show"))
        buttons = (answer, (see,))
    return Outgoing(text=text, buttons=buttons)


async def _reengage(
    t: Translator, ctx: RenderContext, row: CheckIn, community_locale: str
) -> Outgoing:
    lines = [
        t.gettext(
            "We have not heard from you for a while and we miss you! You are always welcome."
        )
    ]
    coming = await meetings.upcoming(
        ctx.session, [row.community_id], now=row.fired_at or row.due_at, limit=UPCOMING_SHOWN
    )
    buttons = []
    if coming:
        lines += ["", t.gettext("Coming up:")]
        for meeting in coming:
            text_of = meetings.text_for(
                meeting, ctx.row.locale, community_locale, reads=ctx.row.reads_locales
            )
            lines.append(f"• {text_of.title} — {meeting_views.when(t, meeting)}")
            buttons.append((Button(text_of.title[:40], callbacks.meeting(meeting.id, "going")),))
        lines += ["", t.gettext("Tap a meeting to say you are coming.")]
    return Outgoing(text="\n".join(lines), buttons=tuple(buttons))

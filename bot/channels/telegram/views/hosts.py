"""Co-hosts in chat: the organiser's choice of ambassador, the ambassador's question whether
to be named, the line on the invitation, and the counts a co-host may see."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from telegram import InlineKeyboardMarkup

from bot.channels.telegram import callbacks
from bot.channels.telegram.outbox.outgoing import Button, Outgoing, RenderContext
from bot.channels.telegram.views import keyboards
from bot.channels.telegram.views import meetings as meeting_views
from bot.db.models import Member
from bot.i18n import Translator
from bot.services import communities, meetings
from bot.services.dialogs import Dialog
from bot.services.meetings import hosts
from bot.services.meetings.overview import MeetingOverview
from bot.services.outbox.dispatcher import RenderError


def choose_text(t: Translator) -> str:
    return t.gettext(
        "Which ambassador co-hosts this meeting? They will be asked whether they want to be "
        "named as host on the invitation."
    )


def no_ambassadors_text(t: Translator) -> str:
    return t.gettext(
        "This community has no ambassadors yet. A coordinator names them with /addambassador."
    )


def ambassadors_keyboard(
    dialog: Dialog, found: Sequence[Member], code_of: Mapping[int, str]
) -> InlineKeyboardMarkup:
    # Pseudonymous codes, as everywhere organisers see members; the coordinator who named
    # the ambassador knows who is who.
    return keyboards.choices(
        hosts.FLOW, dialog.version, [(f"m{m.id}", code_of[m.id]) for m in found[:20]], width=2
    )


def added_text(t: Translator, added: bool) -> str:
    if added:
        return t.gettext("Added. They will be asked whether to be named as host.")
    return t.gettext("They already co-host this meeting, or are no longer an ambassador.")


def answered_text(t: Translator, named: bool) -> str:
    if named:
        return t.gettext("Thank you. You will be named as host on the invitation.")
    return t.gettext("Thank you. You co-host the meeting without being named.")


async def render_ask(t: Translator, payload: Mapping[str, Any], ctx: RenderContext) -> Outgoing:
    """To the ambassador: you co-host this meeting; may we name you on the invitation?"""
    host_id = payload.get("host_id")
    if not isinstance(host_id, int):
        raise RenderError("a co-host question needs a host_id")
    host = await hosts.get(ctx.session, host_id)
    meeting = await meetings.get(ctx.session, host.meeting_id) if host else None
    if host is None or meeting is None:
        raise RenderError("the meeting or the co-host is gone")
    community = await communities.get(ctx.session, meeting.community_id)
    text = meetings.text_for(
        meeting, ctx.row.locale, community.default_locale if community else ""
    )
    body = t.gettext(
        "You co-host “{title}” ({when}). May we name you as host on the invitation, with your "
        "Telegram first name? /hosting shows how many people are coming.",
        title=text.title,
        when=meeting_views.when(t, meeting),
    )
    buttons = (
        (
            Button(t.gettext("Yes, name me"), callbacks.host_answer(host.id, True)),
            Button(t.gettext("No, do not name me"), callbacks.host_answer(host.id, False)),
        ),
    )
    return Outgoing(text=body, buttons=buttons)


def figures_text(t: Translator, seen: MeetingOverview) -> str:
    """Counts only: who is coming, how much input came in, how many answers per question."""
    lines = [seen.title, meeting_views.when(t, seen.meeting), ""]
    lines += meeting_views.attendance_lines(t, seen)
    if seen.questions:
        lines += ["", t.gettext("Answers per question:")]
        lines += [f"• {f.question.prompt}: {t.fmt_number(f.answers)}" for f in seen.questions]
    return "\n".join(lines)


def nothing_hosted_text(t: Translator) -> str:
    return t.gettext("You co-host no upcoming meetings.")

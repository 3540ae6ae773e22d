"""Organisers' meetings in chat: /meeting (list, one meeting's figures, resend to failed,
cancel), and the entry to /invite, /translate and moving (their dialogues are in
`meeting_changes`).

Every button and message re-checks the role against the database: a revoked organiser's old
buttons stop working.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.common import neutral, retire_buttons, step_choice
from bot.channels.telegram.handlers.meetings import edits as meeting_changes
from bot.channels.telegram.handlers.meetings import hosts as meeting_hosts
from bot.channels.telegram.handlers.meetings import outcomes as outcome_handlers
from bot.channels.telegram.handlers.meetings import proposals as proposal_handlers
from bot.channels.telegram.handlers.router import Router
from bot.channels.telegram.handlers.staff.guard import StaffAccess, require_staff
from bot.channels.telegram.views import keyboards
from bot.channels.telegram.views import meetings as meeting_views
from bot.channels.telegram.views import proposals as proposal_views
from bot.db.models import (
    Meeting,
    MeetingStatus,
    OutboxState,
    QuestionKind,
    Role,
)
from bot.i18n import Translator
from bot.services import dialogs, meetings, proposals
from bot.services.dialogs import Dialog
from bot.services.meetings import changes, invitations
from bot.services.meetings import edits as meeting_edits
from bot.services.meetings import overview as overview_service
from bot.services.meetings.edits import INVITE, MOVE, TRANSLATE
from bot.services.outbox import reports as outbox_reports
from bot.services.proposals import ProposalError, supports

PICK = overview_service.FLOW


async def _list(update: Update, context: SamenContext, action: str, lead: str) -> None:
    """The organiser's meetings as buttons: the guard, the list and the dialogue that
    remembers it, in one unit of work."""
    t, now = context.t, context.runtime.clock()
    rows = []
    async with context.work() as session:
        access = await require_staff(update, context, session, role=Role.ORGANISER, action=action)
        if access is None:
            return
        found = await meetings.in_communities(session, access.community_ids, now=now)
        dialog = await dialogs.set(
            session, access.member.id, PICK, action, {"ids": [m.id for m in found]}, now=now
        )
        if action != "show":
            found = [m for m in found if m.status == MeetingStatus.SCHEDULED]
        for meeting in found[:10]:
            title = (await meetings.text_in(session, meeting, t.tag)).title
            mark = "✖ " if meeting.status == MeetingStatus.CANCELLED else ""
            label = f"{mark}{title} · {t.fmt_date(meeting.starts_at, 'medium')}"
            rows.append([keyboards.step_button(PICK, dialog, label, f"{action[0]}{meeting.id}")])
    if not found:
        await context.bot.send_message(
            access.user_id, t.gettext("You have no meetings yet. Create one with /newmeeting.")
        )
        return
    await context.bot.send_message(access.user_id, lead, reply_markup=InlineKeyboardMarkup(rows))


async def show_command(update: Update, context: SamenContext) -> None:
    await _list(update, context, "show", context.t.gettext("Your meetings:"))


async def invite_command(update: Update, context: SamenContext) -> None:
    lead = context.t.gettext("Which meeting do you want to invite to?")
    await _list(update, context, "invite", lead)


async def translate_command(update: Update, context: SamenContext) -> None:
    lead = context.t.gettext("Which meeting do you want to translate?")
    await _list(update, context, "translate", lead)


# --- one meeting -------------------------------------------------------------------------------


def _label(t: Translator, figures: overview_service.QuestionFigures, label: str) -> str:
    """A tally's label: yes/no answers are stored as words of no language."""
    if figures.question.kind == QuestionKind.YES_NO:
        return t.gettext("Yes") if label == "yes" else t.gettext("No")
    return label


def overview_text(t: Translator, seen: overview_service.MeetingOverview) -> str:
    meeting = seen.meeting
    lines = [seen.title, meeting_views.when(t, meeting)]
    if meeting.status == MeetingStatus.CANCELLED:
        lines.append(t.gettext("This meeting was cancelled."))
    lines += ["", *meeting_views.attendance_lines(t, seen)]
    if seen.questions:
        lines += ["", t.gettext("Answers per question:")]
        for figures in seen.questions:
            lines.append(f"• {figures.question.prompt}: {t.fmt_number(figures.answers)}")
            lines += [
                f"   – {_label(t, figures, label)}: {t.fmt_number(n)}"
                for label, n in figures.tally
            ]
    if seen.agenda_items:
        # Members' proposals make the agenda («Co-ownership»).
        lines += ["", t.gettext("On the agenda:")]
        lines += [f"• {proposal_views.line(t, item)}" for item in seen.agenda_items]
    elif seen.topics or seen.agenda_voice_notes:
        lines += ["", t.gettext("Most mentioned for the agenda:")]
        lines += [f"• {topic} ({t.fmt_number(n)})" for topic, n in seen.topics]
        if seen.agenda_voice_notes:
            lines.append(
                t.ngettext(
                    "and {count} voice message to listen to",
                    "and {count} voice messages to listen to",
                    seen.agenda_voice_notes,
                )
            )
        if seen.agenda_guessed:
            lines += [
                "",
                t.gettext(
                    "No question is marked for the agenda, so these come from the first "
                    "free-text question. Mark agenda questions in /newmeeting or the meeting file."
                ),
            ]
    counts = seen.delivery.counts
    waiting = counts.get(OutboxState.QUEUED, 0) + counts.get(OutboxState.SENDING, 0)
    blocked = counts.get(OutboxState.BLOCKED, 0) + counts.get(OutboxState.SKIPPED, 0)
    lines += [
        "",
        t.gettext(
            "Invitations — waiting: {queued} · sent: {sent} · failed: {failed} · "
            "blocked: {blocked}",
            queued=t.fmt_number(waiting),
            sent=t.fmt_number(counts.get(OutboxState.SENT, 0)),
            failed=t.fmt_number(counts.get(OutboxState.FAILED, 0)),
            blocked=t.fmt_number(blocked),
        ),
    ]
    if seen.delivery.reasons:
        lines.append(
            t.gettext(
                "Reasons: {reasons}",
                reasons=", ".join(f"{r} ({n})" for r, n in sorted(seen.delivery.reasons.items())),
            )
        )
    return "\n".join(lines)


async def _show_meeting(
    context: SamenContext, access: StaffAccess, dialog: Dialog, meeting: Meeting
) -> None:
    t = access.t
    async with context.work() as session:
        seen = await overview_service.of_meeting(session, meeting, locale=t.tag)
        topics = await proposals.counts(session, meeting.id)
    rows = []
    if topics.total:
        # «Co-ownership»: the members' proposed topics, the ranking and the decisions.
        label = t.ngettext(
            "Topics ({count} new)",
            "Topics ({count} new)",
            topics.new,
            count=t.fmt_number(topics.new),
        )
        rows.append([keyboards.step_button(PICK, dialog, label, f"p{meeting.id}")])
    if meeting.status == MeetingStatus.SCHEDULED:
        rows += [
            [
                keyboards.step_button(PICK, dialog, t.gettext("Invite"), f"i{meeting.id}"),
                keyboards.step_button(
                    PICK, dialog, t.gettext("Add a translation"), f"t{meeting.id}"
                ),
            ],
            [
                keyboards.step_button(PICK, dialog, t.gettext("Move"), f"m{meeting.id}"),
                keyboards.step_button(
                    PICK, dialog, t.gettext("Cancel the meeting"), f"c{meeting.id}"
                ),
            ],
            [keyboards.step_button(PICK, dialog, t.gettext("Add a co-host"), f"a{meeting.id}")],
        ]
    if meeting.status == MeetingStatus.SCHEDULED and meeting.starts_at <= context.runtime.clock():
        # «Co-ownership»: after the meeting, what came of it goes back to the members.
        share = t.gettext("Share the outcome")
        rows.append([keyboards.step_button(PICK, dialog, share, f"o{meeting.id}")])
    if seen.delivery.failed:
        label = t.gettext(
            "Resend to failed only ({count})", count=t.fmt_number(seen.delivery.failed)
        )
        rows.append([keyboards.step_button(PICK, dialog, label, f"r{meeting.id}")])
    await context.bot.send_message(
        access.user_id,
        overview_text(t, seen),
        reply_markup=InlineKeyboardMarkup(rows) if rows else None,
    )


async def on_pick(update: Update, context: SamenContext) -> None:
    """A button of /meeting, /invite or /translate: `<action letter><meeting id>`."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    async with context.work() as session:
        access = await require_staff(
            update, context, session, role=Role.ORGANISER, action="meeting"
        )
    if access is None:
        return
    t = access.t
    runtime = context.runtime
    meeting = None
    async with context.work() as session:
        found = step_choice(context, query.data, PICK)
        if found is not None and found[2][1:].isdigit() and len(found[2]) < 20:
            meeting = await meeting_edits.meeting_of(
                session, int(found[2][1:]), access.community_ids
            )
    if found is None or meeting is None:
        await neutral(query, t)
        return
    member, dialog, choice = found
    await query.answer()
    action = choice[0]
    now = runtime.clock()
    if action == "s":
        await _show_meeting(context, access, dialog, meeting)
        return
    if action == "a":
        await retire_buttons(query)
        await meeting_hosts.offer(context, access, meeting)
        return
    if action == "p":
        await proposal_handlers.show(context, access, meeting, dialog)
        return
    if action in ("d", "u"):
        # Fewer or more supports per member for this meeting («Co-ownership»).
        async with context.work() as session:
            fresh = await meetings.get(session, meeting.id)
            assert fresh is not None
            wanted = fresh.supports_per_member + (1 if action == "u" else -1)
            try:
                await supports.set_limit(
                    session, fresh, wanted, now=now, actor_user_id=access.user_id
                )
            except ProposalError:
                wanted = fresh.supports_per_member
        await context.bot.send_message(
            access.user_id,
            t.ngettext(
                "Each member can now support {count} topic of this meeting.",
                "Each member can now support {count} topics of this meeting.",
                wanted,
                count=t.fmt_number(wanted),
            ),
        )
        return
    if action == "o":
        await retire_buttons(query)
        await outcome_handlers.start(context, access, meeting)
        return
    if action == "r":
        async with context.work() as session:
            count = 0
            for broadcast_id in await invitations.broadcast_ids(session, meeting.id):
                count += (
                    await outbox_reports.resend_failed_for_organiser(
                        session,
                        access.user_id,
                        broadcast_id,
                        now=now,
                        installation_coordinators=runtime.settings.coordinator_ids,
                    )
                    or 0
                )
        await retire_buttons(query)
        await context.bot.send_message(
            access.user_id,
            t.ngettext(
                "{count} invitation is queued to be sent again.",
                "{count} invitations are queued to be sent again.",
                count,
                count=t.fmt_number(count),
            ),
        )
        return
    if action == "c":
        async with context.work() as session:
            dialog = await dialogs.set(
                session, member.id, PICK, "cancel", {"meeting": meeting.id}, now=now
            )
        markup = InlineKeyboardMarkup(
            [[keyboards.step_button(PICK, dialog, t.gettext("Yes, cancel it"), f"x{meeting.id}")]]
        )
        await context.bot.send_message(
            access.user_id,
            t.gettext("Cancel this meeting? Everyone invited will be told."),
            reply_markup=markup,
        )
        return
    if action == "x" and dialog.step == "cancel":
        async with context.work() as session:
            fresh = await meetings.get(session, meeting.id)
            assert fresh is not None
            try:
                told = await changes.cancel(session, fresh, now=now, actor_user_id=access.user_id)
            except meetings.MeetingError:
                told = -1
            await dialogs.clear(session, member.id, now=now)
        await retire_buttons(query)
        text = (
            t.gettext("This meeting was cancelled.")
            if told < 0
            else t.ngettext(
                "The meeting is cancelled. {count} person will be told.",
                "The meeting is cancelled. {count} people will be told.",
                told,
                count=t.fmt_number(told),
            )
        )
        await context.bot.send_message(access.user_id, text)
        return
    flow = {"i": INVITE, "t": TRANSLATE, "m": MOVE}.get(action)
    if flow is None:
        await neutral(query, t)
        return
    async with context.work() as session:
        dialog = await meeting_edits.start(session, member.id, flow, meeting, now=now)
    await retire_buttons(query)
    await meeting_changes.ask(context, access, dialog, meeting)


async def on_message(update: Update, context: SamenContext) -> None:
    """A message while /meeting's buttons are waiting: they are the answer."""
    message = update.effective_message
    assert message is not None
    await context.bot.send_message(
        message.chat_id, context.t.gettext("Please answer with the buttons.")
    )


def register(app: Application[Any, Any, Any, Any, Any, Any], router: Router) -> None:
    app.add_handler(CommandHandler("meeting", show_command))
    app.add_handler(CommandHandler("invite", invite_command))
    app.add_handler(CommandHandler("translate", translate_command))
    app.add_handler(CallbackQueryHandler(on_pick, pattern=rf"^{PICK}:"))
    router.register(PICK, on_message, needs_consent=False)

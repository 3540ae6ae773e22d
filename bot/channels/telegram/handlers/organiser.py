"""Organisers' meeting work in chat: /meeting (list, one meeting's figures, resend to failed),
/invite (audience, preview per language, warning, confirm), /translate, move and cancel.

Every button and message re-checks the role against the database: a revoked organiser's old
buttons stop working.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, MessageEntity, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.channels.telegram import callbacks, meeting_views, prompts
from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.common import neutral, retire_buttons
from bot.channels.telegram.handlers.new_meeting import problem_text, staff_member
from bot.channels.telegram.staff import StaffAccess, require_staff
from bot.db.models import InputStatus, Meeting, MeetingStatus, OutboxState, Role, RsvpStatus
from bot.i18n import LANGUAGES, Translator, find_language
from bot.services import communities, dialogs, invitations, meeting_edits, meetings, outbox
from bot.services import overview as overview_service
from bot.services.dialogs import Dialog
from bot.services.meeting_edits import INVITE, MOVE, TRANSLATE, EditProblem

PICK = "meetings"  # the flow of /meeting's buttons
FLOWS = (PICK, TRANSLATE, MOVE, INVITE)


def _button(flow: str, dialog: Dialog, label: str, choice: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=callbacks.step(flow, dialog.version, choice))


def _language_name(tag: str) -> str:
    language = find_language(tag)
    return language.native_name if language else tag


async def _start(
    update: Update, context: SamenContext, action: str
) -> tuple[StaffAccess, Dialog, list[Meeting]] | None:
    access = await require_staff(update, context, role=Role.ORGANISER, action=action)
    if access is None:
        return None
    member = await staff_member(context, update, access)
    runtime = context.runtime
    async with runtime.sessions() as session:
        found = await meetings.in_communities(session, access.community_ids, now=runtime.clock())
        dialog = await dialogs.set(
            session, member.id, PICK, action, {"ids": [m.id for m in found]}, now=runtime.clock()
        )
        await session.commit()
    return access, dialog, found


async def _list(update: Update, context: SamenContext, action: str, lead: str) -> None:
    started = await _start(update, context, action)
    if started is None:
        return
    access, dialog, found = started
    t = access.t
    if action != "show":
        found = [m for m in found if m.status == MeetingStatus.SCHEDULED]
    if not found:
        await context.bot.send_message(
            access.user_id, t.gettext("You have no meetings yet. Create one with /newmeeting.")
        )
        return
    async with context.runtime.sessions() as session:
        rows = []
        for meeting in found[:10]:
            community = await communities.get(session, meeting.community_id)
            default = community.default_locale if community else meeting.source_locale
            title = meetings.text_for(meeting, t.tag, default).title
            mark = "✖ " if meeting.status == MeetingStatus.CANCELLED else ""
            label = f"{mark}{title} · {t.fmt_date(meeting.starts_at, 'medium')}"
            rows.append([_button(PICK, dialog, label, f"{action[0]}{meeting.id}")])
    await context.bot.send_message(access.user_id, lead, reply_markup=InlineKeyboardMarkup(rows))


async def show_command(update: Update, context: SamenContext) -> None:
    t = await context.member_translator(update)
    await _list(update, context, "show", t.gettext("Your meetings:"))


async def invite_command(update: Update, context: SamenContext) -> None:
    t = await context.member_translator(update)
    await _list(update, context, "invite", t.gettext("Which meeting do you want to invite to?"))


async def translate_command(update: Update, context: SamenContext) -> None:
    t = await context.member_translator(update)
    await _list(update, context, "translate", t.gettext("Which meeting do you want to translate?"))


# --- one meeting -------------------------------------------------------------------------------


def overview_text(t: Translator, seen: overview_service.MeetingOverview) -> str:
    meeting = seen.meeting
    lines = [seen.title, meeting_views.when(t, meeting)]
    if meeting.status == MeetingStatus.CANCELLED:
        lines.append(t.gettext("This meeting was cancelled."))
    lines += [
        "",
        t.gettext(
            "Going: {going} · Maybe: {maybe} · Not going: {no}",
            going=t.fmt_number(seen.rsvps.get(RsvpStatus.GOING, 0)),
            maybe=t.fmt_number(seen.rsvps.get(RsvpStatus.MAYBE, 0)),
            no=t.fmt_number(seen.rsvps.get(RsvpStatus.NOT_GOING, 0)),
        ),
    ]
    lines.append(
        t.gettext(
            "Input: {completed} completed · {partial} partly · {expired} expired",
            completed=t.fmt_number(seen.inputs.get(InputStatus.COMPLETED, 0)),
            partial=t.fmt_number(seen.inputs.get(InputStatus.PARTIAL, 0)),
            expired=t.fmt_number(seen.inputs.get(InputStatus.EXPIRED, 0)),
        )
    )
    if seen.questions:
        lines += ["", t.gettext("Answers per question:")]
        for figures in seen.questions:
            lines.append(f"• {figures.question.prompt}: {t.fmt_number(figures.answers)}")
            lines += [f"   – {label}: {t.fmt_number(n)}" for label, n in figures.tally]
    if seen.topics:
        lines += ["", t.gettext("Most mentioned for the agenda:")]
        lines += [f"• {topic} ({t.fmt_number(n)})" for topic, n in seen.topics]
    counts = seen.delivery.counts
    waiting = counts.get(OutboxState.QUEUED, 0) + counts.get(OutboxState.SENDING, 0)
    blocked = counts.get(OutboxState.BLOCKED, 0) + counts.get(OutboxState.SKIPPED, 0)
    lines += [
        "",
        t.gettext(
            "Invitations: {queued} waiting · {sent} sent · {failed} failed · {blocked} blocked",
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
    async with context.runtime.sessions() as session:
        seen = await overview_service.of_meeting(session, meeting, locale=t.tag)
    rows = []
    if meeting.status == MeetingStatus.SCHEDULED:
        rows += [
            [
                _button(PICK, dialog, t.gettext("Invite"), f"i{meeting.id}"),
                _button(PICK, dialog, t.gettext("Add a translation"), f"t{meeting.id}"),
            ],
            [
                _button(PICK, dialog, t.gettext("Move"), f"m{meeting.id}"),
                _button(PICK, dialog, t.gettext("Cancel the meeting"), f"c{meeting.id}"),
            ],
        ]
    if seen.delivery.failed:
        label = t.gettext(
            "Resend to failed only ({count})", count=t.fmt_number(seen.delivery.failed)
        )
        rows.append([_button(PICK, dialog, label, f"r{meeting.id}")])
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
    access = await require_staff(update, context, role=Role.ORGANISER, action="meeting")
    if access is None:
        return
    t = access.t
    decoded = callbacks.decode(query.data)
    runtime = context.runtime
    async with runtime.sessions() as session:
        member, dialog = await dialogs.of_user(session, user.id)
        valid = (
            member is not None
            and dialog is not None
            and isinstance(decoded, callbacks.StepChoice)
            and dialog.matches(PICK, decoded.version)
            and decoded.choice[1:].isdigit()
            and len(decoded.choice) < 20
        )
        meeting = None
        if valid:
            assert isinstance(decoded, callbacks.StepChoice)
            meeting = await meeting_edits.meeting_of(
                session, int(decoded.choice[1:]), access.community_ids
            )
    if not valid or meeting is None or member is None or dialog is None:
        await neutral(query, t)
        return
    assert isinstance(decoded, callbacks.StepChoice)
    await query.answer()
    action = decoded.choice[0]
    now = runtime.clock()
    if action == "s":
        await _show_meeting(context, access, dialog, meeting)
        return
    if action == "r":
        async with runtime.sessions() as session:
            count = 0
            for broadcast_id in await invitations.broadcast_ids(session, meeting.id):
                count += (
                    await outbox.resend_failed_for_organiser(
                        session,
                        access.user_id,
                        broadcast_id,
                        now=now,
                        installation_coordinators=runtime.settings.coordinator_ids,
                    )
                    or 0
                )
            await session.commit()
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
        async with runtime.sessions() as session:
            dialog = await dialogs.set(
                session, member.id, PICK, "cancel", {"meeting": meeting.id}, now=now
            )
            await session.commit()
        markup = InlineKeyboardMarkup(
            [[_button(PICK, dialog, t.gettext("Yes, cancel it"), f"x{meeting.id}")]]
        )
        await context.bot.send_message(
            access.user_id,
            t.gettext("Cancel this meeting? Everyone invited will be told."),
            reply_markup=markup,
        )
        return
    if action == "x" and dialog.step == "cancel":
        async with runtime.sessions() as session:
            fresh = await meetings.get(session, meeting.id)
            assert fresh is not None
            try:
                told = await meetings.cancel(session, fresh, now=now, actor_user_id=access.user_id)
            except meetings.MeetingError:
                told = -1
            await dialogs.clear(session, member.id, now=now)
            await session.commit()
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
    async with runtime.sessions() as session:
        dialog = await meeting_edits.start(session, member.id, flow, meeting, now=now)
        await session.commit()
    await retire_buttons(query)
    await ask(context, access, dialog, meeting)


# --- the edit dialogues ------------------------------------------------------------------------


async def ask(
    context: SamenContext,
    access: StaffAccess,
    dialog: Dialog,
    meeting: Meeting,
    lead: str | None = None,
) -> None:
    t = access.t
    rows: list[list[InlineKeyboardButton]] = []
    async with context.runtime.sessions() as session:
        community = await communities.get(session, meeting.community_id)
    default = community.default_locale if community else meeting.source_locale
    title = meetings.text_for(meeting, t.tag, default).title
    step = dialog.step
    if dialog.flow == TRANSLATE and step == meeting_edits.LANGUAGE:
        text = t.gettext("Which language do you want to add or change for {title}?", title=title)
        existing = set(meetings.texts_by_locale(meeting))
        ordered = sorted(
            (lang for lang in LANGUAGES if "-" not in lang.tag),
            key=lambda lang: lang.tag in existing,
        )
        rows = [
            [
                _button(
                    TRANSLATE,
                    dialog,
                    ("✓ " if lang.tag in existing else "") + lang.native_name,
                    f"l{lang.tag}",
                )
            ]
            for lang in ordered
        ]
    elif dialog.flow == TRANSLATE:
        language = _language_name(str(dialog.data.get("language")))
        if step == meeting_edits.TITLE:
            text = t.gettext("Type the title in {language}.", language=language)
        elif step == meeting_edits.DESCRIPTION:
            text = t.gettext("Type the description in {language}.", language=language)
            rows = [[_button(TRANSLATE, dialog, t.gettext("Skip"), "skip")]]
        else:
            text = t.gettext("Type the place in {language}.", language=language)
            rows = [[_button(TRANSLATE, dialog, t.gettext("Skip"), "skip")]]
    elif dialog.flow == MOVE:
        text = t.gettext(
            "When does {title} start now? Type the date and time, for example {example}.",
            title=title,
            example=t.isolate("14-03-2027 19:00"),
        )
    elif step == meeting_edits.AUDIENCE:
        text = t.gettext("Whom do you want to invite to {title}?", title=title)
        rows = [
            [_button(INVITE, dialog, t.gettext("Everyone in the community"), "all")],
            [_button(INVITE, dialog, t.gettext("By language"), "language")],
            [_button(INVITE, dialog, t.gettext("By interest"), "topic")],
            [_button(INVITE, dialog, t.gettext("Those who came before"), "attended")],
        ]
    elif step == meeting_edits.VALUE and dialog.data.get("audience") == "language":
        text = t.gettext("Which language?")
        rows = [
            [_button(INVITE, dialog, lang.native_name, f"v{lang.tag}")]
            for lang in LANGUAGES
            if "-" not in lang.tag
        ]
    elif step == meeting_edits.VALUE:
        text = t.gettext("Which interest?")
        rows = [
            [_button(INVITE, dialog, t.gettext(label), f"v{topic}")]
            for topic, label in prompts.TOPIC_LABELS.items()
        ]
    else:
        await _preview(context, access, dialog, meeting, lead)
        return
    if lead:
        text = f"{lead}\n\n{text}"
    await context.bot.send_message(
        access.user_id, text, reply_markup=InlineKeyboardMarkup(rows) if rows else None
    )


async def _preview(
    context: SamenContext,
    access: StaffAccess,
    dialog: Dialog,
    meeting: Meeting,
    lead: str | None,
) -> None:
    """Who gets it, in which languages, which languages fall back; then each language's
    invitation exactly as it will look; then Send / Cancel."""
    t = access.t
    runtime = context.runtime
    async with runtime.sessions() as session:
        seen = await invitations.preview(session, meeting, meeting_edits.audience_of(dialog))
        community = await communities.get(session, meeting.community_id)
    default = community.default_locale if community else meeting.source_locale
    languages = ", ".join(
        f"{_language_name(tag)} {t.fmt_number(n)}" for tag, n in seen.by_language.items()
    )
    lines = [
        t.ngettext(
            "This invitation goes to {count} member: {languages}.",
            "This invitation goes to {count} members: {languages}.",
            seen.total,
            count=t.fmt_number(seen.total),
            languages=languages or "–",
        )
    ]
    if seen.already_invited:
        lines.append(
            t.gettext(
                "{count} of them were invited before and will not get it again.",
                count=t.fmt_number(seen.already_invited),
            )
        )
    for tag, shown in seen.missing.items():
        lines.append(
            "⚠️ "
            + t.gettext(
                "There is no text in {language}: those members will get the {fallback} text.",
                language=_language_name(tag),
                fallback=_language_name(shown),
            )
        )
    if lead:
        lines.insert(0, lead + "\n")
    await context.bot.send_message(access.user_id, "\n".join(lines))
    for tag in seen.by_language:
        reader = runtime.catalogs.translator(tag, meeting.time_zone)
        text = meetings.text_for(meeting, tag, default)
        header = t.gettext("Preview in {language}:", language=_language_name(tag))
        body, entities = meeting_views.card(reader, meeting, text)
        shift = len(header.encode("utf-16-le")) // 2 + 2
        await context.bot.send_message(
            access.user_id,
            f"{header}\n\n{body}",
            entities=[MessageEntity(e.type, e.offset + shift, e.length) for e in entities],
        )
    markup = InlineKeyboardMarkup(
        [
            [
                _button(INVITE, dialog, t.gettext("Send the invitations"), "send"),
                _button(INVITE, dialog, t.gettext("Cancel"), "stop"),
            ]
        ]
    )
    await context.bot.send_message(
        access.user_id,
        t.gettext("Send the invitations now?") if seen.total else t.gettext("Nobody to invite."),
        reply_markup=markup if seen.total else None,
    )


async def _current(
    context: SamenContext, user_id: int, access: StaffAccess, flow: str, version: int | None
) -> tuple[Any, Dialog, Meeting] | None:
    async with context.runtime.sessions() as session:
        member, dialog = await dialogs.of_user(session, user_id)
        if member is None or dialog is None or dialog.flow != flow:
            return None
        if version is not None and dialog.version != version:
            return None
        meeting = await meeting_edits.meeting_of(
            session, int(dialog.data.get("meeting", 0)), access.community_ids
        )
    if meeting is None:
        return None
    return member, dialog, meeting


async def on_edit_button(update: Update, context: SamenContext) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    access = await require_staff(update, context, role=Role.ORGANISER, action="meeting")
    if access is None:
        return
    t = access.t
    decoded = callbacks.decode(query.data)
    if not isinstance(decoded, callbacks.StepChoice):
        await neutral(query, t)
        return
    found = await _current(context, user.id, access, decoded.flow, decoded.version)
    if found is None:
        await neutral(query, t)
        return
    _member, dialog, meeting = found
    await query.answer()
    await retire_buttons(query)
    await _edit_step(context, access, dialog, meeting, choice=decoded.choice)


async def on_message(update: Update, context: SamenContext, dialog: Dialog) -> None:
    message = update.effective_message
    user = update.effective_user
    assert message is not None
    assert user is not None
    access = await require_staff(update, context, role=Role.ORGANISER, action="meeting")
    if access is None:
        return
    found = await _current(context, user.id, access, dialog.flow, None)
    if found is None:
        async with context.runtime.sessions() as session:
            await dialogs.clear(session, dialog.member_id, now=context.runtime.clock())
            await session.commit()
        await message.reply_text(t_gone(access.t))
        return
    _member, dialog, meeting = found
    if dialog.flow == PICK:
        await message.reply_text(access.t.gettext("Please answer with the buttons."))
        return
    await _edit_step(context, access, dialog, meeting, text=message.text or "")


def t_gone(t: Translator) -> str:
    return t.gettext("This is no longer available.")


async def _edit_step(
    context: SamenContext,
    access: StaffAccess,
    dialog: Dialog,
    meeting: Meeting,
    *,
    choice: str | None = None,
    text: str | None = None,
) -> None:
    t = access.t
    runtime = context.runtime
    now = runtime.clock()
    result: Any
    async with runtime.sessions() as session:
        fresh = await meetings.get(session, meeting.id)
        assert fresh is not None
        if dialog.flow == TRANSLATE:
            if choice is not None and choice.startswith("l"):
                result = await meeting_edits.translate_language(
                    session, dialog, choice[1:], now=now
                )
            elif choice not in (None, "skip") or dialog.step == meeting_edits.LANGUAGE:
                result = EditProblem(dialog, "choose")
            else:
                result = await meeting_edits.translate_text(
                    session, dialog, text, fresh, now=now, actor_user_id=access.user_id
                )
        elif dialog.flow == MOVE:
            result = (
                EditProblem(dialog, "choose")
                if text is None
                else await meeting_edits.move_when(
                    session, dialog, text, fresh, now=now, actor_user_id=access.user_id
                )
            )
        elif choice is None:
            result = EditProblem(dialog, "choose")
        elif choice == "stop":
            await dialogs.clear(session, dialog.member_id, now=now)
            result = "stopped"
        elif choice == "send":
            result = await meeting_edits.invite_confirm(
                session, dialog, fresh, now=now, actor_user_id=access.user_id
            )
        elif choice.startswith("v"):
            result = await meeting_edits.invite_value(session, dialog, choice[1:], now=now)
        else:
            result = await meeting_edits.invite_audience(session, dialog, choice, now=now)
        await session.commit()
        meeting = await meetings.get(session, meeting.id) or meeting
    match result:
        case EditProblem(dialog=same, code=code):
            await ask(context, access, same, meeting, lead=problem_text(t, code))
        case Dialog():
            await ask(context, access, result, meeting)
        case None:
            await context.bot.send_message(
                access.user_id,
                t.gettext("Saved. New invitations and those still waiting will carry this text."),
            )
        case int():
            await context.bot.send_message(
                access.user_id,
                t.ngettext(
                    "The meeting is moved. {count} person will be told.",
                    "The meeting is moved. {count} people will be told.",
                    result,
                    count=t.fmt_number(result),
                ),
            )
        case invitations.Invited(queued=queued, already_invited=already):
            await context.bot.send_message(
                access.user_id,
                t.ngettext(
                    "{count} invitation is being sent.",
                    "{count} invitations are being sent.",
                    queued,
                    count=t.fmt_number(queued),
                )
                + (
                    "\n"
                    + t.gettext(
                        "{count} were invited before and do not get a second one.",
                        count=t.fmt_number(already),
                    )
                    if already
                    else ""
                )
                + "\n"
                + t.gettext("See how it goes with /meeting."),
            )
        case _:
            await context.bot.send_message(access.user_id, t.gettext("Stopped. Nothing was sent."))


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(CommandHandler("meeting", show_command))
    app.add_handler(CommandHandler("invite", invite_command))
    app.add_handler(CommandHandler("translate", translate_command))
    app.add_handler(CallbackQueryHandler(on_pick, pattern=rf"^{PICK}:"))
    app.add_handler(
        CallbackQueryHandler(on_edit_button, pattern=rf"^({TRANSLATE}|{MOVE}|{INVITE}):")
    )

"""The dialogues in which organisers change a meeting: /translate (a text in one language),
moving it, and /invite (audience, preview per language, warning, confirm)."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, MessageEntity, Update
from telegram.ext import Application, CallbackQueryHandler

from bot.channels.telegram import callbacks
from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.common import neutral, retire_buttons
from bot.channels.telegram.handlers.router import Router
from bot.channels.telegram.handlers.staff.guard import StaffAccess, require_staff
from bot.channels.telegram.views import keyboards, prompts
from bot.channels.telegram.views import languages as language_views
from bot.channels.telegram.views import meetings as meeting_views
from bot.channels.telegram.views import tasks as task_views
from bot.db.models import Meeting, Role
from bot.i18n import LANGUAGES, Translator, find_language
from bot.services import communities, dialogs, meetings
from bot.services.dialogs import Dialog
from bot.services.meetings import edits as meeting_edits
from bot.services.meetings import invitations
from bot.services.meetings.edits import INVITE, MOVE, TRANSLATE, EditProblem

FLOWS = meeting_edits.FLOWS


def language_name(tag: str) -> str:
    language = find_language(tag)
    return language.native_name if language else tag


async def ask(
    context: SamenContext,
    access: StaffAccess,
    dialog: Dialog,
    meeting: Meeting,
    lead: str | None = None,
) -> None:
    t = access.t
    rows: list[list[InlineKeyboardButton]] = []
    async with context.work() as session:
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
                keyboards.step_button(
                    TRANSLATE,
                    dialog,
                    ("✓ " if lang.tag in existing else "") + lang.native_name,
                    f"l{lang.tag}",
                )
            ]
            for lang in ordered
        ]
    elif dialog.flow == TRANSLATE:
        language = language_name(str(dialog.data.get("language")))
        if step == meeting_edits.TITLE:
            text = t.gettext("Type the title in {language}.", language=language)
        elif step == meeting_edits.DESCRIPTION:
            text = t.gettext("Type the description in {language}.", language=language)
            rows = [[keyboards.step_button(TRANSLATE, dialog, t.gettext("Skip"), "skip")]]
        else:
            text = t.gettext("Type the place in {language}.", language=language)
            rows = [[keyboards.step_button(TRANSLATE, dialog, t.gettext("Skip"), "skip")]]
    elif dialog.flow == MOVE:
        text = t.gettext(
            "When does {title} start now? Type the date and time, for example {example}.",
            title=title,
            example=t.isolate("14-03-2027 19:00"),
        )
    elif step == meeting_edits.AUDIENCE:
        text = t.gettext("Whom do you want to invite to {title}?", title=title)
        rows = [
            [keyboards.step_button(INVITE, dialog, t.gettext("Everyone in the community"), "all")],
            [keyboards.step_button(INVITE, dialog, t.gettext("By language"), "language")],
            [keyboards.step_button(INVITE, dialog, t.gettext("By interest"), "topic")],
            [
                keyboards.step_button(
                    INVITE, dialog, t.gettext("Those who came before"), "attended"
                )
            ],
        ]
    elif step == meeting_edits.VALUE and dialog.data.get("audience") == "language":
        text = t.gettext("Which language?")
        rows = [
            [keyboards.step_button(INVITE, dialog, lang.native_name, f"v{lang.tag}")]
            for lang in LANGUAGES
            if "-" not in lang.tag
        ]
    elif step == meeting_edits.VALUE:
        text = t.gettext("Which interest?")
        rows = [
            [keyboards.step_button(INVITE, dialog, t.gettext(label), f"v{topic}")]
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
    async with context.work() as session:
        seen = await invitations.preview(session, meeting, meeting_edits.audience_of(dialog))
        community = await communities.get(session, meeting.community_id)
    default = community.default_locale if community else meeting.source_locale
    languages = ", ".join(
        f"{language_name(tag)} {t.fmt_number(n)}" for tag, n in seen.by_language.items()
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
            t.ngettext(
                "{count} of them was invited before and will not get it again.",
                "{count} of them were invited before and will not get it again.",
                seen.already_invited,
            )
        )
    # Per group that will not read it all in its own language: what they will read (their
    # text, field by field, along their chain, with the other languages they read).
    lines += language_views.reading_lines(t, seen.reading)
    if lead:
        lines.insert(0, lead + "\n")
    # Each language without its own text can be asked of the community's translators.
    await context.bot.send_message(
        access.user_id,
        "\n".join(lines),
        reply_markup=task_views.ask_buttons(t, meeting.id, list(seen.missing)),
    )
    # Each language as it will look; a group that reads other languages has its own preview.
    shown_groups: set[tuple[str, tuple[str, ...]]] = set()
    for group in seen.reading:
        key = (group.locale, group.got)
        if key in shown_groups:
            continue
        shown_groups.add(key)
        reader = runtime.catalogs.translator(group.locale, meeting.time_zone)
        text = meetings.text_for(meeting, group.locale, default, reads=group.reads)
        language = language_name(group.locale)
        if not group.own:
            language = f"{language} → {language_views.names(t, group.got)}"
        header = t.gettext("Preview in {language}:", language=language)
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
                keyboards.step_button(INVITE, dialog, t.gettext("Send the invitations"), "send"),
                keyboards.step_button(INVITE, dialog, t.gettext("Cancel"), "stop"),
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
    async with context.work() as session:
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
    async with context.work() as session:
        access = await require_staff(
            update, context, session, role=Role.ORGANISER, action="meeting"
        )
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


async def on_message(update: Update, context: SamenContext) -> None:
    dialog = context.dialog
    assert dialog is not None
    message = update.effective_message
    user = update.effective_user
    assert message is not None
    assert user is not None
    async with context.work() as session:
        access = await require_staff(
            update, context, session, role=Role.ORGANISER, action="meeting"
        )
    if access is None:
        return
    found = await _current(context, user.id, access, dialog.flow, None)
    if found is None:
        async with context.work() as session:
            await dialogs.clear(session, dialog.member_id, now=context.runtime.clock())
        await message.reply_text(t_gone(access.t))
        return
    _member, dialog, meeting = found
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
    async with context.work() as session:
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
        meeting = await meetings.get(session, meeting.id) or meeting
    match result:
        case EditProblem(dialog=same, code=code):
            await ask(
                context, access, same, meeting, lead=meeting_views.draft_problem_text(t, code)
            )
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
                    + t.ngettext(
                        "{count} member was invited before and does not get a second one.",
                        "{count} members were invited before and do not get a second one.",
                        already,
                    )
                    if already
                    else ""
                )
                + "\n"
                + t.gettext("See how it goes with /meeting."),
            )
        case _:
            await context.bot.send_message(access.user_id, t.gettext("Stopped. Nothing was sent."))


def register(app: Application[Any, Any, Any, Any, Any, Any], router: Router) -> None:
    app.add_handler(
        CallbackQueryHandler(on_edit_button, pattern=rf"^({TRANSLATE}|{MOVE}|{INVITE}):")
    )
    for flow in FLOWS:
        router.register(flow, on_message, needs_consent=False)

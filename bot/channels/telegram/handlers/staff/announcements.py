"""/announce: an organiser writes an announcement to their community in chat, sees who gets it
in which language (the same preview as `samen announce`), and sends or cancels it."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.channels.telegram import callbacks
from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.common import neutral, retire_buttons, step_choice
from bot.channels.telegram.handlers.router import Router
from bot.channels.telegram.handlers.staff.guard import StaffAccess, require_staff
from bot.channels.telegram.outbox.splitting import split_text
from bot.channels.telegram.views import announcements as views
from bot.channels.telegram.views import meetings as meeting_views
from bot.db.models import Community, Role
from bot.i18n import LANGUAGES
from bot.services import communities
from bot.services.dialogs import Dialog
from bot.services.outbox import announcements
from bot.services.outbox.announcements import (
    FLOW,
    Announced,
    AnnounceProblem,
    Nobody,
    Review,
    Step,
    Stopped,
)


async def _guarded(update: Update, context: SamenContext) -> StaffAccess | None:
    async with context.work() as session:
        return await require_staff(
            update, context, session, role=Role.ORGANISER, action="announce"
        )


async def command(update: Update, context: SamenContext) -> None:
    """Start an announcement: the community (when several), then the language."""
    access = await _guarded(update, context)
    if access is None:
        return
    async with context.work() as session:
        found = [await communities.get(session, cid) for cid in access.community_ids]
        dialog = await announcements.start_dialogue(
            session,
            access.member.id,
            [c for c in found if c is not None],
            now=context.runtime.clock(),
        )
    await _show(context, access, dialog)


def _button(dialog: Dialog, label: str, choice: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=callbacks.step(FLOW, dialog.version, choice))


async def _ask(
    context: SamenContext, access: StaffAccess, dialog: Dialog, lead: str | None = None
) -> None:
    """The question for the step the organiser is at, with its buttons."""
    t = access.t
    rows: list[list[InlineKeyboardButton]] = []
    given = dict(dialog.data.get("texts") or {})
    match dialog.step:
        case announcements.COMMUNITY:
            async with context.work() as session:
                found = [await communities.get(session, cid) for cid in access.community_ids]
            text = t.gettext("For which community is the announcement?")
            rows = [[_button(dialog, c.name, f"c{c.id}")] for c in found if c is not None]
        case announcements.LANGUAGE | announcements.ADD:
            text = (
                t.gettext("Which language do you write the announcement in?")
                if dialog.step == announcements.LANGUAGE
                else t.gettext("In which language is the next text?")
            )
            rows = [
                [_button(dialog, lang.native_name, f"l{lang.tag}")]
                for lang in LANGUAGES
                if "-" not in lang.tag and lang.tag not in given
            ]
        case _:
            tag = dialog.data.get("adding") or dialog.data.get("language")
            text = t.gettext(
                "Type the announcement in {language}.",
                language=views.language_name(str(tag)),
            )
    if lead:
        text = f"{lead}\n\n{text}"
    markup = InlineKeyboardMarkup(rows) if rows else None
    await context.bot.send_message(access.user_id, text, reply_markup=markup)


async def _review(context: SamenContext, access: StaffAccess, seen: Review) -> None:
    """Who gets it, in which language; each text as it will arrive; then Send / Cancel."""
    t, chat_id = access.t, access.user_id
    lines = views.review_lines(t, seen.preview)
    if seen.problem:
        lines = f"{meeting_views.draft_problem_text(t, seen.problem)}\n\n{lines}"
    await context.bot.send_message(chat_id, lines)
    for tag, body in seen.texts.items():
        header = t.gettext("Preview in {language}:", language=views.language_name(tag))
        shown = views.as_received(context.runtime.catalogs, tag, seen.preview.community_name, body)
        # A long announcement is sent in parts; its preview is split the same way.
        for part, _entities in split_text(f"{header}\n\n{shown}"):
            await context.bot.send_message(chat_id, part)
    dialog = seen.dialog
    markup = InlineKeyboardMarkup(
        [
            [_button(dialog, t.gettext("Send the announcement"), "send")],
            [_button(dialog, t.gettext("Add a text in another language"), "add")],
            [_button(dialog, t.gettext("Cancel"), "stop")],
        ]
    )
    await context.bot.send_message(
        chat_id, t.gettext("Send the announcement now?"), reply_markup=markup
    )


async def _show(context: SamenContext, access: StaffAccess, step: Step) -> None:
    t, chat_id = access.t, access.user_id
    match step:
        case AnnounceProblem(dialog=dialog, code=code):
            await _ask(context, access, dialog, lead=meeting_views.draft_problem_text(t, code))
        case Review():
            await _review(context, access, step)
        case Nobody(community_name=name):
            await context.bot.send_message(
                chat_id,
                t.gettext(
                    "Nobody in {community} can receive an announcement: no member has agreed "
                    "to the privacy notice and can be reached. Nothing was sent.",
                    community=name,
                ),
            )
        case Announced(queued=queued, broadcast_id=broadcast_id):
            await context.bot.send_message(
                chat_id,
                t.ngettext(
                    "The announcement is being sent to {count} member. /broadcasts shows how "
                    "it goes (#{number}).",
                    "The announcement is being sent to {count} members. /broadcasts shows how "
                    "it goes (#{number}).",
                    queued,
                    count=t.fmt_number(queued),
                    number=broadcast_id,
                ),
            )
        case Stopped():
            await context.bot.send_message(chat_id, t.gettext("Cancelled. Nothing was sent."))
        case Dialog():
            await _ask(context, access, step)


async def on_button(update: Update, context: SamenContext) -> None:
    """A choice: the community, a language, Send, Add a language, Cancel."""
    query = update.callback_query
    if query is None:
        return
    access = await _guarded(update, context)
    if access is None:
        return
    step: Step | None = None
    found = step_choice(context, query.data, FLOW)
    if found is not None:
        _member, dialog, choice = found
        async with context.work() as session:
            step = await _choose(context, session, access, dialog, choice)
    if step is None:
        await neutral(query, access.t)
        return
    await query.answer()
    await retire_buttons(query)
    await _show(context, access, step)


async def _choose(
    context: SamenContext, session: Any, access: StaffAccess, dialog: Dialog, choice: str
) -> Step | None:
    """The button's choice, re-checked against the organiser's communities; None if forged."""
    now = context.runtime.clock()
    if choice.startswith("c") and choice[1:].isdigit():
        community: Community | None = None
        if dialog.step == announcements.COMMUNITY and int(choice[1:]) in access.community_ids:
            community = await communities.get(session, int(choice[1:]))
        if community is None:
            return None
        return await announcements.choose_community(session, dialog, community, now=now)
    if int(dialog.data.get("community") or 0) not in access.community_ids:
        # The role was taken away for this community since the dialogue started.
        return None
    if choice.startswith("l"):
        return await announcements.choose_language(session, dialog, choice[1:], now=now)
    match choice:
        case "add":
            return await announcements.add_translation(session, dialog, now=now)
        case "send":
            return await announcements.send(session, dialog, now=now, actor_user_id=access.user_id)
        case "stop":
            return await announcements.stop(session, dialog, now=now)
    return None


async def on_message(update: Update, context: SamenContext) -> None:
    """The announcement's text, or a translation; anything else gets the step again."""
    dialog, message = context.dialog, update.effective_message
    assert dialog is not None
    assert message is not None
    access = await _guarded(update, context)
    if access is None:
        return
    if not message.text:
        await _show(context, access, AnnounceProblem(dialog, "empty"))
        return
    async with context.work() as session:
        step = await announcements.give_text(
            session, dialog, message.text, now=context.runtime.clock()
        )
    await _show(context, access, step)


def register(app: Application[Any, Any, Any, Any, Any, Any], router: Router) -> None:
    app.add_handler(CommandHandler("announce", command, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(on_button, pattern=rf"^{FLOW}:"))
    router.register(FLOW, on_message, needs_consent=False)

"""/newmeeting: an organiser creates a meeting in a guided dialogue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.channels.telegram import callbacks
from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.common import neutral, retire_buttons, step_choice
from bot.channels.telegram.handlers.router import Router
from bot.channels.telegram.handlers.staff.guard import StaffAccess, require_staff
from bot.channels.telegram.views import meetings as meeting_views
from bot.db.models import Meeting, Role
from bot.i18n import LANGUAGES, Translator
from bot.services import communities, dialogs
from bot.services.communities import roles
from bot.services.dialogs import Dialog
from bot.services.meetings import drafts as meeting_drafts
from bot.services.meetings.drafts import FLOW, DraftProblem


async def command(update: Update, context: SamenContext) -> None:
    async with context.work() as session:
        access = await require_staff(
            update, context, session, role=Role.ORGANISER, action="newmeeting"
        )
    if access is None:
        return
    member = access.member
    runtime = context.runtime
    async with context.work() as session:
        found = [await communities.get(session, cid) for cid in access.community_ids]
        dialog = await meeting_drafts.start(
            session,
            member.id,
            [c for c in found if c is not None],
            locale=access.t.tag,
            now=runtime.clock(),
        )
    await ask(context, access.user_id, access.t, dialog)


def _button(dialog: Dialog, label: str, choice: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=callbacks.step(FLOW, dialog.version, choice))


async def ask(
    context: SamenContext, chat_id: int, t: Translator, dialog: Dialog, lead: str | None = None
) -> None:
    """The question for the step the organiser is at, with its buttons."""
    rows: list[list[InlineKeyboardButton]] = []
    match dialog.step:
        case meeting_drafts.COMMUNITY:
            text = t.gettext("For which community is the meeting?")
            async with context.work() as session:
                access = await _communities(context, session, chat_id)
            rows = [[_button(dialog, c.name, f"c{c.id}")] for c in access]
        case meeting_drafts.LANGUAGE:
            text = t.gettext("Which language do you write the meeting in?")
            rows = [
                [_button(dialog, lang.native_name, f"l{lang.tag}")]
                for lang in LANGUAGES
                if "-" not in lang.tag
            ]
        case meeting_drafts.TITLE:
            text = t.gettext("What is the title of the meeting?")
        case meeting_drafts.DESCRIPTION:
            text = t.gettext("Describe the meeting in a few sentences.")
            rows = [[_button(dialog, t.gettext("Skip"), "skip")]]
        case meeting_drafts.WHEN:
            text = t.gettext(
                "When does it start? Type the date and time, for example {example}.",
                example=t.isolate(meeting_views.DATETIME_EXAMPLE),
            )
        case meeting_drafts.PLACE:
            text = t.gettext("Where is it? Type the address, or an online link (https://…).")
            rows = [[_button(dialog, t.gettext("Skip"), "skip")]]
        case meeting_drafts.QUESTIONS:
            text = t.gettext(
                "Which questions shall I ask the people you invite before the meeting?"
            )
            rows = [
                [_button(dialog, t.gettext("The default questions"), "default")],
                [_button(dialog, t.gettext("I write my own"), "own")],
                [_button(dialog, t.gettext("No questions"), "none")],
            ]
        case meeting_drafts.OWN:
            count = len(dialog.data.get("own") or [])
            text = t.gettext("Send each question as a separate message; tap Done when ready.")
            if count:
                text = (
                    t.ngettext(
                        "{count} question so far.", "{count} questions so far.", count, count=count
                    )
                    + "\n"
                    + text
                )
            rows = [[_button(dialog, t.gettext("Done"), "done")]]
        case meeting_drafts.DEADLINE:
            text = t.gettext("Until when can people give their input?")
            rows = [
                [_button(dialog, t.gettext("Until the meeting starts"), "start")],
                [_button(dialog, t.gettext("Until a day before"), "daybefore")],
            ]
        case _:
            text = t.gettext("Shall I create this meeting?") + "\n\n" + _summary(t, dialog)
            rows = [
                [
                    _button(dialog, t.gettext("Create the meeting"), "create"),
                    _button(dialog, t.gettext("Cancel"), "stop"),
                ]
            ]
    if lead:
        text = f"{lead}\n\n{text}"
    markup = InlineKeyboardMarkup(rows) if rows else None
    await context.bot.send_message(chat_id, text, reply_markup=markup)


async def _communities(context: SamenContext, session: Any, user_id: int) -> list[Any]:
    return list(
        await roles.communities_for(
            session,
            user_id,
            Role.ORGANISER,
            installation_coordinators=context.runtime.settings.coordinator_ids,
        )
    )


def _summary(t: Translator, dialog: Dialog) -> str:
    data = dialog.data
    lines = [str(data.get("title", ""))]
    if data.get("description"):
        lines.append(str(data["description"]))
    if data.get("starts"):
        starts = datetime.fromisoformat(str(data["starts"]))
        lines.append(
            t.gettext(
                "When: {when}",
                when=t.gettext(
                    "{date} at {time}",
                    date=t.fmt_date(starts.date(), "full"),
                    time=f"{starts:%H:%M}",
                ),
            )
        )
    if data.get("place"):
        lines.append(t.gettext("Where: {place}", place=t.isolate(str(data["place"]))))
    if data.get("link"):
        lines.append(t.gettext("Online: {link}", link=t.isolate(str(data["link"]))))
    return "\n".join(lines)


async def on_button(update: Update, context: SamenContext) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    async with context.work() as session:
        access = await require_staff(
            update, context, session, role=Role.ORGANISER, action="newmeeting"
        )
    if access is None:
        return
    t = access.t
    result: Dialog | DraftProblem | Meeting | None = None
    async with context.work() as session:
        found = step_choice(context, query.data, FLOW)
        if found is not None:
            result = await _choose(context, session, access, found[1], found[2])
    if result is None:
        await neutral(query, t)
        return
    await query.answer()
    await retire_buttons(query)
    await _after(context, access, result)


async def _choose(
    context: SamenContext, session: Any, access: StaffAccess, dialog: Dialog, choice: str
) -> Dialog | DraftProblem | Meeting | None:
    now = context.runtime.clock()
    if choice.startswith("c") and choice[1:].isdigit() and dialog.step == meeting_drafts.COMMUNITY:
        if int(choice[1:]) not in access.community_ids:
            return None
        community = await communities.get(session, int(choice[1:]))
        if community is None:
            return None
        return await meeting_drafts.choose_community(session, dialog, community, now=now)
    if choice.startswith("l"):
        return await meeting_drafts.choose_language(session, dialog, choice[1:], now=now)
    if choice == "skip":
        return await meeting_drafts.skip(session, dialog, now=now)
    if choice in ("default", "none", "own", "done"):
        return await meeting_drafts.choose_questions(session, dialog, choice, now=now)
    if choice in ("start", "daybefore"):
        return await meeting_drafts.choose_deadline(session, dialog, choice, now=now)
    if choice == "stop" and dialog.step == meeting_drafts.CONFIRM:
        await dialogs.clear(session, dialog.member_id, now=now)
        return dialog
    if choice == "create":
        if int(dialog.data.get("community", 0)) not in access.community_ids:
            return None
        return await meeting_drafts.confirm(
            session,
            dialog,
            context.runtime.catalogs,
            organiser_id=access.user_id,
            now=now,
        )
    return None


async def _after(
    context: SamenContext, access: StaffAccess, result: Dialog | DraftProblem | Meeting
) -> None:
    t, chat_id = access.t, access.user_id
    match result:
        case DraftProblem(dialog=dialog, code=code):
            await ask(context, chat_id, t, dialog, lead=meeting_views.draft_problem_text(t, code))
        case Meeting():
            await context.bot.send_message(
                chat_id,
                t.gettext(
                    "The meeting is created (#{number}). Use /invite to invite people, "
                    "/translate to add a translation, /meeting to see it.",
                    number=result.id,
                ),
            )
        case Dialog():
            async with context.work() as session:
                current = await dialogs.get(session, result.member_id)
            if current is None or not current.at(FLOW):
                await context.bot.send_message(chat_id, t.gettext("Stopped. Nothing was created."))
                return
            await ask(context, chat_id, t, current)


async def on_message(update: Update, context: SamenContext) -> None:
    """A typed answer for the step; anything that is not text gets the step again."""
    dialog = context.dialog
    assert dialog is not None
    message = update.effective_message
    assert message is not None
    async with context.work() as session:
        access = await require_staff(
            update, context, session, role=Role.ORGANISER, action="newmeeting"
        )
    if access is None:
        return
    runtime = context.runtime
    if not message.text:
        await ask(
            context,
            access.user_id,
            access.t,
            dialog,
            lead=meeting_views.draft_problem_text(access.t, "empty"),
        )
        return
    async with context.work() as session:
        result = await meeting_drafts.give_text(session, dialog, message.text, now=runtime.clock())
    await _after(context, access, result)


def register(app: Application[Any, Any, Any, Any, Any, Any], router: Router) -> None:
    app.add_handler(CommandHandler("newmeeting", command))
    app.add_handler(CallbackQueryHandler(on_button, pattern=rf"^{FLOW}:"))
    router.register(FLOW, on_message, needs_consent=False)

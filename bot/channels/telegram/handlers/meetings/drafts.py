"""/newmeeting: an organiser creates a meeting in a guided dialogue."""

from __future__ import annotations

import re
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.common import neutral, retire_buttons, step_choice
from bot.channels.telegram.handlers.router import Router
from bot.channels.telegram.handlers.staff.guard import StaffAccess, require_staff
from bot.channels.telegram.views import meeting_drafts as draft_views
from bot.channels.telegram.views import meetings as meeting_views
from bot.db.models import Meeting, Role
from bot.i18n import Translator
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


async def ask(
    context: SamenContext, chat_id: int, t: Translator, dialog: Dialog, lead: str | None = None
) -> None:
    """The question for the step the organiser is at, with its buttons."""
    found: list[Any] = []
    if dialog.step == meeting_drafts.COMMUNITY:
        async with context.work() as session:
            found = await _communities(context, session, chat_id)
    text, markup = draft_views.step(t, dialog, context.runtime.catalogs, found)
    if lead:
        text = f"{lead}\n\n{text}"
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


_SCALE_CHOICE = re.compile(r"^s(\d{1,2})-(\d{1,2})$")


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
    if choice.startswith("k"):
        return await meeting_drafts.choose_kind(session, dialog, choice[1:], now=now)
    scale = _SCALE_CHOICE.match(choice)
    if scale is not None:
        low, high = int(scale[1]), int(scale[2])
        return await meeting_drafts.choose_scale(session, dialog, low, high, now=now)
    if choice in ("req", "opt"):
        return await meeting_drafts.choose_required(session, dialog, choice == "req", now=now)
    if choice in ("agy", "agn"):
        return await meeting_drafts.choose_agenda(session, dialog, choice == "agy", now=now)
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
        case DraftProblem(dialog=dialog, code=code, params=params):
            lead = meeting_views.draft_problem_text(t, code, **params)
            await ask(context, chat_id, t, dialog, lead=lead)
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

"""Hearing back: /meeting → "Share the outcome" (the organiser writes it per agenda item or as
one text, in one or more languages, and chooses who receives it), and the members' useful /
not useful buttons on what they received."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.channels.telegram import callbacks
from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.common import neutral, retire_buttons, step_choice
from bot.channels.telegram.handlers.router import Router
from bot.channels.telegram.handlers.staff.guard import StaffAccess, require_staff
from bot.channels.telegram.views import outcomes as views
from bot.channels.telegram.views import tasks as task_views
from bot.db.models import Meeting, OutcomeAudience, Reaction, Role
from bot.i18n import Translator, find_language
from bot.services import proposals
from bot.services.dialogs import Dialog
from bot.services.meetings import outcomes
from bot.services.meetings.outcomes import FLOW, OutcomeError
from bot.services.translations import tasks


async def _topic(context: SamenContext, t: Translator, dialog: Dialog) -> str | None:
    proposal_id = outcomes.next_item(dialog)
    if proposal_id is None:
        return None
    async with context.work() as session:
        proposal = await proposals.get(session, proposal_id)
        if proposal is None:
            return None
        shown = proposals.shown(proposal, t.tag, proposal.source_locale)
    return shown.text or t.gettext("A voice message")


async def start(context: SamenContext, access: StaffAccess, meeting: Meeting) -> None:
    """ "Share the outcome" on a meeting of /meeting; refused for a cancelled or future one."""
    t, now = access.t, context.runtime.clock()
    problem = None
    async with context.work() as session:
        try:
            dialog, per_item = await outcomes.start(
                session, meeting, access.member.id, now=now, actor_user_id=access.user_id
            )
        except OutcomeError as error:
            problem = error.code
            await proposals.refuse(
                session,
                problem,
                now=now,
                actor_user_id=access.user_id,
                target=f"meeting:{meeting.id}",
                community_id=meeting.community_id,
            )
    if problem is not None:
        await context.bot.send_message(access.user_id, views.problem(t, problem))
        return
    text, markup = views.mode(t, dialog) if per_item else views.language(t, dialog)
    await context.bot.send_message(access.user_id, text, reply_markup=markup)


async def on_choice(update: Update, context: SamenContext) -> None:
    """A button of the outcome dialogue."""
    query = update.callback_query
    if query is None:
        return
    now = context.runtime.clock()
    problem = None
    async with context.work() as session:
        access = await require_staff(
            update, context, session, role=Role.ORGANISER, action="outcome"
        )
        if access is None:
            return
        t = access.t
        found = step_choice(context, query.data, FLOW)
        if found is None:
            problem = "gone"
        else:
            _member, dialog, choice = found
            try:
                if dialog.step == outcomes.MODE and choice in ("items", "whole"):
                    dialog = await outcomes.choose_mode(
                        session, dialog, choice == "items", now=now
                    )
                elif dialog.step == outcomes.LANGUAGE and find_language(choice[1:]) is not None:
                    dialog = await outcomes.choose_language(session, dialog, choice[1:], now=now)
                elif dialog.step == outcomes.MORE and choice in ("again", "audience"):
                    change = outcomes.again if choice == "again" else outcomes.to_audience
                    dialog = await change(session, dialog, now=now)
                elif dialog.step == outcomes.AUDIENCE and choice in ("attending", "everyone"):
                    outcome_id = int(dialog.data["outcome"])
                    sent = await outcomes.send(
                        session,
                        dialog,
                        OutcomeAudience(choice),
                        now=now,
                        actor_user_id=access.user_id,
                    )
                    dialog = None  # type: ignore[assignment]
                    # Languages invited members read that nobody wrote it in: ask translators.
                    missing = await tasks.outcome_missing(session, outcome_id)
                else:
                    problem = "gone"
            except OutcomeError as error:
                problem = error.code
    if problem == "gone":
        await neutral(query, t)
        return
    await query.answer()
    await retire_buttons(query)
    if problem is not None:
        await context.bot.send_message(access.user_id, views.problem(t, problem))
        return
    if dialog is None:
        await context.bot.send_message(
            access.user_id,
            t.ngettext(
                "The outcome is on its way to {count} person.",
                "The outcome is on its way to {count} people.",
                sent,
                count=t.fmt_number(sent),
            ),
            reply_markup=task_views.ask_buttons(t, outcome_id, missing, action="asko"),
        )
        return
    await _ask(context, access.user_id, t, dialog)


async def _ask(context: SamenContext, chat_id: int, t: Translator, dialog: Dialog) -> None:
    if dialog.step == outcomes.LANGUAGE:
        text, markup = views.language(t, dialog)
    elif dialog.step == outcomes.MORE:
        text, markup = views.more(t, dialog)
    elif dialog.step == outcomes.AUDIENCE:
        text, markup = views.audience(t, dialog)
    elif dialog.step == outcomes.MODE:
        text, markup = views.mode(t, dialog)
    else:
        await context.bot.send_message(
            chat_id, views.ask_text(t, dialog, await _topic(context, t, dialog))
        )
        return
    await context.bot.send_message(chat_id, text, reply_markup=markup)


async def on_message(update: Update, context: SamenContext) -> None:
    """The organiser's text for the current item; buttons answer the other steps."""
    message, dialog = update.effective_message, context.dialog
    assert message is not None
    assert dialog is not None
    now = context.runtime.clock()
    problem = None
    async with context.work() as session:
        access = await require_staff(
            update, context, session, role=Role.ORGANISER, action="outcome"
        )
        if access is None:
            return
        t = access.t
        if dialog.step != outcomes.TEXT:
            problem = "buttons"
        else:
            try:
                dialog = await outcomes.add_text(session, dialog, message.text or "", now=now)
            except OutcomeError as error:
                problem = error.code
    if problem == "buttons":
        await message.reply_text(t.gettext("Please answer with the buttons."))
        return
    if problem is not None:
        await message.reply_text(views.problem(t, problem))
        return
    await _ask(context, message.chat_id, t, dialog)


async def on_reaction(update: Update, context: SamenContext) -> None:
    """A member's useful / not useful, or "see what came of it" from a follow-up."""
    query, member, t = update.callback_query, context.member, context.t
    if query is None:
        return
    decoded = callbacks.decode(query.data)
    if member is None or not isinstance(decoded, callbacks.OutcomeAction):
        await neutral(query, t)
        return
    now = context.runtime.clock()
    problem = None
    read = None
    async with context.work() as session:
        assert context.member is not None
        try:
            if decoded.action == "show":
                if not await outcomes.received(session, decoded.outcome_id, member.id):
                    raise OutcomeError("gone")
                read = await outcomes.read(session, decoded.outcome_id, member.locale)
            else:
                await outcomes.react(
                    session, context.member, decoded.outcome_id, Reaction(decoded.action), now=now
                )
        except OutcomeError as error:
            problem = error.code
            await proposals.refuse(
                session,
                problem,
                now=now,
                actor_user_id=query.from_user.id,
                target=f"outcome:{decoded.outcome_id}",
            )
    if problem is not None:
        await neutral(query, t)
        return
    if decoded.action == "show":
        await query.answer()
        if read is not None:
            await context.bot.send_message(
                query.from_user.id,
                views.text_of(t, read),
                reply_markup=views.markup(views.buttons(t, decoded.outcome_id)),
            )
        return
    await query.answer(t.gettext("Thank you!"))
    chosen = Reaction(decoded.action)
    await query.edit_message_reply_markup(
        reply_markup=views.markup(views.buttons(t, decoded.outcome_id, chosen))
    )


def register(app: Application[Any, Any, Any, Any, Any, Any], router: Router) -> None:
    app.add_handler(CallbackQueryHandler(on_choice, pattern=rf"^{FLOW}:"))
    app.add_handler(CallbackQueryHandler(on_reaction, pattern=r"^out:"))
    router.register(FLOW, on_message, needs_consent=False)

"""Community translation tasks in chat: the organiser's "Ask community translators" (from the
/invite warning, a topic's card, a saved reply, a shared outcome), trusting and deciding; the
translator's notice, /tasks, and the field-by-field translation.

Every button is re-checked in the service: the organiser's role and community, the
translator's standing and that the offer is theirs and still open. A stale or forged button
changes nothing; a non-translator's tap is refused (translated) and audited.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.channels.telegram import callbacks
from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.common import PRIVATE_MESSAGES, neutral, retire_buttons
from bot.channels.telegram.handlers.router import Router
from bot.channels.telegram.handlers.staff.guard import require_staff
from bot.channels.telegram.views import prompts
from bot.channels.telegram.views import tasks as views
from bot.db.models import Role
from bot.services import communities
from bot.services.translations import tasks
from bot.services.translations.tasks import Step, TaskSubject

ORGANISER_ACTIONS = {"ask", "askp", "asks", "asko", "trust", "approve", "reject"}
# What each "ask" button asks translators for.
ASKS = {
    "ask": TaskSubject.MEETING,
    "askp": TaskSubject.PROPOSAL,
    "asks": TaskSubject.SAVED_REPLY,
    "asko": TaskSubject.OUTCOME,
}
# Buttons that stay after a tap: one per language, the organiser may ask for several.
KEEPS_BUTTONS = {"ask", "asko"}


async def _show(context: SamenContext, chat_id: int, messages: list[views.Message]) -> None:
    for text, markup in messages:
        await prompts.send(context, chat_id, text, markup)


async def command(update: Update, context: SamenContext) -> None:
    """/tasks: every translation task the translator can do now."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    await _more(context, user.id, message.chat_id)


async def _more(context: SamenContext, user_id: int, chat_id: int) -> None:
    runtime = context.runtime
    async with context.work() as session:
        found = await tasks.more(session, context.member, user_id, now=runtime.clock())
        named = []
        if not isinstance(found, Step):
            for offer in found:
                community = await communities.get(session, offer.task.community_id)
                named.append((offer, community.name if community else "?"))
    if isinstance(found, Step):
        await _show(context, chat_id, views.step_messages(context.t, found))
        return
    await _show(context, chat_id, views.offers(context.t, named))


async def on_task_button(update: Update, context: SamenContext) -> None:
    """`tsk:` buttons: the organiser's ask, trust, approve, reject; the translator's take,
    decline, more."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    decoded = callbacks.decode(query.data)
    if not isinstance(decoded, callbacks.TaskAction):
        await neutral(query, context.t)
        return
    if decoded.action in ORGANISER_ACTIONS:
        await _organiser(update, context, decoded)
        return
    runtime = context.runtime
    now = runtime.clock()
    if decoded.action == "more":
        await query.answer()
        await _more(context, user.id, user.id)
        return
    async with context.work() as session:
        if decoded.action == "take":
            step = await tasks.begin(session, context.member, user.id, decoded.target_id, now=now)
        else:
            step = await tasks.decline(
                session, context.member, user.id, decoded.target_id, now=now
            )
    if step.kind == "refused":
        await query.answer(views.refusal(context.t), show_alert=True)
        return
    if step.kind == "stale":
        await query.answer(views.gone(context.t))
        return
    await query.answer()
    await retire_buttons(query)
    if step.kind == "stopped" and step.reason is None:
        return  # "Not now": nothing more to say
    await _show(context, user.id, views.step_messages(context.t, step))


async def _organiser(update: Update, context: SamenContext, decoded: callbacks.TaskAction) -> None:
    query = update.callback_query
    assert query is not None
    now = context.runtime.clock()
    reply: views.Message
    async with context.work() as session:
        access = await require_staff(
            update, context, session, role=Role.ORGANISER, action="translation"
        )
        if access is None:
            return
        t = access.t
        if decoded.action in ASKS:
            result = await tasks.ask_for(
                session,
                ASKS[decoded.action],
                decoded.target_id,
                decoded.language or "",
                community_ids=access.community_ids,
                requested_by_user_id=access.user_id,
                now=now,
            )
            reply = views.asked(t, result)
        elif decoded.action == "trust":
            task = await tasks.trust(
                session,
                decoded.target_id,
                community_ids=access.community_ids,
                user_id=access.user_id,
                now=now,
            )
            reply = (
                views.trusted(t, task is not None, task.target_locale if task else None),
                None,
            )
        else:
            decision = await tasks.decide(
                session,
                decoded.target_id,
                approve=decoded.action == "approve",
                user_id=access.user_id,
                community_ids=access.community_ids,
                now=now,
            )
            if decision is None:
                reply = (views.gone(t), None)
            else:
                reply = (views.decision_text(t, decision.approved, decision.changed), None)
    await query.answer()
    if decoded.action not in KEEPS_BUTTONS:
        await retire_buttons(query)
    await _show(context, access.user_id, [reply])


async def on_step_button(update: Update, context: SamenContext) -> None:
    """A button of the translator's dialogue: Pass, Keep it anyway, Write it again, Stop."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    decoded = callbacks.decode(query.data)
    if not isinstance(decoded, callbacks.StepChoice) or decoded.flow != tasks.FLOW:
        await neutral(query, context.t)
        return
    async with context.work() as session:
        step = await tasks.chose(
            session,
            context.member,
            user.id,
            context.dialog,
            decoded.version,
            decoded.choice,
            now=context.runtime.clock(),
        )
    if step.kind == "stale":
        await neutral(query, context.t)
        return
    if step.kind == "refused":
        await query.answer(views.refusal(context.t), show_alert=True)
        return
    await query.answer()
    await retire_buttons(query)
    await _show(context, user.id, views.step_messages(context.t, step))


async def on_message(update: Update, context: SamenContext) -> None:
    """A typed translation of the current field; a message at a button step asks again."""
    message, user, dialog = update.effective_message, update.effective_user, context.dialog
    assert message is not None
    assert dialog is not None
    if user is None:
        return
    async with context.work() as session:
        step = await tasks.typed(
            session, context.member, user.id, dialog, message.text, now=context.runtime.clock()
        )
    await _show(context, message.chat_id, views.step_messages(context.t, step))


def register(app: Application[Any, Any, Any, Any, Any, Any], router: Router) -> None:
    app.add_handler(CommandHandler("tasks", command, filters=PRIVATE_MESSAGES))
    app.add_handler(CallbackQueryHandler(on_task_button, pattern=r"^tsk:"))
    app.add_handler(CallbackQueryHandler(on_step_button, pattern=rf"^{tasks.FLOW}:"))
    # Translators have agreed to the privacy notice; the service checks their standing on
    # every message.
    router.register(tasks.FLOW, on_message, needs_consent=True)

"""The optional profile after consent: topics to learn and to offer, and the municipality."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.channels.telegram import callbacks
from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.common import neutral, require_consent, retire_buttons
from bot.channels.telegram.views import prompts
from bot.i18n import Translator
from bot.services import dialogs, members
from bot.services.dialogs import Dialog
from bot.services.members import privacy, profiles

if TYPE_CHECKING:
    # Types only: handlers read model objects that services return, never query them.
    from bot.db.models import Member


async def tap(update: Update, context: SamenContext) -> None:
    """Toggle a topic, finish or skip a step — only while the step is still current."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    decoded = callbacks.decode(query.data)
    runtime = context.runtime
    async with runtime.sessions() as session:
        member, dialog = await dialogs.of_user(session, user.id)
    t = context.translator(update, member)
    if (
        not isinstance(decoded, callbacks.StepChoice)
        or member is None
        or dialog is None
        or not dialog.matches(profiles.FLOW, decoded.version)
    ):
        await neutral(query, t)
        return
    if not members.consent_is_current(member, privacy.current_notice_version()):
        await query.answer()
        await retire_buttons(query)
        await require_consent(update, context, member)
        return

    if decoded.choice in {"done", "skip"}:
        await query.answer()
        await retire_buttons(query)
        await _finish(context, user.id, t, member, dialog, skip=decoded.choice == "skip")
        return
    async with runtime.sessions() as session:
        toggled = await profiles.toggle(session, dialog, decoded.choice, now=runtime.clock())
    if toggled is None:
        await neutral(query, t)
        return
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=prompts.profile_keyboard(t, toggled))


async def on_message(
    update: Update, context: SamenContext, member: Member, dialog: Dialog, t: Translator
) -> None:
    """Free text at a profile step is the member's own words for it; anything else re-prompts."""
    message = update.effective_message
    assert message is not None
    if not message.text:
        await prompts.profile(
            context,
            message.chat_id,
            t,
            dialog,
            lead=t.gettext("Sorry, I cannot use that here."),
        )
        return
    if len(message.text.strip()) > profiles.text_limit(dialog.step):
        lead = t.gettext(
            "That is a bit long. Please keep it under {limit} characters.",
            limit=t.fmt_number(profiles.text_limit(dialog.step)),
        )
        await prompts.profile(context, message.chat_id, t, dialog, lead=lead)
        return
    await _finish(context, message.chat_id, t, member, dialog, text=message.text)


async def _finish(
    context: SamenContext,
    chat_id: int,
    t: Translator,
    member: Member,
    dialog: Dialog,
    *,
    skip: bool = False,
    text: str | None = None,
) -> None:
    runtime = context.runtime
    async with runtime.sessions() as session:
        fresh = await members.get(session, member.id)
        if fresh is None:
            return
        following = await profiles.finish_step(
            session, fresh, dialog, now=runtime.clock(), text=text, skip=skip
        )
    if following is not None:
        await prompts.profile(context, chat_id, t, following)
        return
    await prompts.send(
        context,
        chat_id,
        t.gettext(
            "Thank you! Your profile is saved. You can share your story at any time with "
            "/share. Send /help to see everything you can do."
        ),
    )


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(CallbackQueryHandler(tap, pattern=rf"^{profiles.FLOW}:"))

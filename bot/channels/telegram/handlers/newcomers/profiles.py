"""The optional profile after consent: topics to learn and to offer, the municipality, and the
other languages the member reads (also reached from /language)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.channels.telegram import callbacks
from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.common import neutral, require_consent, retire_buttons
from bot.channels.telegram.handlers.router import Router
from bot.channels.telegram.views import prompts
from bot.services import members
from bot.services.members import privacy, profiles


async def tap(update: Update, context: SamenContext) -> None:
    """Toggle a topic, finish or skip a step — only while the step is still current."""
    query, member, dialog, t = update.callback_query, context.member, context.dialog, context.t
    if query is None:
        return
    decoded = callbacks.decode(query.data)
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
        await _finish(context, query.from_user.id, skip=decoded.choice == "skip")
        return
    async with context.work() as session:
        toggled = await profiles.toggle(
            session, dialog, decoded.choice, now=context.runtime.clock(), own_locale=member.locale
        )
    if toggled is None:
        await neutral(query, t)
        return
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=prompts.profile_keyboard(t, toggled))


async def on_message(update: Update, context: SamenContext) -> None:
    """Free text at a profile step is the member's own words for it; anything else re-prompts
    (the languages step takes its buttons only)."""
    message, dialog, t = update.effective_message, context.dialog, context.t
    assert message is not None
    assert dialog is not None
    if dialog.step == profiles.READS:
        lead = t.gettext("Please choose with the buttons.")
        await prompts.profile(context, message.chat_id, t, dialog, lead=lead)
        return
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
        lead = t.ngettext(
            "That is a bit long. Please keep it under {count} character.",
            "That is a bit long. Please keep it under {count} characters.",
            profiles.text_limit(dialog.step),
        )
        await prompts.profile(context, message.chat_id, t, dialog, lead=lead)
        return
    await _finish(context, message.chat_id, text=message.text)


async def _finish(
    context: SamenContext, chat_id: int, *, skip: bool = False, text: str | None = None
) -> None:
    t, dialog = context.t, context.dialog
    assert dialog is not None
    async with context.work() as session:
        assert context.member is not None
        following = await profiles.finish_step(
            session, context.member, dialog, now=context.runtime.clock(), text=text, skip=skip
        )
        reads = list(context.member.reads_locales or [])
    if following is not None:
        await prompts.profile(context, chat_id, t, following)
        return
    if dialog.data.get(profiles.ALONE):
        # Asked from /language: say what is kept now.
        await prompts.send(context, chat_id, prompts.reads_line(t, reads))
        return
    await prompts.send(
        context,
        chat_id,
        t.gettext(
            "Thank you! Your profile is saved. You can share your story at any time with "
            "/share. Send /help to see everything you can do."
        ),
    )


def register(app: Application[Any, Any, Any, Any, Any, Any], router: Router) -> None:
    app.add_handler(CallbackQueryHandler(tap, pattern=rf"^{profiles.FLOW}:"))
    router.register(profiles.FLOW, on_message, needs_consent=True)

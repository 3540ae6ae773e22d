"""/reviewtexts: community translators review the bot's own texts, one entry at a time.

Every button and every typed text is checked again: the member must still be a translator
of that language (a refusal is translated and audited), and the button must belong to the
dialogue step it was drawn for (a stale or forged one changes nothing).
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.channels.telegram import callbacks
from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.common import PRIVATE_MESSAGES, neutral, retire_buttons
from bot.channels.telegram.handlers.router import Router
from bot.channels.telegram.views import prompts
from bot.channels.telegram.views import translations as views
from bot.services.translations import reviews
from bot.services.translations.reviews import Screen


async def _show(context: SamenContext, chat_id: int, screen: Screen) -> None:
    for text, markup in views.screen_messages(context.t, screen):
        await prompts.send(context, chat_id, text, markup)


async def start(update: Update, context: SamenContext) -> None:
    """Begin (or begin again) with the most important entry still waiting."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    runtime = context.runtime
    async with context.work() as session:
        screen = await reviews.begin(
            session,
            context.member,
            user.id,
            runtime.settings.locales_dir,
            now=runtime.clock(),
        )
    await _show(context, message.chat_id, screen)


async def tap(update: Update, context: SamenContext) -> None:
    """A button of the review: a language, a verdict, correct, back, keep, again or stop."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    decoded = callbacks.decode(query.data)
    if not isinstance(decoded, callbacks.StepChoice) or decoded.flow != reviews.FLOW:
        await neutral(query, context.t)
        return
    runtime = context.runtime
    async with context.work() as session:
        screen = await reviews.choose(
            session,
            context.member,
            user.id,
            context.dialog,
            decoded.version,
            decoded.choice,
            runtime.settings.locales_dir,
            now=runtime.clock(),
        )
    if screen.kind == "stale":
        await neutral(query, context.t)
        return
    if screen.kind == "refused":
        await query.answer(views.refusal(context.t, screen.reason), show_alert=True)
        return
    await query.answer()
    await retire_buttons(query)
    await _show(context, user.id, screen)


async def on_message(update: Update, context: SamenContext) -> None:
    """Text at the "correct it" step is the translator's new text; other messages show the
    current step again."""
    message, user, dialog = update.effective_message, update.effective_user, context.dialog
    assert message is not None
    assert dialog is not None
    if user is None:
        return
    runtime = context.runtime
    async with context.work() as session:
        screen = await reviews.correct(
            session,
            context.member,
            user.id,
            dialog,
            message.text,
            runtime.settings.locales_dir,
            now=runtime.clock(),
        )
    await _show(context, message.chat_id, screen)


def register(app: Application[Any, Any, Any, Any, Any, Any], router: Router) -> None:
    app.add_handler(CommandHandler("reviewtexts", start, filters=PRIVATE_MESSAGES))
    app.add_handler(CallbackQueryHandler(tap, pattern=rf"^{reviews.FLOW}:"))
    # Translators have agreed to the privacy notice (volunteering needs it); the service
    # checks their standing on every message.
    router.register(reviews.FLOW, on_message, needs_consent=True)

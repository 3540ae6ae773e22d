"""/translator: a member's volunteer switch as a community translator."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.channels.telegram import callbacks, menus
from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.common import PRIVATE_MESSAGES, neutral, require_consent
from bot.channels.telegram.views import translations as views
from bot.services import members
from bot.services.members import privacy
from bot.services.translations import translators


async def show(update: Update, context: SamenContext) -> None:
    """Show whether the member is a translator, with the button that changes it."""
    message, member = update.effective_message, context.member
    if message is None:
        return
    if not members.consent_is_current(member, privacy.current_notice_version()):
        await require_consent(update, context, member)
        return
    async with context.runtime.reading() as session:
        standing = await translators.standing(session, member)
    text, markup = views.switch(context.t, standing)
    await message.reply_text(text, reply_markup=markup)


async def switch(update: Update, context: SamenContext) -> None:
    """Set the state the button names (a repeated or old tap sets the same state)."""
    query = update.callback_query
    if query is None:
        return
    decoded = callbacks.decode(query.data)
    if not isinstance(decoded, callbacks.TranslatorSwitch):
        await neutral(query, context.t)
        return
    if not members.consent_is_current(context.member, privacy.current_notice_version()):
        await query.answer()
        await require_consent(update, context, context.member)
        return
    async with context.work() as session:
        assert context.member is not None
        await translators.volunteer(session, context.member, decoded.on)
        standing = await translators.standing(session, context.member)
    await query.answer(context.t.gettext("Saved."))
    text, markup = views.switch(context.t, standing)
    await query.edit_message_text(text, reply_markup=markup)
    # /reviewtexts joins (or leaves) their own menu.
    await menus.publish_for_chat(
        context.bot, query.from_user.id, context.t, menus.for_standing(standing)
    )


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(CommandHandler("translator", show, filters=PRIVATE_MESSAGES))
    app.add_handler(CallbackQueryHandler(switch, pattern=r"^trn:"))

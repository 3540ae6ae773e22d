"""/language and the language buttons: every later message uses the member's choice; and
the other languages the member reads (organisers' texts fall back to them first)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.channels.telegram import callbacks, menus
from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.common import (
    PRIVATE_MESSAGES,
    neutral,
    require_consent,
    retire_buttons,
)
from bot.channels.telegram.views import prompts
from bot.i18n import find_language
from bot.services import members
from bot.services.members import onboarding, privacy, profiles, stories
from bot.services.translations import translators


async def show_languages(update: Update, context: SamenContext) -> None:
    """Say the language and the other languages read; offer every language, the current one
    ticked, and (after consent) a button to change the others."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    async with context.work() as session:
        member = await members.find_by_telegram_id(session, user.id)
    await prompts.language_settings(
        context,
        message.chat_id,
        context.translator(update, member),
        reads=member.reads_locales if member else None,
        can_read_more=members.consent_is_current(member, privacy.current_notice_version()),
    )


async def choose_reads(update: Update, context: SamenContext) -> None:
    """Ask which other languages the member reads (the profile's step, on its own)."""
    query, member, t = update.callback_query, context.member, context.t
    if query is None:
        return
    if not isinstance(callbacks.decode(query.data), callbacks.ReadsChoice) or member is None:
        await neutral(query, t)
        return
    await query.answer()
    await retire_buttons(query)
    if not members.consent_is_current(member, privacy.current_notice_version()):
        # Part of the profile: nothing is stored before consent.
        await require_consent(update, context, member)
        return
    async with context.work() as session:
        dialog = await profiles.start_reads(session, member, now=context.runtime.clock())
    await prompts.profile(context, query.from_user.id, t, dialog)


async def choose(update: Update, context: SamenContext) -> None:
    """Speak the tapped language from now on; continue the onboarding if it waited for this."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    decoded = callbacks.decode(query.data)
    runtime = context.runtime
    if not isinstance(decoded, callbacks.LanguageChoice):
        await neutral(query, context.translator_for_user(update))
        return
    async with context.work() as session:
        outcome = await onboarding.choose_language(
            session,
            telegram_user_id=user.id,
            language_code=user.language_code,
            tag=decoded.tag,
            default_locale=runtime.settings.default_locale,
            now=runtime.clock(),
        )
        community, options = None, ()
        if (
            outcome is not None
            and outcome.dialog is not None
            and outcome.dialog.flow == stories.FLOW
        ):
            community, options = await stories.prompt_data(session, outcome.dialog)
    if outcome is None:
        await neutral(query, context.translator_for_user(update))
        return
    t = context.translator(update, outcome.member)
    await query.answer()
    await retire_buttons(query)
    async with runtime.reading() as session:
        standing = await translators.standing(session, outcome.member)
    await menus.publish_for_chat(context.bot, user.id, t, menus.for_standing(standing))
    language = find_language(outcome.member.locale)
    name = language.native_name if language else ""
    notice_version = privacy.current_notice_version()
    if outcome.advanced and outcome.dialog is not None:
        lead = t.gettext("Thank you! I will write to you in {language}.", language=name)
        await prompts.consent(context, user.id, t, notice_version, lead=lead)
        return
    lead = t.gettext("From now on I will write to you in {language}.", language=name)
    if outcome.dialog is not None:
        await prompts.current_step(
            context,
            user.id,
            t,
            outcome.dialog,
            notice_version=notice_version,
            community=community,
            options=options,
            lead=lead,
        )
    else:
        await prompts.send(context, user.id, lead)


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(CommandHandler("language", show_languages, filters=PRIVATE_MESSAGES))
    app.add_handler(CallbackQueryHandler(choose, pattern=r"^lang:"))
    app.add_handler(CallbackQueryHandler(choose_reads, pattern=r"^reads:"))

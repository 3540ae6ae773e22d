"""/start: joining a community through a deep link, or coming back after /stop."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.common import PRIVATE_MESSAGES
from bot.channels.telegram.views import prompts
from bot.services.members import onboarding, privacy, stories
from bot.services.members.onboarding import StartKind


async def start(update: Update, context: SamenContext) -> None:
    """Join the community of the link (or the default one), then continue the onboarding."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    runtime = context.runtime
    code = context.args[0] if context.args else None
    notice_version = privacy.current_notice_version()
    async with context.work() as session:
        outcome = await onboarding.start(
            session,
            telegram_user_id=user.id,
            language_code=user.language_code,
            code=code,
            default_code=runtime.settings.default_community,
            default_locale=runtime.settings.default_locale,
            notice_version=notice_version,
            now=runtime.clock(),
        )
        community, options = outcome.community, ()
        dialog = outcome.dialog
        if dialog is not None and dialog.flow == stories.FLOW:
            community, options = await stories.prompt_data(session, dialog)
    t = context.translator(update, outcome.member)
    chat_id = message.chat_id
    greeting = t.gettext(
        "Welcome to Samen, {name}! Together with your community you can share what "
        "matters to you, hear about meetings and help shape them.",
        name=user.first_name,
    )
    if outcome.resumed:
        await prompts.send(
            context,
            chat_id,
            t.gettext("Welcome back! You will get messages from your community again."),
        )

    match outcome.kind:
        case StartKind.INVALID_LINK:
            await message.reply_text(
                t.gettext(
                    "Sorry, this link does not work. Please ask the person who gave it to you "
                    "for a new link or QR code."
                )
            )
        case StartKind.NEED_LINK:
            await message.reply_text(
                greeting
                + "\n\n"
                + t.gettext(
                    "To join your community, open the link or scan the QR code you got from "
                    "your organisation."
                )
            )
        case StartKind.CHOOSE_LANGUAGE:
            lead = greeting
            if outcome.community is not None:
                joining = t.gettext(
                    "You are joining {community}.", community=community_name(outcome)
                )
                lead = f"{greeting}\n\n{joining}"
            await prompts.language(context, chat_id, t, lead=lead)
        case StartKind.ASK_CONSENT:
            lead = None
            if outcome.member is not None and outcome.member.consent_version is not None:
                lead = t.gettext(
                    "We have changed how Samen handles your information. Please read it "
                    "again and tell us if you agree."
                )
            await prompts.consent(context, chat_id, t, notice_version, lead=lead)
        case StartKind.JOINED:
            await message.reply_text(
                t.gettext(
                    "You are now a member of {community}. Welcome!",
                    community=community_name(outcome),
                )
            )
        case StartKind.ALREADY_MEMBER:
            await message.reply_text(
                t.gettext(
                    "You are already a member of {community}.", community=community_name(outcome)
                )
            )
        case StartKind.WELCOME_BACK:
            if not outcome.resumed:
                await message.reply_text(
                    t.gettext("Welcome back to Samen! Send /help to see what you can do.")
                )

    # A member in the middle of something continues where they were.
    continuing = {StartKind.JOINED, StartKind.ALREADY_MEMBER, StartKind.WELCOME_BACK}
    if outcome.kind in continuing and dialog is not None:
        await prompts.current_step(
            context,
            chat_id,
            t,
            dialog,
            notice_version=notice_version,
            community=community,
            options=options,
        )


def community_name(outcome: onboarding.StartOutcome) -> str:
    return outcome.community.name if outcome.community is not None else ""


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(CommandHandler("start", start, filters=PRIVATE_MESSAGES))

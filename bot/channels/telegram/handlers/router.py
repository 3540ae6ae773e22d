"""Messages that are not commands, in a private chat: they belong to the member's current
dialogue step, or get a translated re-prompt. Nothing is stored without consent."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.common import PRIVATE_MESSAGES, neutral, require_consent
from bot.channels.telegram.handlers.conversations import members as member_conversations
from bot.channels.telegram.handlers.conversations import staff as staff_conversations
from bot.channels.telegram.handlers.meetings import drafts as new_meeting
from bot.channels.telegram.handlers.meetings import edits as meeting_changes
from bot.channels.telegram.handlers.meetings import intake as input_handlers
from bot.channels.telegram.handlers.meetings import overview as organiser
from bot.channels.telegram.handlers.newcomers import profiles as profile
from bot.channels.telegram.handlers.newcomers import stories
from bot.channels.telegram.handlers.staff import checkins
from bot.channels.telegram.views import prompts
from bot.services import dialogs, intake, members
from bot.services.conversations import replies as inbox_replies
from bot.services.meetings import drafts as meeting_drafts
from bot.services.members import onboarding, privacy
from bot.services.members import profiles as profile_service
from bot.services.members import stories as story_service


async def on_message(update: Update, context: SamenContext) -> None:
    """Route a message to the step the member is at; re-prompt when it does not fit there."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    notice_version = privacy.current_notice_version()
    if context.loaded is not None:
        member, dialog = context.loaded
    else:
        async with context.runtime.sessions() as session:
            member, dialog = await dialogs.of_user(session, user.id)
    t = context.translator(update, member)
    chat_id = message.chat_id

    if dialog is not None and dialog.at(onboarding.FLOW, onboarding.LANGUAGE):
        lead = t.gettext("Please choose your language with the buttons.")
        await prompts.language(context, chat_id, t, lead=lead)
        return
    if dialog is not None and dialog.at(onboarding.FLOW, onboarding.CONSENT):
        lead = t.gettext("Please answer with one of the two buttons below.")
        await prompts.consent(context, chat_id, t, notice_version, lead=lead)
        return
    if dialog is not None and dialog.flow == prompts.ERASE_FLOW:
        # Erasure is a right with or without consent: it only ever waits for a button.
        await prompts.erase(
            context, chat_id, t, dialog, lead=t.gettext("Please answer with the buttons.")
        )
        return
    # Organisers' dialogues: their role, not a newcomer's consent, is what counts there.
    if dialog is not None and dialog.flow == meeting_drafts.FLOW:
        await new_meeting.on_message(update, context, dialog)
        return
    if dialog is not None and dialog.flow in meeting_changes.FLOWS:
        await meeting_changes.on_message(update, context, dialog)
        return
    if dialog is not None and dialog.flow == checkins.FLOW:
        await checkins.on_message(update, context, dialog)
        return
    if dialog is not None and dialog.flow == inbox_replies.FLOW:
        await staff_conversations.on_message(update, context, dialog)
        return
    if dialog is not None and dialog.flow == organiser.PICK:
        await prompts.send(context, chat_id, t.gettext("Please answer with the buttons."))
        return
    if member is None or not members.consent_is_current(member, notice_version):
        # Nothing of the message is kept: first the member has to agree.
        await require_consent(update, context, member)
        return
    if dialog is None:
        await member_conversations.on_message(update, context, member, t)
        return
    if dialog.flow == profile_service.FLOW:
        await profile.on_message(update, context, member, dialog, t)
    elif dialog.flow == story_service.FLOW:
        await stories.on_message(update, context, member, dialog, t)
    elif dialog.flow == intake.FLOW:
        await input_handlers.on_message(update, context, member, dialog, t)
    else:
        await prompts.current_step(
            context,
            chat_id,
            t,
            dialog,
            notice_version=notice_version,
            lead=t.gettext("Please answer with the buttons."),
        )


async def on_edit(update: Update, context: SamenContext) -> None:
    """Edits are not read (a story or answer was kept as first sent); say so kindly."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    async with context.runtime.sessions() as session:
        member, dialog = await dialogs.of_user(session, user.id)
        community, options = None, ()
        if dialog is not None and dialog.flow == story_service.FLOW:
            community, options = await story_service.prompt_data(session, dialog)
    t = context.translator(update, member)
    lead = t.gettext("I do not read changed messages. Please send it again as a new message.")
    if dialog is None:
        await context.bot.send_message(message.chat_id, lead)
        return
    await prompts.current_step(
        context,
        message.chat_id,
        t,
        dialog,
        notice_version=privacy.current_notice_version(),
        community=community,
        options=options,
        lead=lead,
    )


async def unknown_button(update: Update, context: SamenContext) -> None:
    """Callback data no journey recognises (random bytes, an old format): change nothing."""
    query = update.callback_query
    if query is None:
        return
    async with context.runtime.sessions() as session:
        member = (
            await members.find_by_telegram_id(session, update.effective_user.id)
            if update.effective_user is not None
            else None
        )
    await neutral(query, context.translator(update, member))


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(MessageHandler(PRIVATE_MESSAGES & ~filters.COMMAND, on_message))
    app.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & filters.UpdateType.EDITED_MESSAGE, on_edit)
    )
    app.add_handler(CallbackQueryHandler(unknown_button))

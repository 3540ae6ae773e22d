"""/share: a member tells their own story, as text or as a voice message."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.channels.telegram import callbacks
from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.common import (
    PRIVATE_MESSAGES,
    neutral,
    require_consent,
    retire_buttons,
    voice_seconds,
)
from bot.channels.telegram.views import prompts
from bot.i18n import Translator
from bot.services import dialogs, members
from bot.services.dialogs import Dialog
from bot.services.members import privacy, stories
from bot.services.members.stories import BeginKind

if TYPE_CHECKING:
    # Types only: handlers read model objects that services return, never query them.
    from bot.db.models import Member


async def share(update: Update, context: SamenContext) -> None:
    """Ask for the story (after asking which community, for members of several)."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    runtime = context.runtime
    async with runtime.sessions() as session:
        member = await members.find_by_telegram_id(session, user.id)
        consented = members.consent_is_current(member, privacy.current_notice_version())
        begin = None
        if member is not None and consented:
            begin = await stories.begin(session, member, now=runtime.clock())
    if member is None or not consented or begin is None:
        await require_consent(update, context, member, then=stories.FLOW)
        return
    t = context.translator(update, member)
    if begin.kind == BeginKind.NO_COMMUNITY:
        await message.reply_text(
            t.gettext(
                "You have not joined a community yet. Open the link or scan the QR code you "
                "got from your organisation."
            )
        )
        return
    assert begin.dialog is not None
    await prompts.share(
        context, message.chat_id, t, begin.dialog, begin.communities, community=begin.community
    )


async def choose(update: Update, context: SamenContext) -> None:
    """The community the story is for: re-checked against the member's memberships."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    decoded = callbacks.decode(query.data)
    runtime = context.runtime
    chosen = None
    async with runtime.sessions() as session:
        member, dialog = await dialogs.of_user(session, user.id)
        if (
            isinstance(decoded, callbacks.StepChoice)
            and dialog is not None
            and dialog.matches(stories.FLOW, decoded.version)
            and decoded.choice.isdigit()
        ):
            chosen = await stories.choose_community(
                session, dialog, int(decoded.choice), now=runtime.clock()
            )
    t = context.translator(update, member)
    if chosen is None:
        await neutral(query, t)
        return
    await query.answer()
    await retire_buttons(query)
    new_dialog, community = chosen
    await prompts.share(context, user.id, t, new_dialog, community=community)


async def on_message(
    update: Update, context: SamenContext, member: Member, dialog: Dialog, t: Translator
) -> None:
    """Keep a text or voice story; anything else gets a polite re-prompt."""
    message = update.effective_message
    assert message is not None
    runtime = context.runtime
    saved = None
    # One transaction for what the step shows and the story itself.
    async with runtime.sessions() as session:
        community, options = await stories.prompt_data(session, dialog)
        fresh = None
        if dialog.step != stories.CHOOSE_COMMUNITY:
            fresh = await members.get(session, member.id)
        if fresh is not None and message.text and message.text.strip():
            saved = await stories.save_text(
                session, fresh, dialog, message.text, now=runtime.clock()
            )
        elif fresh is not None and message.voice is not None:
            saved = await stories.save_voice(
                session,
                fresh,
                dialog,
                file_id=message.voice.file_id,
                duration=voice_seconds(message.voice),
                now=runtime.clock(),
            )
    if dialog.step == stories.CHOOSE_COMMUNITY:
        lead = t.gettext("Please choose with the buttons.")
        await prompts.share(context, message.chat_id, t, dialog, options, lead=lead)
        return
    if isinstance(saved, stories.TooLong):
        lead = t.gettext(
            "That message is too long for me. Please keep it under {limit} characters.",
            limit=t.fmt_number(saved.limit),
        )
        await prompts.share(context, message.chat_id, t, dialog, community=community, lead=lead)
        return
    if saved is None:
        lead = t.gettext(
            "Sorry, I can only keep a written message or a voice message as your story."
        )
        await prompts.share(context, message.chat_id, t, dialog, community=community, lead=lead)
        return
    name = community.name if community is not None else ""
    if saved.voice_file_id:
        thanks = t.gettext(
            "Thank you for your voice message! {community} will listen to it.", community=name
        )
    else:
        thanks = t.gettext(
            "Thank you for sharing your story! It helps {community} to understand what "
            "matters to you.",
            community=name,
        )
    await message.reply_text(thanks)


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(CommandHandler("share", share, filters=PRIVATE_MESSAGES))
    app.add_handler(CallbackQueryHandler(choose, pattern=rf"^{stories.FLOW}:"))

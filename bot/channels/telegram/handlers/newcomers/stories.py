"""/share: a member tells their own story, as text or as a voice message."""

from __future__ import annotations

from typing import Any

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
from bot.channels.telegram.handlers.router import Router
from bot.channels.telegram.views import prompts
from bot.services import members
from bot.services.members import privacy, stories
from bot.services.members.stories import BeginKind


async def share(update: Update, context: SamenContext) -> None:
    """Ask for the story (after asking which community, for members of several)."""
    message, member = update.effective_message, context.member
    if message is None:
        return
    if not members.consent_is_current(member, privacy.current_notice_version()):
        await require_consent(update, context, member, then=stories.FLOW)
        return
    async with context.work() as session:
        begin = await stories.begin(session, context.member, now=context.runtime.clock())
    t = context.t
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
    query, dialog = update.callback_query, context.dialog
    if query is None:
        return
    decoded = callbacks.decode(query.data)
    chosen = None
    if (
        isinstance(decoded, callbacks.StepChoice)
        and dialog is not None
        and dialog.matches(stories.FLOW, decoded.version)
        and decoded.choice.isdigit()
    ):
        async with context.work() as session:
            chosen = await stories.choose_community(
                session, dialog, int(decoded.choice), now=context.runtime.clock()
            )
    t = context.t
    if chosen is None:
        await neutral(query, t)
        return
    await query.answer()
    await retire_buttons(query)
    new_dialog, community = chosen
    await prompts.share(context, query.from_user.id, t, new_dialog, community=community)


async def on_message(update: Update, context: SamenContext) -> None:
    """Keep a text or voice story; anything else gets a polite re-prompt."""
    message, dialog, t = update.effective_message, context.dialog, context.t
    assert message is not None
    assert dialog is not None
    if dialog.step == stories.CHOOSE_COMMUNITY:
        async with context.work() as session:
            _none, options = await stories.prompt_data(session, dialog)
        lead = t.gettext("Please choose with the buttons.")
        await prompts.share(context, message.chat_id, t, dialog, options, lead=lead)
        return
    now = context.runtime.clock()
    # One unit of work for the story and what the step shows.
    async with context.work() as session:
        member = context.member
        assert member is not None
        saved = None
        if message.text and message.text.strip():
            saved = await stories.save_text(session, member, dialog, message.text, now=now)
        elif message.voice is not None:
            saved = await stories.save_voice(
                session,
                member,
                dialog,
                file_id=message.voice.file_id,
                duration=voice_seconds(message.voice),
                now=now,
            )
        if saved is None or isinstance(saved, stories.TooLong):
            community, _options = await stories.prompt_data(session, dialog)
        else:
            community = saved.community
    if isinstance(saved, stories.TooLong):
        lead = t.ngettext(
            "That message is too long for me. Please keep it under {count} character.",
            "That message is too long for me. Please keep it under {count} characters.",
            saved.limit,
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
    if saved.answer.voice_file_id:
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


def register(app: Application[Any, Any, Any, Any, Any, Any], router: Router) -> None:
    app.add_handler(CommandHandler("share", share, filters=PRIVATE_MESSAGES))
    app.add_handler(CallbackQueryHandler(choose, pattern=rf"^{stories.FLOW}:"))
    router.register(stories.FLOW, on_message, needs_consent=True)

"""The privacy notice's agree / not now buttons."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.channels.telegram import callbacks
from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.common import neutral, retire_buttons
from bot.channels.telegram.handlers.router import Router, unrouted_step
from bot.channels.telegram.views import prompts
from bot.services.members import onboarding, privacy, profiles, stories
from bot.services.members.onboarding import ConsentKind


async def answer(update: Update, context: SamenContext) -> None:
    """Record consent to the current notice (then go on), or keep nothing on "not now"."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    decoded = callbacks.decode(query.data)
    if not isinstance(decoded, callbacks.ConsentAnswer):
        await neutral(query, context.translator_for_user(update))
        return
    runtime = context.runtime
    now = runtime.clock()
    next_dialog, share = None, None
    async with context.work() as session:
        outcome = await onboarding.answer_consent(
            session,
            telegram_user_id=user.id,
            language_code=user.language_code,
            version=decoded.version,
            agree=decoded.agree,
            notice_version=privacy.current_notice_version(),
            default_locale=runtime.settings.default_locale,
            now=now,
        )
        if outcome.kind == ConsentKind.AGREED and outcome.member is not None:
            if outcome.first_time:
                next_dialog = await profiles.start(session, outcome.member.id, now=now)
            elif outcome.then == stories.FLOW:
                share = await stories.begin(session, outcome.member, now=now)
    t = context.translator(update, outcome.member)
    if outcome.kind in {ConsentKind.STALE, ConsentKind.ALREADY}:
        await neutral(query, t)
        return
    await query.answer()
    await retire_buttons(query)
    chat_id = user.id

    if outcome.kind == ConsentKind.DECLINED:
        await prompts.send(
            context,
            chat_id,
            t.gettext(
                "That is fine. I have not kept anything about you. If you change your mind, "
                "send /start."
            ),
        )
        return
    if outcome.kind == ConsentKind.DECLINED_KEPT_EARLIER:
        await prompts.send(
            context,
            chat_id,
            t.gettext(
                "That is fine. I will not store anything new about you, and you will not get "
                "messages from your community. What you shared before stays until you remove "
                "it with /delete. Send /start if you want to agree after all."
            ),
        )
        return

    if outcome.community is not None:
        thanks = t.gettext(
            "Thank you! You are now a member of {community}.", community=outcome.community.name
        )
    else:
        thanks = t.gettext("Thank you!")
    if next_dialog is not None:
        intro = t.gettext(
            "A few short questions, so your organisers know what could interest you. You can "
            "skip every question."
        )
        await prompts.profile(context, chat_id, t, next_dialog, lead=f"{thanks}\n\n{intro}")
    elif share is not None and share.dialog is not None:
        await prompts.share(
            context,
            chat_id,
            t,
            share.dialog,
            share.communities,
            community=share.community,
            lead=thanks,
        )
    else:
        await prompts.send(
            context, chat_id, thanks + "\n\n" + t.gettext("Send /help to see what you can do.")
        )


async def on_message(update: Update, context: SamenContext) -> None:
    """A message at the language or consent step: those steps take only their buttons."""
    message, dialog, t = update.effective_message, context.dialog, context.t
    assert message is not None
    assert dialog is not None
    if dialog.at(onboarding.FLOW, onboarding.LANGUAGE):
        lead = t.gettext("Please choose your language with the buttons.")
        await prompts.language(context, message.chat_id, t, lead=lead)
    elif dialog.at(onboarding.FLOW, onboarding.CONSENT):
        lead = t.gettext("Please answer with one of the two buttons below.")
        await prompts.consent(
            context, message.chat_id, t, privacy.current_notice_version(), lead=lead
        )
    else:
        await unrouted_step(update, context)


def register(app: Application[Any, Any, Any, Any, Any, Any], router: Router) -> None:
    app.add_handler(CallbackQueryHandler(answer, pattern=r"^consent:"))
    router.register(onboarding.FLOW, on_message, needs_consent=False)

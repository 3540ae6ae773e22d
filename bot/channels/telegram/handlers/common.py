"""Small pieces the journeys share: filters, the neutral answer to a stale button."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import CallbackQuery, Update, Voice
from telegram.error import TelegramError
from telegram.ext import filters

from bot.channels.telegram import callbacks
from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.views import prompts
from bot.i18n import Translator
from bot.services.dialogs import Dialog
from bot.services.members import onboarding, privacy

if TYPE_CHECKING:
    # Types only: handlers read model objects that services return, never query them.
    from bot.db.models import Member


log = logging.getLogger(__name__)

# New messages in a private chat (edited ones are answered separately).
PRIVATE_MESSAGES = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE


async def neutral(query: CallbackQuery, t: Translator) -> None:
    """Answer a stale, forged or foreign button without changing anything."""
    log.info("stale or invalid callback", extra={"kind": "callback_query"})
    await query.answer(t.gettext("This button is no longer active."))


async def retire_buttons(query: CallbackQuery) -> None:
    """Take the buttons off the message that was just answered, so it cannot be tapped twice."""
    if query.message is None:
        return
    try:
        await query.edit_message_reply_markup(reply_markup=None)
    except TelegramError:
        # Too old to edit, or already without buttons: the answer itself still counts.
        log.debug("could not remove buttons")


async def require_consent(
    update: Update, context: SamenContext, member: Member | None, *, then: str | None = None
) -> None:
    """Store nothing; show the privacy notice so the member can agree (to the new version)."""
    user = update.effective_user
    if user is None:
        return
    if member is not None:
        async with context.work() as session:
            assert context.member is not None
            await onboarding.ask_consent(
                session, context.member, then=then, now=context.runtime.clock()
            )
    t = context.t
    if member is not None and member.consent_version is not None:
        lead = t.gettext(
            "We have changed how Samen handles your information. Please read it again and "
            "tell us if you agree."
        )
    else:
        lead = t.gettext(
            "I have not kept your message. Before I keep anything you tell me, I need your "
            "permission."
        )
    await prompts.consent(context, user.id, t, privacy.current_notice_version(), lead=lead)


def step_choice(
    context: SamenContext, data: str | None, flow: str
) -> tuple[Member, Dialog, str] | None:
    """The member, their dialogue and the button's choice, when the button was drawn for the
    member's current step of `flow` (as the admission loaded them); None for a stale, forged
    or someone else's button."""
    decoded = callbacks.decode(data)
    if not isinstance(decoded, callbacks.StepChoice) or decoded.flow != flow:
        return None
    member, dialog = context.member, context.dialog
    if member is None or dialog is None or not dialog.matches(flow, decoded.version):
        return None
    return member, dialog, decoded.choice


def voice_seconds(voice: Voice) -> int:
    """The duration in whole seconds, the same before and after PTB's switch to timedelta."""
    return int(voice.to_dict().get("duration") or 0)

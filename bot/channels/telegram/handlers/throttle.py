"""Before everything else: a member who floods the bot is told once and the excess dropped.

Group -2 runs before the admission (group -1), so a dropped update costs no database work at
all. Counted are what a person sends: messages, edits and button taps, in any chat. Staff are
throttled the same way as everyone else: this runs before anything knows who is writing, and
the limit (SAMEN_INBOUND_PER_MINUTE, 20 a minute) is far above what a person types or taps.
Block and unblock notices (my_chat_member) are not counted: they are not messages.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from bot.channels.telegram.context import SamenContext, runtime_of
from bot.i18n import Translator
from bot.services import members
from bot.services.throttle import InboundThrottle, Verdict

log = logging.getLogger(__name__)

GROUP = -2


def _counted(update: Update) -> bool:
    sent = update.message or update.edited_message or update.callback_query
    return sent is not None and update.effective_user is not None


async def _translator(update: Update, context: SamenContext) -> Translator:
    # This runs before the admission, so nobody is loaded yet: one read-only look-up (the
    # notice is sent once a minute at most).
    user = update.effective_user
    try:
        async with context.runtime.reading() as session:
            member = await members.find_by_telegram_id(session, user.id) if user else None
    except Exception:  # the database may be what is overloaded: Telegram's language will do
        return context.translator_for_user(update)
    return context.translator(update, member)


async def _tell(update: Update, context: SamenContext) -> None:
    """The one notice of a flood: a toast for a button, a message in a private chat."""
    t = await _translator(update, context)
    text = t.gettext(
        "You are sending messages very quickly, so I skipped some of them. "
        "Please wait a minute, then send again what you still need."
    )
    chat = update.effective_chat
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text)
        elif chat is not None and chat.type == ChatType.PRIVATE:
            await context.bot.send_message(chat.id, text)
        # In a group the notice would go to everyone there; the drop is enough.
    except TelegramError:
        log.warning("could not send the slow-down notice", extra={"update_id": update.update_id})


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    runtime = runtime_of(app)
    windows = InboundThrottle(runtime.settings.inbound_per_minute)

    async def throttle(update: Update, context: SamenContext) -> None:
        """Let a message through within the limit; tell a flood once; drop the rest."""
        if not _counted(update):
            return
        assert update.effective_user is not None
        verdict = windows.check(update.effective_user.id, runtime.clock().timestamp())
        if verdict is Verdict.READ:
            return
        extra = {"update_id": update.update_id, "user_id": update.effective_user.id}
        if verdict is Verdict.NOTICE:
            log.info("member over the inbound limit: told to slow down", extra=extra)
            await _tell(update, context)
        else:
            log.info("update dropped: member over the inbound limit", extra=extra)
        raise ApplicationHandlerStop

    app.add_handler(TypeHandler(Update, throttle), group=GROUP)

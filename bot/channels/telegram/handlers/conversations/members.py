"""A consented member writes outside a dialogue: the message goes to a person."""

from __future__ import annotations

from typing import Any

from telegram import Message, Update
from telegram.ext import Application, CallbackQueryHandler

from bot.channels.telegram import callbacks
from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.common import neutral, retire_buttons, voice_seconds
from bot.channels.telegram.views import conversations as views
from bot.db.models import MessageKind
from bot.services import conversations
from bot.services.conversations import Incoming, ReceivedKind, notices


def incoming_of(message: Message) -> Incoming:
    """What may be kept of a message: text and file ids; of a sticker, location or contact
    only that one was sent."""
    caption = (message.caption or "")[: conversations.MAX_TEXT] or None
    if message.text:
        return Incoming(MessageKind.TEXT, text=message.text[: conversations.MAX_TEXT])
    if message.voice is not None:
        return Incoming(
            MessageKind.VOICE,
            text=caption,
            file_id=message.voice.file_id,
            duration=voice_seconds(message.voice),
        )
    if message.photo:
        return Incoming(MessageKind.PHOTO, text=caption, file_id=message.photo[-1].file_id)
    if message.document is not None:
        return Incoming(MessageKind.DOCUMENT, text=caption, file_id=message.document.file_id)
    if message.sticker is not None:
        return Incoming(MessageKind.STICKER)
    if message.location is not None or message.venue is not None:
        return Incoming(MessageKind.LOCATION)
    if message.contact is not None:
        return Incoming(MessageKind.CONTACT)
    return Incoming(MessageKind.OTHER)


async def on_message(update: Update, context: SamenContext) -> None:
    """Keep the message in the member's conversation and say honestly what happens next."""
    message = update.effective_message
    assert message is not None
    now = context.runtime.clock()
    # One unit of work: the message, and the organisers' notice when one is due.
    async with context.work() as session:
        member = context.member
        assert member is not None  # the router checked consent
        kept = incoming_of(message)
        received = await conversations.receive(session, member, kept, now=now)
        if received.community is not None:
            await notices.queue_due(session, now=now, community_ids=[received.community.id])
    t = context.t
    if received.kind is ReceivedKind.NO_COMMUNITY:
        await message.reply_text(
            t.gettext(
                "You have not joined a community yet. Open the link or scan the QR code you "
                "got from your organisation."
            )
        )
        return
    if received.kind is ReceivedKind.CHOOSE:
        assert received.conversation_id is not None
        text, markup = views.choose_community(t, received.conversation_id, received.options)
        await message.reply_text(text, reply_markup=markup)
        return
    assert received.community is not None
    await message.reply_text(
        views.acknowledgement(t, received.community, new=received.kind is ReceivedKind.NEW),
        reply_markup=views.make_proposal(t, received.message_id, kept.kind),
    )


async def choose(update: Update, context: SamenContext) -> None:
    """The community a message is for: re-checked against the member's conversation."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    decoded = callbacks.decode(query.data)
    now = context.runtime.clock()
    received = None
    if context.member is not None and isinstance(decoded, callbacks.ConversationChoice):
        async with context.work() as session:
            member = context.member
            received = await conversations.choose(
                session, member, decoded.conversation_id, decoded.community_id, now=now
            )
            if received is not None and received.community is not None:
                await notices.queue_due(session, now=now, community_ids=[received.community.id])
    t = context.t
    if received is None or received.community is None:
        await neutral(query, t)
        return
    await query.answer()
    await retire_buttons(query)
    await context.bot.send_message(
        user.id,
        views.acknowledgement(t, received.community, new=received.kind is ReceivedKind.NEW),
    )


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(CallbackQueryHandler(choose, pattern=r"^cnv:"))

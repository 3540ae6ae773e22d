"""Organisers answer a member: Reply puts the organiser in a short dialogue whose next
message (or a saved reply) goes to the member through the outbox.

The answer's outbox row has its own purpose and a dedupe key made of the organiser's own
Telegram message, so the same update handled twice, or by two instances, queues it once. The
row's state is what the organiser sees: queued, delivered, failed, blocked or skipped.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Author,
    Conversation,
    ConversationMessage,
    ConversationStatus,
    Member,
    MessageKind,
    SavedReply,
    SavedReplyText,
)
from bot.i18n import find_language
from bot.services import communities, dialogs, fallback, outbox
from bot.services.conversations import Incoming, _add, display_name
from bot.services.dialogs import Dialog
from bot.services.outbox import Reason
from bot.services.outbox.claims import unreachable_reason

FLOW = "inbox_reply"
WRITING = "writing"
PURPOSE = "inbox.reply"
MAX_SAVED_TEXT = 3500  # a saved reply's text per language, within one Telegram message
KIND = "inbox.reply"
# Kinds an organiser can send to a member.
SENDABLE = frozenset({MessageKind.TEXT, MessageKind.VOICE, MessageKind.PHOTO})


class ReplyStatus(StrEnum):
    READY = "ready"  # Reply: the organiser's next message goes to the member
    QUEUED = "queued"
    DUPLICATE = "duplicate"  # this very message was queued before
    STALE = "stale"  # closed, erased, taken by someone else, or the dialogue moved on
    UNREACHABLE = "unreachable"  # the member blocked the bot, stopped messages or is gone
    UNSUPPORTED = "unsupported"  # not a text, voice note or photo


@dataclass(frozen=True)
class ReplyResult:
    status: ReplyStatus
    conversation_id: int | None = None
    reason: Reason | None = None
    dialog: Dialog | None = None
    locale: str | None = None  # the member's language, for the organiser's confirmation
    text: str | None = None  # what was sent (a saved reply in the member's language)


def dedupe_key(conversation_id: int, organiser_user_id: int, source_id: str) -> str:
    return f"inbox-reply:{conversation_id}:{organiser_user_id}:{source_id}"


async def _check(
    session: AsyncSession,
    conversation_id: int,
    organiser_user_id: int,
    community_ids: Collection[int],
) -> tuple[ReplyStatus | None, Conversation | None, Member | None, Reason | None]:
    conversation = await session.get(Conversation, conversation_id)
    if (
        conversation is None
        or conversation.community_id not in set(community_ids)
        or conversation.status != ConversationStatus.OPEN
        or conversation.taken_by_user_id not in (None, organiser_user_id)
    ):
        return ReplyStatus.STALE, None, None, None
    member = await session.get(Member, conversation.member_id)
    reason = unreachable_reason(member)
    if reason is not None:
        return ReplyStatus.UNREACHABLE, conversation, member, reason
    return None, conversation, member, None


async def begin(
    session: AsyncSession,
    organiser: Member,
    conversation_id: int,
    *,
    version: int | None,
    community_ids: Collection[int],
    now: datetime,
) -> ReplyResult:
    """Reply was tapped: check the conversation can be answered, then wait for the message.
    The caller commits."""
    conversation = await session.get(Conversation, conversation_id)
    if conversation is not None and version is not None and conversation.version != version:
        return ReplyResult(ReplyStatus.STALE, conversation_id)
    problem, conversation, member, reason = await _check(
        session, conversation_id, organiser.telegram_user_id, community_ids
    )
    if problem is not None:
        return ReplyResult(problem, conversation_id, reason)
    assert conversation is not None
    assert member is not None
    dialog = await dialogs.set(
        session,
        organiser.id,
        FLOW,
        WRITING,
        {"conversation_id": conversation.id, "version": conversation.version},
        now=now,
    )
    return ReplyResult(ReplyStatus.READY, conversation.id, dialog=dialog, locale=member.locale)


async def send(
    session: AsyncSession,
    organiser: Member,
    dialog: Dialog,
    incoming: Incoming,
    *,
    source_id: str,
    community_ids: Collection[int],
    now: datetime,
) -> ReplyResult:
    """Queue the organiser's message for the member, signed; end the reply dialogue.

    `source_id` identifies the organiser's own message (its Telegram message id, or the saved
    reply), so handling it twice queues it once. Re-checks everything the button promised.
    The caller commits.
    """
    conversation_id = int(dialog.data.get("conversation_id") or 0)
    if not dialog.at(FLOW, WRITING):
        return ReplyResult(ReplyStatus.STALE, conversation_id)
    if incoming.kind not in SENDABLE:
        return ReplyResult(ReplyStatus.UNSUPPORTED, conversation_id, dialog=dialog)
    key = dedupe_key(conversation_id, organiser.telegram_user_id, source_id)
    if await session.scalar(
        select(ConversationMessage.id).where(ConversationMessage.outbox_key == key)
    ):
        return ReplyResult(ReplyStatus.DUPLICATE, conversation_id)
    problem, conversation, member, reason = await _check(
        session, conversation_id, organiser.telegram_user_id, community_ids
    )
    if problem is not None or int(dialog.data.get("version") or 0) != (
        conversation.version if conversation is not None else -1
    ):
        await dialogs.clear(session, organiser.id, now=now)
        return ReplyResult(problem or ReplyStatus.STALE, conversation_id, reason)
    assert conversation is not None
    assert member is not None
    message = _add(
        session,
        conversation,
        author=Author.ORGANISER,
        incoming=incoming,
        now=now,
        locale=member.locale,
        author_user_id=organiser.telegram_user_id,
        signature=await display_name(session, organiser.telegram_user_id),
    )
    message.outbox_key = key
    await session.flush()
    await outbox.enqueue(
        session,
        purpose=PURPOSE,
        dedupe_key=key,
        member_id=member.id,
        chat_id=member.telegram_user_id,
        payload={"kind": KIND, "message_id": message.id},
    )
    if conversation.first_answer_at is None:
        conversation.first_answer_at = now
    await dialogs.clear(session, organiser.id, now=now)
    return ReplyResult(
        ReplyStatus.QUEUED, conversation.id, locale=member.locale, text=incoming.text
    )


async def cancel(session: AsyncSession, organiser: Member, *, now: datetime) -> None:
    await dialogs.clear(session, organiser.id, now=now)


# --- saved replies --------------------------------------------------------------------------


@dataclass(frozen=True)
class Saved:
    id: int
    name: str
    texts: Mapping[str, str]
    source_locale: str
    community_id: int = 0


async def save(
    session: AsyncSession,
    *,
    community_id: int,
    name: str,
    texts: Mapping[str, str],
    source_locale: str,
    now: datetime,
) -> Saved:
    """Add or replace a saved reply with its texts per language. The caller commits."""
    name = " ".join(name.split())
    if not name or len(name) > 40:
        raise ValueError("a saved reply's name is 1 to 40 characters")
    if not texts or source_locale not in texts:
        raise ValueError("a saved reply needs a text in the language it was written in")
    for locale, text in texts.items():
        if find_language(locale) is None:
            raise ValueError(f"no catalog for the language {locale!r}")
        if not text.strip() or len(text) > MAX_SAVED_TEXT:
            raise ValueError("each text is 1 to 3500 characters")
    row = await session.scalar(
        select(SavedReply).where(SavedReply.community_id == community_id, SavedReply.name == name)
    )
    if row is None:
        row = SavedReply(
            community_id=community_id, name=name, source_locale=source_locale, created_at=now
        )
        session.add(row)
        await session.flush()
    else:
        row.source_locale = source_locale
        old = await session.scalars(
            select(SavedReplyText).where(SavedReplyText.saved_reply_id == row.id)
        )
        for text in old:
            await session.delete(text)
        await session.flush()
    for locale, text in texts.items():
        session.add(SavedReplyText(saved_reply_id=row.id, locale=locale, text=text.strip()))
    await session.flush()
    return Saved(row.id, row.name, dict(texts), source_locale, community_id)


async def saved_reply(session: AsyncSession, reply_id: int) -> Saved | None:
    """One saved reply with its texts per language (for a translation task)."""
    row = await session.get(SavedReply, reply_id)
    if row is None:
        return None
    texts = await session.scalars(
        select(SavedReplyText).where(SavedReplyText.saved_reply_id == row.id)
    )
    return Saved(
        row.id, row.name, {t.locale: t.text for t in texts}, row.source_locale, row.community_id
    )


async def saved_replies(session: AsyncSession, community_id: int) -> list[Saved]:
    rows = (
        await session.scalars(
            select(SavedReply)
            .where(SavedReply.community_id == community_id)
            .order_by(SavedReply.name)
        )
    ).all()
    if not rows:
        return []
    texts = (
        await session.scalars(
            select(SavedReplyText).where(SavedReplyText.saved_reply_id.in_([r.id for r in rows]))
        )
    ).all()
    by_reply: dict[int, dict[str, str]] = {}
    for text in texts:
        by_reply.setdefault(text.saved_reply_id, {})[text.locale] = text.text
    return [
        Saved(r.id, r.name, by_reply.get(r.id, {}), r.source_locale, r.community_id) for r in rows
    ]


async def send_saved(
    session: AsyncSession,
    organiser: Member,
    dialog: Dialog,
    saved_reply_id: int,
    *,
    community_ids: Collection[int],
    now: datetime,
) -> ReplyResult:
    """Send a saved reply in the member's language (along the fallback chain)."""
    conversation = await session.get(Conversation, int(dialog.data.get("conversation_id") or 0))
    reply = await session.get(SavedReply, saved_reply_id)
    if (
        conversation is None
        or reply is None
        or reply.community_id != conversation.community_id
        or not dialog.at(FLOW, WRITING)
    ):
        return ReplyResult(ReplyStatus.STALE, conversation.id if conversation else None)
    member = await session.get(Member, conversation.member_id)
    community = await communities.get(session, reply.community_id)
    texts = {
        t.locale: t.text
        for t in await session.scalars(
            select(SavedReplyText).where(SavedReplyText.saved_reply_id == reply.id)
        )
    }
    _, text = fallback.pick(
        texts,
        member_locale=member.locale if member else None,
        community_locale=community.default_locale if community else None,
        source_locale=reply.source_locale,
        reads=member.reads_locales if member else (),
    )
    return await send(
        session,
        organiser,
        dialog,
        Incoming(MessageKind.TEXT, text),
        source_id=f"saved-{reply.id}-v{dialog.version}",
        community_ids=community_ids,
        now=now,
    )


async def reply_data(
    session: AsyncSession, message_id: int
) -> tuple[ConversationMessage, str, str | None] | None:
    """What an answer's renderer needs: the message, the community's name, the signature."""
    message = await session.get(ConversationMessage, message_id)
    if message is None or message.author is not Author.ORGANISER:
        return None
    conversation = await session.get(Conversation, message.conversation_id)
    if conversation is None:
        return None
    community = await communities.get(session, conversation.community_id or 0)
    if community is None:
        return None
    return message, community.name, message.signature


def names(saved: Sequence[Saved]) -> list[tuple[int, str]]:
    return [(s.id, s.name) for s in saved]

"""Conversations: what a member writes to their community, and what organisers answer.

A member's message outside a dialogue step opens (or continues) a conversation with one
community; organisers read it in /inbox and answer through the outbox. Stories from /share
appear in the same thread. Everything here is about one member and goes with /delete and the
community's retention period.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, BigId, UTCDateTime, str_enum, utcnow


class ConversationStatus(StrEnum):
    CHOOSING = "choosing"  # a member of several communities has not chosen one yet
    OPEN = "open"
    CLOSED = "closed"


class Author(StrEnum):
    MEMBER = "member"
    ORGANISER = "organiser"
    NOTE = "note"  # an organiser's internal note: never sent to the member


class MessageKind(StrEnum):
    TEXT = "text"
    VOICE = "voice"
    PHOTO = "photo"
    DOCUMENT = "document"
    # Kept as a marker only ("(sticker)"): nothing of it is stored.
    STICKER = "sticker"
    LOCATION = "location"
    CONTACT = "contact"
    OTHER = "other"


class Origin(StrEnum):
    CHAT = "chat"  # written straight to the bot
    STORY = "story"  # shared with /share


class Conversation(Base):
    __tablename__ = "conversations"
    __table_args__ = (
        Index(
            "ix_conversations_community_status_activity",
            "community_id",
            "status",
            "last_activity_at",
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    # None while a member of several communities is still choosing.
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE")
    )
    status: Mapped[ConversationStatus] = mapped_column(
        str_enum(ConversationStatus), default=ConversationStatus.OPEN
    )
    # The organiser (Telegram id) who took it; shown to other organisers by display name only.
    taken_by_user_id: Mapped[int | None] = mapped_column(BigInteger)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_answer_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped on take, close and reopen: buttons carry it, so a stale one is recognised.
    version: Mapped[int] = mapped_column(Integer, default=1)


class ConversationMessage(Base):
    __tablename__ = "conversation_messages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    author: Mapped[Author] = mapped_column(str_enum(Author))
    kind: Mapped[MessageKind] = mapped_column(str_enum(MessageKind))
    origin: Mapped[Origin] = mapped_column(str_enum(Origin), default=Origin.CHAT)
    text: Mapped[str | None] = mapped_column(Text)
    # Voice notes, photos and documents are referenced by Telegram's file id, never downloaded.
    file_id: Mapped[str | None] = mapped_column(String(255))
    duration: Mapped[int | None] = mapped_column(Integer)
    locale: Mapped[str | None] = mapped_column(String(16))
    # Organisers' messages and notes: who wrote it (never shown to the member).
    author_user_id: Mapped[int | None] = mapped_column(BigInteger)
    # The organiser's chosen display name at the time, if any (never their Telegram name).
    signature: Mapped[str | None] = mapped_column(String(64))
    # The outbox row that carries an organiser's answer: its state is the delivery state.
    outbox_key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SavedReply(Base):
    """A reply organisers of a community send often, with a text per language."""

    __tablename__ = "saved_replies"
    __table_args__ = (UniqueConstraint("community_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(40))
    source_locale: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SavedReplyText(Base):
    __tablename__ = "saved_reply_texts"
    __table_args__ = (UniqueConstraint("saved_reply_id", "locale"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    saved_reply_id: Mapped[int] = mapped_column(ForeignKey("saved_replies.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)


class InboxOrganiser(Base):
    """Per organiser: the name they sign answers with, and the newest member message they
    were told about, and when.

    Notices are batched against the watermark (one per few minutes, with a count); moving it
    is a conditional update, so two instances never both send the same notice.
    """

    __tablename__ = "inbox_organisers"

    telegram_user_id: Mapped[int] = mapped_column(
        BigInteger, primary_key=True, autoincrement=False
    )
    last_message_id: Mapped[int] = mapped_column(BigInteger, default=0)
    last_notice_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Chosen by the organiser (/signature); members see it, never the Telegram name.
    display_name: Mapped[str | None] = mapped_column(String(64))
    # The same batching for new proposals: the newest one the organiser was told about.
    last_proposal_id: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    last_proposal_notice_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

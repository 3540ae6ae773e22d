"""Every message that is not a direct reply: one row per (purpose, recipient)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, BigId, JsonData, UTCDateTime, str_enum, utcnow


class OutboxState(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    BLOCKED = "blocked"
    UNKNOWN = "unknown"  # a crash between "sending" and "sent": never resent on its own


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_state_next_attempt_at", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # e.g. "invite:<meeting>:<member>": queuing the same key twice is a no-op.
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    purpose: Mapped[str] = mapped_column(String(64), index=True)
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    # What to say, not the text: it is rendered in the recipient's language at send time.
    payload: Mapped[dict[str, Any]] = mapped_column(JsonData, default=dict)
    state: Mapped[OutboxState] = mapped_column(str_enum(OutboxState), default=OutboxState.QUEUED)
    reason: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

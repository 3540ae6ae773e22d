"""Every message that is not a direct reply: one row per (purpose, recipient).

A broadcast groups the rows one organiser action queued (an announcement, the invitations to
a meeting), so its progress and failures can be shown and resent together.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, BigId, JsonData, UTCDateTime, str_enum, utcnow

# `next_attempt_at` of a row queued without `not_before`: due at once, whatever the clock says.
DUE_AT_ONCE = datetime(1970, 1, 1, tzinfo=UTC)


class OutboxState(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # committed before the API call
    SENT = "sent"  # committed after it
    FAILED = "failed"  # gave up; `reason` says why; an organiser may resend
    BLOCKED = "blocked"  # Telegram said 403: the member blocked the bot or is gone; never retried
    UNKNOWN = "unknown"  # a crash between "sending" and "sent": never resent on its own
    SKIPPED = "skipped"  # not sent: at send time the member had stopped, blocked or was erased


# Every state a row ends in; queued and sending rows are still on their way.
FINAL_STATES = frozenset(
    {
        OutboxState.SENT,
        OutboxState.FAILED,
        OutboxState.BLOCKED,
        OutboxState.UNKNOWN,
        OutboxState.SKIPPED,
    }
)


class Broadcast(Base):
    """One organiser action that queued many rows; rows point back with `broadcast_id`."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(64))
    # Staff act under their Telegram id; None for the command line.
    created_by_user_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_state_next_attempt_at", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # e.g. "invite:<meeting>:<member>": queuing the same key twice is a no-op.
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    purpose: Mapped[str] = mapped_column(String(64), index=True)
    broadcast_id: Mapped[int | None] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    # What to say, not the text: it is rendered in the recipient's language at send time.
    payload: Mapped[dict[str, Any]] = mapped_column(JsonData, default=dict)
    state: Mapped[OutboxState] = mapped_column(str_enum(OutboxState), default=OutboxState.QUEUED)
    reason: Mapped[str | None] = mapped_column(String(64))
    # API calls made for this row (a 429 is given back: Telegram did not take the message).
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # How often Telegram answered 429 for this row.
    throttled: Mapped[int] = mapped_column(Integer, default=0)
    # A long text goes out in parts; a retry continues after the parts already delivered.
    parts_sent: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Which process claimed the row and when; a restarted process recognises its own rows.
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ProcessedUpdate(Base):
    """An incoming update already handled: the same update delivered again is dropped.

    Update ids are not monotonic over long gaps, so ids are kept for a window, not compared.
    """

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

"""Follow-ups are rows, not timers: each has a due time, a version and a state."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, BigId, UTCDateTime, str_enum, utcnow


class CheckInKind(StrEnum):
    REMINDER = "reminder"
    FOLLOWUP = "followup"
    LONGTERM = "longterm"
    REENGAGE = "reengage"


class CheckInState(StrEnum):
    PENDING = "pending"
    QUEUED = "queued"  # moved into the outbox
    SKIPPED = "skipped"  # its moment passed (e.g. the meeting already began)
    CANCELLED = "cancelled"


class CheckIn(Base):
    __tablename__ = "checkins"
    # The scheduler asks "which pending rows are due?": this index keeps that proportional
    # to the due rows, not to everything pending.
    __table_args__ = (Index("ix_checkins_state_due_at", "state", "due_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[CheckInKind] = mapped_column(str_enum(CheckInKind))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    state: Mapped[CheckInState] = mapped_column(
        str_enum(CheckInState), default=CheckInState.PENDING
    )
    reason: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

"""Follow-ups are rows, not timers: each has a due time, a version and a state."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, BigId, JsonData, UTCDateTime, str_enum, utcnow


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
    # What the row is for, e.g. "reminder:12:v2:34:1440": planning the same check-in twice
    # (two instances, a repeated RSVP) finds the existing row instead of adding one.
    dedupe_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CheckInSchedule(Base):
    """A community's check-in schedule; a community without a row uses the defaults."""

    __tablename__ = "checkin_schedules"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), unique=True
    )
    # Minutes before a meeting, e.g. [1440, 120] for a day and two hours before.
    reminder_offsets: Mapped[list[int]] = mapped_column(JsonData)
    followup_days: Mapped[int] = mapped_column(Integer)
    followup_time: Mapped[str] = mapped_column(String(5))  # "10:00", the member's local time
    longterm_months: Mapped[list[int]] = mapped_column(JsonData)
    reengage_days: Mapped[int] = mapped_column(Integer)
    quiet_start: Mapped[str] = mapped_column(String(5))
    quiet_end: Mapped[str] = mapped_column(String(5))
    programme_end: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

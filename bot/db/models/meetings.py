"""Meetings, their texts per language, and who is coming."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.base import Base, BigId, JsonData, UTCDateTime, str_enum, utcnow


class MeetingStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class RsvpStatus(StrEnum):
    GOING = "going"
    MAYBE = "maybe"
    NOT_GOING = "not_going"


class Meeting(Base):
    """A meeting. Times are UTC; `time_zone` is where it takes place, for display and
    for scheduling reminders at local times."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[MeetingStatus] = mapped_column(
        str_enum(MeetingStatus), default=MeetingStatus.SCHEDULED
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    time_zone: Mapped[str] = mapped_column(String(64))
    # The language the organiser wrote in: the last step of the text fallback chain.
    source_locale: Mapped[str] = mapped_column(String(16))
    online_url: Mapped[str | None] = mapped_column(String(500))
    input_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Minutes before the start for reminders; None: the community's schedule.
    reminder_offsets: Mapped[list[int] | None] = mapped_column(JsonData)
    # Bumped when the meeting moves, so reminders scheduled for the old time are recognised.
    version: Mapped[int] = mapped_column(Integer, default=1)
    # How many proposals each member may support for this meeting (set by the organiser).
    supports_per_member: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    created_by_user_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    texts: Mapped[list[MeetingText]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="selectin"
    )


class MeetingText(Base):
    """Organiser-written text is data: one row per language."""

    __tablename__ = "meeting_texts"
    __table_args__ = (UniqueConstraint("meeting_id", "locale"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str | None] = mapped_column(String(300))


class Rsvp(Base):
    __tablename__ = "rsvps"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[RsvpStatus] = mapped_column(str_enum(RsvpStatus))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

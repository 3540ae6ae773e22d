"""What came of a meeting ("you said, we did"): the organiser's texts per agenda item (or one
text) per language, who it went to, and how members found it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.base import Base, BigId, UTCDateTime, str_enum, utcnow


class OutcomeAudience(StrEnum):
    ATTENDING = "attending"  # everyone invited except those who said Not going
    EVERYONE = "everyone"  # everyone invited


class Reaction(StrEnum):
    USEFUL = "useful"
    NOT_USEFUL = "not_useful"


class Outcome(Base):
    """One sharing of a meeting's outcome; its texts say what was discussed and what next."""

    __tablename__ = "outcomes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    audience: Mapped[OutcomeAudience] = mapped_column(
        str_enum(OutcomeAudience), default=OutcomeAudience.ATTENDING
    )
    # The language the organiser wrote in first: the last step of the fallback chain.
    source_locale: Mapped[str] = mapped_column(String(16))
    created_by_user_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when it was queued to the members (until then the organiser is still writing).
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    texts: Mapped[list[OutcomeText]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="selectin"
    )


class OutcomeText(Base):
    """One item of an outcome in one language: per agenda item (`proposal_id`), or the whole
    meeting (`proposal_id` NULL). `position` orders the items the same in every language."""

    __tablename__ = "outcome_texts"
    __table_args__ = (UniqueConstraint("outcome_id", "position", "locale"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcomes.id", ondelete="CASCADE"))
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposals.id", ondelete="SET NULL")
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    locale: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)


class OutcomeReaction(Base):
    __tablename__ = "outcome_reactions"
    __table_args__ = (UniqueConstraint("outcome_id", "member_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcomes.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    reaction: Mapped[Reaction] = mapped_column(str_enum(Reaction))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

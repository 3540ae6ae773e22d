"""Topics members propose for a meeting (or as a question for the community's long-term
check-in), their texts per language, and who supports which.

A proposal belongs to its proposer until it reaches an agenda: erasure deletes it, except a
proposal already on an agenda, which keeps its text and loses every link to the person
(`member_id` and `dedupe_key` become NULL).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.base import Base, BigId, UTCDateTime, str_enum, utcnow


class ProposalPurpose(StrEnum):
    AGENDA = "agenda"  # a topic for a meeting
    CHECKIN = "checkin"  # a question for the community's long-term check-in


class ProposalKind(StrEnum):
    TEXT = "text"
    VOICE = "voice"


class ProposalStatus(StrEnum):
    NEW = "new"  # waiting for an organiser
    ACCEPTED = "accepted"  # members can support it
    MERGED = "merged"  # joined with a similar one (`merged_into_id`); its supports moved there
    DECLINED = "declined"  # with a reason code the member was told in their language


class Proposal(Base):
    __tablename__ = "proposals"
    __table_args__ = (Index("ix_proposals_meeting_id_status", "meeting_id", "status"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    # None for a proposed long-term check-in question.
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    # None once the proposer erased their data and the proposal stayed on an agenda.
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    purpose: Mapped[ProposalPurpose] = mapped_column(
        str_enum(ProposalPurpose), default=ProposalPurpose.AGENDA
    )
    kind: Mapped[ProposalKind] = mapped_column(str_enum(ProposalKind))
    # The proposer's language: the last step of the fallback chain for its texts.
    source_locale: Mapped[str] = mapped_column(String(16))
    # Voice notes are referenced by Telegram's file id and re-sent by it, never downloaded.
    voice_file_id: Mapped[str | None] = mapped_column(String(255))
    voice_duration: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[ProposalStatus] = mapped_column(
        str_enum(ProposalStatus), default=ProposalStatus.NEW
    )
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposals.id", ondelete="SET NULL")
    )
    # A code from `services/proposals` (e.g. "off_topic"); the member reads it translated.
    decline_reason: Mapped[str | None] = mapped_column(String(32))
    on_agenda: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    agenda_position: Mapped[int | None] = mapped_column(Integer)
    # The conversation message it was made from ("make this a proposal"), if any.
    conversation_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversation_messages.id", ondelete="SET NULL")
    )
    # A chosen check-in proposal becomes a row in `questions` (the community's long-term set).
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("questions.id", ondelete="SET NULL")
    )
    # The same member proposing the same thing for the same meeting twice (a double tap, a
    # resend) finds this row instead of counting it again; NULL once unlinked by erasure.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    # Bumped on every decision: buttons carry it, so a stale one is recognised.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_user_id: Mapped[int | None] = mapped_column(BigInteger)

    texts: Mapped[list[ProposalText]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="selectin"
    )


class ProposalText(Base):
    """A proposal's text in one language: the proposer's own, or a translation added later."""

    __tablename__ = "proposal_texts"
    __table_args__ = (UniqueConstraint("proposal_id", "locale"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Support(Base):
    """One member supports one proposal; the meeting is kept to count against its limit."""

    __tablename__ = "proposal_supports"
    __table_args__ = (
        UniqueConstraint("proposal_id", "member_id"),
        Index("ix_proposal_supports_meeting_id_member_id", "meeting_id", "member_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProposalDigest(Base):
    """Per member: the newest accepted proposal they were told about, and when. At most one
    digest a day; moving the watermark is a conditional update (two instances, one digest)."""

    __tablename__ = "proposal_digests"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    last_proposal_id: Mapped[int] = mapped_column(BigInteger, default=0)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

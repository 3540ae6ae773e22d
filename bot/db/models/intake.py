"""Questions asked of members, and everything members tell: answers, stories, check-in replies."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.base import Base, BigId, JsonData, UTCDateTime, str_enum, utcnow


class QuestionKind(StrEnum):
    TEXT = "text"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    SCALE = "scale"
    YES_NO = "yes_no"
    DATE = "date"
    VOICE = "voice"


class QuestionStage(StrEnum):
    BEFORE = "before"  # input for an upcoming meeting
    AFTER = "after"  # the follow-up after it


class InputStatus(StrEnum):
    PARTIAL = "partial"  # started, not finished, still open
    COMPLETED = "completed"  # every question answered or skipped
    EXPIRED = "expired"  # the deadline passed before it was completed


class AnswerSource(StrEnum):
    MEETING = "meeting"
    STORY = "story"
    CHECKIN = "checkin"


class Question(Base):
    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    stage: Mapped[QuestionStage] = mapped_column(
        str_enum(QuestionStage), default=QuestionStage.BEFORE
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[QuestionKind] = mapped_column(str_enum(QuestionKind))
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    # Marked by the organiser: its free-text and voice answers make the agenda
    # (`services/meetings/agenda.py` decides what the agenda is).
    agenda: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    source_locale: Mapped[str] = mapped_column(String(16))
    # A member-proposed long-term question the organiser replaced: no longer asked, kept so
    # the answers it had still say what they answered.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    texts: Mapped[list[QuestionText]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="selectin"
    )


class QuestionText(Base):
    __tablename__ = "question_texts"
    __table_args__ = (UniqueConstraint("question_id", "locale"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(16))
    prompt: Mapped[str] = mapped_column(Text)
    # Choice labels in this language, in the same order in every language.
    options: Mapped[list[str] | None] = mapped_column(JsonData)


class Answer(Base):
    """Something a member told: an answer to a question, an own story, a check-in reply."""

    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True
    )
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("questions.id", ondelete="SET NULL"), index=True
    )
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("checkins.id", ondelete="SET NULL"))
    source: Mapped[AnswerSource] = mapped_column(str_enum(AnswerSource))
    kind: Mapped[QuestionKind] = mapped_column(str_enum(QuestionKind))
    text: Mapped[str | None] = mapped_column(Text)
    # Structured value: chosen option indexes, a scale number, a yes/no, an ISO date.
    value: Mapped[Any | None] = mapped_column(JsonData)
    # Voice notes are referenced, not downloaded.
    voice_file_id: Mapped[str | None] = mapped_column(String(255))
    voice_duration: Mapped[int | None] = mapped_column(Integer)
    locale: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class InputRun(Base):
    """One member's walk through one set of questions: a meeting's questions before it (or its
    follow-up after it), or the questions of one check-in. Answers are saved one by one as they
    are given; this row says how far the member got and whether the input counts as complete.
    """

    __tablename__ = "input_runs"
    __table_args__ = (UniqueConstraint("member_id", "meeting_id", "stage", "checkin_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("checkins.id", ondelete="SET NULL"))
    stage: Mapped[QuestionStage] = mapped_column(str_enum(QuestionStage))
    status: Mapped[InputStatus] = mapped_column(str_enum(InputStatus), default=InputStatus.PARTIAL)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

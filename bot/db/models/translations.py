"""Community translators' verdicts on the bot's own texts (the catalogs in locales/).

A verdict never changes what the bot says: a maintainer exports the entries two translators
agree on (`samen texts reviews`) and merges them into the catalog (`make texts-apply-reviews`).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, BigId, JsonData, UTCDateTime, str_enum, utcnow


class Verdict(StrEnum):
    GOOD = "good"  # the current translation is right as it is
    CORRECTED = "corrected"  # `text` is the translator's better one
    SKIPPED = "skipped"  # they could not judge it; it is not shown to them again


class TextReview(Base):
    """One translator's verdict on one catalog entry."""

    __tablename__ = "text_reviews"
    # One verdict per reviewer and entry, so one translator never counts twice. Erased
    # reviewers leave NULL here; each of those rows still came from a different person.
    __table_args__ = (UniqueConstraint("catalog", "entry_key", "reviewer_member_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    catalog: Mapped[str] = mapped_column(String(16))
    # A digest of (msgctxt, msgid): the unique index stays small whatever the source length.
    entry_key: Mapped[str] = mapped_column(String(64), index=True)
    msgid: Mapped[str] = mapped_column(Text)
    msgctxt: Mapped[str | None] = mapped_column(String(255))
    # None once the reviewer erased their data: the verdict stays, the link to them goes.
    reviewer_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    verdict: Mapped[Verdict] = mapped_column(str_enum(Verdict))
    text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TaskSubject(StrEnum):
    """What a translation task asks to translate."""

    MEETING = "meeting"
    PROPOSAL = "proposal"
    OUTCOME = "outcome"
    SAVED_REPLY = "saved_reply"


class TaskStatus(StrEnum):
    OPEN = "open"  # offered to translators, waiting for a translation or a decision
    DONE = "done"  # a translation was published
    EXPIRED = "expired"  # nobody (left) translated it in time
    WITHDRAWN = "withdrawn"  # nobody is left to do it (the translator erased their data)


class ApprovalMode(StrEnum):
    ORGANISER = "organiser"  # an organiser approves or rejects each translation
    TRUSTED = "trusted"  # published at once: the organiser trusts the translators


class AssignmentState(StrEnum):
    OFFERED = "offered"  # the notice went out (or /tasks showed it); nothing typed yet
    DECLINED = "declined"  # they said not now, or the offer ran out
    SUBMITTED = "submitted"  # typed, waiting for the organiser
    APPROVED = "approved"  # published
    REJECTED = "rejected"  # the organiser did not publish it


class TranslationTask(Base):
    """An organiser's request to community translators: one text into one language."""

    __tablename__ = "translation_tasks"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    subject: Mapped[TaskSubject] = mapped_column(str_enum(TaskSubject))
    subject_id: Mapped[int] = mapped_column(BigId)
    source_locale: Mapped[str] = mapped_column(String(16))
    target_locale: Mapped[str] = mapped_column(String(16))
    status: Mapped[TaskStatus] = mapped_column(str_enum(TaskStatus), default=TaskStatus.OPEN)
    approval: Mapped[ApprovalMode] = mapped_column(
        str_enum(ApprovalMode), default=ApprovalMode.ORGANISER
    )
    # The organiser who asked: told about each translation (a Telegram id, as roles keep it).
    requested_by_user_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class TaskAssignment(Base):
    """A task offered to one translator, and what they typed."""

    __tablename__ = "task_assignments"
    __table_args__ = (UniqueConstraint("task_id", "translator_member_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    task_id: Mapped[int] = mapped_column(
        ForeignKey("translation_tasks.id", ondelete="CASCADE"), index=True
    )
    # None once the translator erased their data (a published translation's row stays, for
    # the figures, without them).
    translator_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[AssignmentState] = mapped_column(
        str_enum(AssignmentState), default=AssignmentState.OFFERED
    )
    # The typed translation, field by field ({"title": …, "description": …}); a passed field
    # is absent.
    fields: Mapped[dict[str, Any] | None] = mapped_column(JsonData)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

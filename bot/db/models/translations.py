"""Community translators' verdicts on the bot's own texts (the catalogs in locales/).

A verdict never changes what the bot says: a maintainer exports the entries two translators
agree on (`samen texts reviews`) and merges them into the catalog (`make texts-apply-reviews`).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, BigId, UTCDateTime, str_enum, utcnow


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

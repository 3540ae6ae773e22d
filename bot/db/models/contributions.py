"""What community members contribute, and how a community rewards it.

Meeting co-hosts (ambassadors an organiser adds to a meeting, named on the invitation only if
they agree), the contributions log (one row per contribution: automatic rows for co-hosted
meetings, proposals that reached an agenda and accepted translations; self-reported activities
an organiser confirms), a community's allowance settings and the monthly statements produced
for its finance administrator.

Erasure deletes a person's host rows and contributions; a statement already produced keeps its
totals and pseudonymous code and loses the link to the person (`member_id` becomes NULL).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, BigId, JsonData, UTCDateTime, str_enum, utcnow


class ContributionKind(StrEnum):
    TRANSLATION = "translation"  # an accepted translation, with its number of words
    COHOST = "cohost"  # a meeting co-hosted, with its duration
    PROPOSAL = "proposal"  # a proposal that reached an agenda
    ACTIVITY = "activity"  # reported by the person with /contribute: what, when, how long


class ContributionStatus(StrEnum):
    PENDING = "pending"  # waiting for an organiser or coordinator
    CONFIRMED = "confirmed"
    DECLINED = "declined"


class AllowanceMode(StrEnum):
    NONE = "none"  # contributions are logged and thanked, not paid
    FEE = "fee"  # a fixed fee per kind of contribution
    HOURLY = "hourly"  # a volunteer allowance per hour, with monthly and yearly caps


class MeetingHost(Base):
    """An ambassador co-hosting a meeting. `named` is None until they answered whether they
    want to be named as host on the invitation (nobody is named without saying yes)."""

    __tablename__ = "meeting_hosts"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    named: Mapped[bool | None] = mapped_column(Boolean)
    # The name to show when `named`: what the ambassador typed or their Telegram name.
    display_name: Mapped[str | None] = mapped_column(String(120))
    added_by_user_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Contribution(Base):
    __tablename__ = "contributions"
    __table_args__ = (
        Index("ix_contributions_community_id_occurred_at", "community_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    # None only for a row whose person is gone but that must stay (none today: erasure deletes).
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ContributionKind] = mapped_column(str_enum(ContributionKind))
    # What the person did, in their words (activities only).
    what: Mapped[str | None] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    minutes: Mapped[int | None] = mapped_column(Integer)
    words: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[ContributionStatus] = mapped_column(
        str_enum(ContributionStatus), default=ContributionStatus.PENDING
    )
    decided_by_user_id: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposals.id", ondelete="SET NULL")
    )
    # Automatic rows carry a key ("cohost:<meeting>:<member>"), so the same event recorded
    # twice (a job run on two instances, a retried call) is one row.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Allowance(Base):
    """How a community rewards contributions. No amount is built in: a coordinator sets it."""

    __tablename__ = "allowances"

    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    mode: Mapped[AllowanceMode] = mapped_column(
        str_enum(AllowanceMode), default=AllowanceMode.NONE
    )
    hourly_rate_cents: Mapped[int | None] = mapped_column(Integer)
    monthly_cap_cents: Mapped[int | None] = mapped_column(Integer)
    yearly_cap_cents: Mapped[int | None] = mapped_column(Integer)
    # Kind → cents, for mode "fee" ({"cohost": 2500, "activity": 1500}).
    fees: Mapped[dict[str, Any] | None] = mapped_column(JsonData)
    updated_by_user_id: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Statement(Base):
    """One person's line for one month, as produced for the finance administrator."""

    __tablename__ = "statements"
    __table_args__ = (UniqueConstraint("community_id", "month", "code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    # None once the person erased their data: the totals stay, the link goes.
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    code: Mapped[str] = mapped_column(String(32))  # the export's pseudonymous member code
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    activities: Mapped[int] = mapped_column(Integer, default=0)
    amount_cents: Mapped[int] = mapped_column(Integer, default=0)
    # "monthly" or "yearly" when a cap lowered the amount.
    cap_note: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

"""Communities, who belongs to them, and who organises or coordinates them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.base import Base, BigId, UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from bot.db.models.members import Member


class Role(StrEnum):
    ORGANISER = "organiser"
    COORDINATOR = "coordinator"
    AMBASSADOR = "ambassador"


class Community(Base):
    __tablename__ = "communities"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # The opaque code in the deep link t.me/<bot>?start=<code>.
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    default_locale: Mapped[str] = mapped_column(String(16))
    time_zone: Mapped[str] = mapped_column(String(64))
    retention_months: Mapped[int] = mapped_column(Integer, default=24)
    # The usual time to answer a member's message, in working days (shown to members).
    answer_days: Mapped[int] = mapped_column(Integer, default=2, server_default="2")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="community", cascade="all, delete-orphan", passive_deletes=True
    )


class Membership(Base):
    """A member belongs to a community; a member can belong to several."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("member_id", "community_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    community: Mapped[Community] = relationship(back_populates="memberships")
    member: Mapped[Member] = relationship(back_populates="memberships")


class RoleAssignment(Base):
    """A role held by a Telegram user id (never a username: usernames can be changed)."""

    __tablename__ = "role_assignments"
    __table_args__ = (UniqueConstraint("community_id", "telegram_user_id", "role"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role))
    granted_by_user_id: Mapped[int | None] = mapped_column(BigInteger)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

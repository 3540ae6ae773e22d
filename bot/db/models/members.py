"""Members (the people who chat with the bot) and where they are in a dialogue."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.base import Base, BigId, JsonData, UTCDateTime, utcnow

if TYPE_CHECKING:
    from bot.db.models.communities import Membership


class Member(Base):
    """One Telegram user. Before consent only what is needed to answer them is kept:
    the Telegram id, the chosen language and where they are in the dialogue."""

    __tablename__ = "members"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    locale: Mapped[str | None] = mapped_column(String(16))
    # The other languages the member reads, in their order: the fallback chain tries them
    # after `locale` and before the community's language.
    reads_locales: Mapped[list[str] | None] = mapped_column(JsonData)
    time_zone: Mapped[str | None] = mapped_column(String(64))

    # Consent record: which version of the privacy notice was agreed to, and when.
    consent_version: Mapped[int | None] = mapped_column(Integer)
    consent_given_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Stored only after consent, for identifiable exports a coordinator explicitly asks for.
    display_name: Mapped[str | None] = mapped_column(String(255))
    username: Mapped[str | None] = mapped_column(String(64))

    # Profile (optional): what the member wants to learn and could contribute.
    learn_topics: Mapped[list[str] | None] = mapped_column(JsonData)
    offer_topics: Mapped[list[str] | None] = mapped_column(JsonData)
    learn_text: Mapped[str | None] = mapped_column(Text)
    offer_text: Mapped[str | None] = mapped_column(Text)
    municipality: Mapped[str | None] = mapped_column(String(120))
    # Volunteered (/translator) to check the bot's texts in the languages they read.
    translator: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    # /stop: no broadcasts or check-ins until /start. Blocked: Telegram said 403.
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    blocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="member", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def has_consented(self) -> bool:
        return self.consent_given_at is not None

    @property
    def reachable(self) -> bool:
        """May receive broadcasts and check-ins."""
        return self.has_consented and self.stopped_at is None and self.blocked_at is None


class DialogState(Base):
    """Where a member is in a multi-step dialogue; in the database so a restart continues it."""

    __tablename__ = "dialog_states"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    flow: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JsonData, default=dict)
    # Bumped on every change so a stale button from an earlier step can be recognised.
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

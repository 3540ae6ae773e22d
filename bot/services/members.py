"""Members: who someone is to Samen, and which language they are spoken to in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Member
from bot.i18n import find_language, negotiate


async def find_by_telegram_id(session: AsyncSession, telegram_user_id: int) -> Member | None:
    return await session.scalar(select(Member).where(Member.telegram_user_id == telegram_user_id))


async def register_contact(
    session: AsyncSession,
    telegram_user_id: int,
    language_code: str | None,
    default_locale: str,
    now: datetime,
) -> Member:
    """Find or create the member behind a Telegram user.

    Only what is needed to answer them is stored before consent: the Telegram id, the
    language negotiated from Telegram's `language_code`, and when they were last seen.
    """
    member = await find_by_telegram_id(session, telegram_user_id)
    if member is None:
        member = Member(
            telegram_user_id=telegram_user_id,
            locale=negotiate(language_code, default_locale),
            created_at=now,
        )
        session.add(member)
        try:
            await session.flush()
        except IntegrityError:
            # The same user's update raced us on another instance: use their row.
            await session.rollback()
            member = await find_by_telegram_id(session, telegram_user_id)
            assert member is not None
    elif find_language(member.locale) is None:
        member.locale = negotiate(language_code, default_locale)
    member.last_seen_at = now
    await session.commit()
    return member

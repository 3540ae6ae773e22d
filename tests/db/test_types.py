"""Timestamps come back as aware UTC on both engines; foreign keys cascade on both."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from bot.db.models import Community, Member, Membership
from bot.runtime import Runtime


async def test_timestamps_round_trip_as_aware_utc(runtime: Runtime) -> None:
    amsterdam_winter = timezone(timedelta(hours=1))
    moment = datetime(2026, 12, 5, 14, 30, tzinfo=amsterdam_winter)
    async with runtime.sessions() as session:
        session.add(Member(telegram_user_id=910000101, locale="nl", last_seen_at=moment))
        await session.commit()
    async with runtime.sessions() as session:
        member = await session.scalar(select(Member))
        assert member is not None
        assert member.last_seen_at == moment
        assert member.last_seen_at.tzinfo is not None
        assert member.last_seen_at.utcoffset() == timedelta(0)
        assert member.last_seen_at.hour == 13


async def test_naive_datetimes_are_refused(runtime: Runtime) -> None:
    async with runtime.sessions() as session:
        session.add(Member(telegram_user_id=910000102, last_seen_at=datetime(2026, 1, 1)))
        with pytest.raises(Exception, match="naive"):
            await session.commit()


async def test_deleting_a_member_removes_their_memberships(runtime: Runtime) -> None:
    async with runtime.sessions() as session:
        community = Community(
            code="invented", name="Invented", default_locale="nl", time_zone="Europe/Amsterdam"
        )
        member = Member(telegram_user_id=910000103, created_at=datetime.now(UTC))
        session.add_all([community, member])
        await session.flush()
        session.add(Membership(member_id=member.id, community_id=community.id))
        await session.commit()
        await session.delete(member)
        await session.commit()
        assert await session.scalar(select(func.count()).select_from(Membership)) == 0

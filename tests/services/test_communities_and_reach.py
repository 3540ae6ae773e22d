"""Communities and who a broadcast in one may reach."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.db.models import Member
from bot.runtime import Runtime
from bot.services import communities, members


async def test_codes_are_random_url_safe_and_unique(runtime: Runtime) -> None:
    async with runtime.sessions() as session:
        made = [
            await communities.create(
                session,
                name=f"Invented {i}",
                default_locale="nl",
                time_zone="Europe/Amsterdam",
                now=runtime.clock(),
            )
            for i in range(20)
        ]
        await session.commit()
        codes = {c.code for c in made}
        assert len(codes) == 20
        assert all(communities.code_is_well_formed(code) and len(code) == 16 for code in codes)
        assert (await communities.find_by_code(session, made[3].code)).id == made[3].id
        for bad in (None, "", "a b", "x" * 33, "../x", "nope", made[0].code + "\n"):
            assert await communities.find_by_code(session, bad) is None


async def test_create_validates(runtime: Runtime) -> None:
    async with runtime.sessions() as session:
        for kwargs in (
            {"name": " ", "default_locale": "nl", "time_zone": "Europe/Amsterdam"},
            {"name": "X", "default_locale": "pt", "time_zone": "Europe/Amsterdam"},
            {"name": "X", "default_locale": "nl", "time_zone": "Nowhere/Else"},
            {"name": "X", "default_locale": "nl", "time_zone": "UTC", "code": "a b"},
        ):
            with pytest.raises(communities.CommunityError):
                await communities.create(session, now=runtime.clock(), **kwargs)
        dari = await communities.create(
            session, name="X", default_locale="prs", time_zone="Asia/Kabul", now=runtime.clock()
        )
        assert dari.default_locale == "fa-AF"


async def test_reachable_members_are_consented_to_the_current_notice_and_not_stopped(
    runtime: Runtime,
) -> None:
    now = runtime.clock()
    async with runtime.sessions() as session:
        here = await communities.create(
            session, name="Here", default_locale="nl", time_zone="UTC", now=now
        )
        there = await communities.create(
            session, name="There", default_locale="nl", time_zone="UTC", now=now
        )

        def person(n: int, **fields: object) -> Member:
            member = Member(telegram_user_id=940000000 + n, locale="nl", **fields)
            session.add(member)
            return member

        ok = person(1, consent_version=2, consent_given_at=now)
        old_notice = person(2, consent_version=1, consent_given_at=now - timedelta(days=90))
        never = person(3)
        stopped = person(4, consent_version=2, consent_given_at=now, stopped_at=now)
        blocked = person(5, consent_version=2, consent_given_at=now, blocked_at=now)
        elsewhere = person(6, consent_version=2, consent_given_at=now)
        await session.flush()
        for member in (ok, old_notice, never, stopped, blocked):
            assert await communities.join(session, member.id, here.id, now=now)
        assert not await communities.join(session, ok.id, here.id, now=now)
        assert await communities.join(session, elsewhere.id, there.id, now=now)
        assert await communities.join(session, ok.id, there.id, now=now)
        await session.commit()

        reach = await members.reachable_members(session, here.id, 2)
        assert [m.telegram_user_id for m in reach] == [ok.telegram_user_id]
        reach = await members.reachable_members(session, there.id, 2)
        assert sorted(m.id for m in reach) == sorted([ok.id, elsewhere.id])
        assert [c.name for c in await communities.memberships(session, ok.id)] == [
            "Here",
            "There",
        ]

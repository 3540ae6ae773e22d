"""Roles are held by Telegram user ids, per community, and every change is audited."""

from __future__ import annotations

from bot.db.models import Community, Role
from bot.runtime import Runtime
from bot.services import audit
from bot.services.communities import roles

ORGANISER_ID = 920000001
COORDINATOR_ID = 920000002
STRANGER_ID = 920000003
INSTALLATION_COORDINATOR = 920000009


async def make_community(runtime: Runtime, code: str) -> int:
    async with runtime.sessions() as session:
        community = Community(
            code=code, name=f"Invented {code}", default_locale="nl", time_zone="Europe/Amsterdam"
        )
        session.add(community)
        await session.commit()
        return community.id


async def test_a_granted_organiser_may_organise_only_their_community(runtime: Runtime) -> None:
    utrecht = await make_community(runtime, "utrecht")
    zwolle = await make_community(runtime, "zwolle")
    async with runtime.sessions() as session:
        assert await roles.grant(
            session,
            community_id=utrecht,
            telegram_user_id=ORGANISER_ID,
            role=Role.ORGANISER,
            now=runtime.clock(),
            granted_by=COORDINATOR_ID,
        )
        await session.commit()
        assert await roles.has_role(session, ORGANISER_ID, utrecht, Role.ORGANISER)
        assert not await roles.has_role(session, ORGANISER_ID, utrecht, Role.COORDINATOR)
        assert not await roles.has_role(session, ORGANISER_ID, zwolle, Role.ORGANISER)
        assert not await roles.has_role(session, STRANGER_ID, utrecht, Role.ORGANISER)
        found = await roles.communities_for(session, ORGANISER_ID, Role.ORGANISER)
        assert [c.id for c in found] == [utrecht]


async def test_a_coordinator_may_also_organise(runtime: Runtime) -> None:
    utrecht = await make_community(runtime, "utrecht")
    async with runtime.sessions() as session:
        await roles.grant(
            session,
            community_id=utrecht,
            telegram_user_id=COORDINATOR_ID,
            role=Role.COORDINATOR,
            now=runtime.clock(),
        )
        await session.commit()
        assert await roles.has_role(session, COORDINATOR_ID, utrecht, Role.ORGANISER)
        assert await roles.has_role(session, COORDINATOR_ID, utrecht, Role.COORDINATOR)


async def test_installation_coordinators_coordinate_every_community(runtime: Runtime) -> None:
    utrecht = await make_community(runtime, "utrecht")
    zwolle = await make_community(runtime, "zwolle")
    async with runtime.sessions() as session:
        for community in (utrecht, zwolle):
            assert await roles.has_role(
                session,
                INSTALLATION_COORDINATOR,
                community,
                Role.COORDINATOR,
                installation_coordinators={INSTALLATION_COORDINATOR},
            )
        found = await roles.communities_for(
            session,
            INSTALLATION_COORDINATOR,
            Role.COORDINATOR,
            installation_coordinators={INSTALLATION_COORDINATOR},
        )
        assert len(found) == 2


async def test_grant_twice_and_revoke_are_audited_once_each(runtime: Runtime) -> None:
    utrecht = await make_community(runtime, "utrecht")
    async with runtime.sessions() as session:
        kwargs = {
            "community_id": utrecht,
            "telegram_user_id": ORGANISER_ID,
            "role": Role.ORGANISER,
            "now": runtime.clock(),
        }
        assert await roles.grant(session, **kwargs, granted_by=COORDINATOR_ID)
        assert not await roles.grant(session, **kwargs, granted_by=COORDINATOR_ID)
        assert await roles.revoke(session, **kwargs, revoked_by=COORDINATOR_ID)
        assert not await roles.revoke(session, **kwargs, revoked_by=COORDINATOR_ID)
        await session.commit()
        assert not await roles.has_role(session, ORGANISER_ID, utrecht, Role.ORGANISER)
        trail = await audit.events(session, community_id=utrecht)
    assert [e.action for e in trail] == ["role.revoke", "role.grant"]
    assert all(e.actor_user_id == COORDINATOR_ID for e in trail)
    assert trail[0].details == {"role": "organiser"}
    assert trail[0].target == f"user:{ORGANISER_ID}"

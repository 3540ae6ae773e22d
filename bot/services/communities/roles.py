"""Who organises and who coordinates a community, by numeric Telegram user id.

Coordinators named in the settings (`SAMEN_COORDINATOR_IDS`) coordinate every community: they
are how a fresh installation gets its first coordinator. Callers pass them in, so this module
stays free of configuration.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AuditEvent, Community, Member, Membership, Role, RoleAssignment
from bot.services import audit

# A coordinator can do everything an organiser can.
_IMPLIED: dict[Role, set[Role]] = {
    Role.ORGANISER: {Role.ORGANISER, Role.COORDINATOR},
    Role.COORDINATOR: {Role.COORDINATOR},
    # Ambassadors are members of the community; organising does not make someone one.
    Role.AMBASSADOR: {Role.AMBASSADOR},
}

# What the installation's coordinators (SAMEN_COORDINATOR_IDS) are everywhere: staff, not
# ambassadors (an ambassador is a member of one community, with their own contributions).
_INSTALLATION = {Role.ORGANISER, Role.COORDINATOR}

# The dialogue of /addorganiser, /removeorganiser, /addambassador and /removeambassador.
FLOW = "organisers"

# Why someone in a private chat may not use a staff command (the audit's reasons).
NO_ROLE = "no_role"
NOT_COORDINATOR = "not_coordinator"
ROLE_REVOKED = "role_revoked"


async def has_role(
    session: AsyncSession,
    telegram_user_id: int,
    community_id: int,
    role: Role,
    *,
    installation_coordinators: Collection[int] = (),
) -> bool:
    """Whether the user may act as `role` in the community (coordinators may organise)."""
    if telegram_user_id in installation_coordinators and role in _INSTALLATION:
        return True
    found = await session.scalar(
        select(RoleAssignment.id).where(
            RoleAssignment.community_id == community_id,
            RoleAssignment.telegram_user_id == telegram_user_id,
            RoleAssignment.role.in_(_IMPLIED[role]),
        )
    )
    return found is not None


async def communities_for(
    session: AsyncSession,
    telegram_user_id: int,
    role: Role,
    *,
    installation_coordinators: Collection[int] = (),
) -> Sequence[Community]:
    """The communities in which the user may act as `role`, by name."""
    query = select(Community).order_by(Community.name)
    if telegram_user_id not in installation_coordinators or role not in _INSTALLATION:
        query = query.where(
            Community.id.in_(
                select(RoleAssignment.community_id).where(
                    RoleAssignment.telegram_user_id == telegram_user_id,
                    RoleAssignment.role.in_(_IMPLIED[role]),
                )
            )
        )
    return (await session.scalars(query)).all()


async def why_not(session: AsyncSession, telegram_user_id: int, role: Role) -> str:
    """The reason that applies to someone who may not act as `role` anywhere.

    A role that was taken away (the audit trail keeps the revocation) is named first, so a
    former coordinator who still organises hears that, not only that they are no coordinator;
    then an organiser asking for coordinator work; else a stranger to staff work.
    """
    revoked = await session.scalars(
        select(AuditEvent.details).where(
            AuditEvent.action == "role.revoke", AuditEvent.target == f"user:{telegram_user_id}"
        )
    )
    wanted = {r.value for r in _IMPLIED[role]}
    if any(details.get("role") in wanted for details in revoked):
        return ROLE_REVOKED
    if role is Role.COORDINATOR:
        organises = await session.scalar(
            select(RoleAssignment.id)
            .where(
                RoleAssignment.telegram_user_id == telegram_user_id,
                RoleAssignment.role == Role.ORGANISER,
            )
            .limit(1)
        )
        if organises is not None:
            return NOT_COORDINATOR
    return NO_ROLE


async def grant(
    session: AsyncSession,
    *,
    community_id: int,
    telegram_user_id: int,
    role: Role,
    now: datetime,
    granted_by: int | None = None,
) -> bool:
    """Give a role; False when the user already had it. Audited."""
    existing = await session.scalar(
        select(RoleAssignment).where(
            RoleAssignment.community_id == community_id,
            RoleAssignment.telegram_user_id == telegram_user_id,
            RoleAssignment.role == role,
        )
    )
    if existing is not None:
        return False
    session.add(
        RoleAssignment(
            community_id=community_id,
            telegram_user_id=telegram_user_id,
            role=role,
            granted_by_user_id=granted_by,
            granted_at=now,
        )
    )
    await audit.record(
        session,
        "role.grant",
        now=now,
        actor_user_id=granted_by,
        community_id=community_id,
        target=f"user:{telegram_user_id}",
        row_count=1,
        details={"role": role.value},
    )
    return True


async def revoke(
    session: AsyncSession,
    *,
    community_id: int,
    telegram_user_id: int,
    role: Role,
    now: datetime,
    revoked_by: int | None = None,
) -> bool:
    """Take a role away; False when the user did not have it. Audited."""
    result = await session.execute(
        delete(RoleAssignment).where(
            RoleAssignment.community_id == community_id,
            RoleAssignment.telegram_user_id == telegram_user_id,
            RoleAssignment.role == role,
        )
    )
    if not result.rowcount:
        return False
    await audit.record(
        session,
        "role.revoke",
        now=now,
        actor_user_id=revoked_by,
        community_id=community_id,
        target=f"user:{telegram_user_id}",
        row_count=result.rowcount,
        details={"role": role.value},
    )
    return True


async def holders(session: AsyncSession, community_id: int) -> Sequence[RoleAssignment]:
    """Who holds which role in the community, by role then id."""
    found = await session.scalars(
        select(RoleAssignment)
        .where(RoleAssignment.community_id == community_id)
        .order_by(RoleAssignment.role, RoleAssignment.telegram_user_id)
    )
    return found.all()


async def may_organise(
    session: AsyncSession,
    telegram_user_id: int,
    *,
    installation_coordinators: Collection[int] = (),
) -> bool:
    communities = await communities_for(
        session,
        telegram_user_id,
        Role.ORGANISER,
        installation_coordinators=installation_coordinators,
    )
    return bool(communities)


@dataclass(frozen=True)
class Standing:
    """Where one person stands in one community: a member, and the roles they hold."""

    community: str
    member: bool
    roles: tuple[Role, ...]


@dataclass(frozen=True)
class Identity:
    """Who someone is to Samen, by Telegram id (for /whoami; reads only, stores nothing)."""

    telegram_user_id: int
    installation_coordinator: bool
    communities: tuple[Standing, ...]


async def identity(
    session: AsyncSession,
    telegram_user_id: int,
    *,
    installation_coordinators: Collection[int] = (),
) -> Identity:
    """The person's memberships and roles per community, by community name."""
    joined = set(
        await session.scalars(
            select(Membership.community_id)
            .join(Member, Member.id == Membership.member_id)
            .where(Member.telegram_user_id == telegram_user_id)
        )
    )
    held: dict[int, list[Role]] = {}
    for assignment in await session.scalars(
        select(RoleAssignment).where(RoleAssignment.telegram_user_id == telegram_user_id)
    ):
        held.setdefault(assignment.community_id, []).append(assignment.role)
    ids = joined | set(held)
    found = (
        await session.scalars(
            select(Community).where(Community.id.in_(ids)).order_by(Community.name, Community.id)
        )
        if ids
        else []
    )
    return Identity(
        telegram_user_id=telegram_user_id,
        installation_coordinator=telegram_user_id in installation_coordinators,
        communities=tuple(
            Standing(
                community.name,
                community.id in joined,
                tuple(sorted(held.get(community.id, []), key=list(Role).index)),
            )
            for community in found
        ),
    )

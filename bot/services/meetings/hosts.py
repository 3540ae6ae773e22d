"""Ambassadors co-hosting a meeting: an organiser adds them, each is asked whether to be named
as host on the invitation (nobody is named without saying yes), and a co-host sees the
meeting's figures as counts — never a member's individual answers or conversations.

When a co-hosted meeting has ended, the contributions log gets a row per co-host
(`contributions.record_cohosted`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Meeting,
    MeetingHost,
    MeetingStatus,
    Member,
    Membership,
    Role,
    RoleAssignment,
)
from bot.services import audit, outbox

# The dialogue in which an organiser picks the ambassador to add.
FLOW = "cohost"
KIND_ASK = "meeting.host.ask"
PURPOSE_ASK = "meeting.host"
# A name on an invitation is short: what Telegram shows as the first name, cut.
MAX_NAME = 60
# A co-host still sees the figures of a meeting this long after it started.
RECENT = timedelta(days=7)


async def ambassadors_of(session: AsyncSession, community_id: int) -> Sequence[Member]:
    """Members of the community who hold its ambassador role, oldest member first."""
    found = await session.scalars(
        select(Member)
        .join(Membership, Membership.member_id == Member.id)
        .join(RoleAssignment, RoleAssignment.telegram_user_id == Member.telegram_user_id)
        .where(
            Membership.community_id == community_id,
            RoleAssignment.community_id == community_id,
            RoleAssignment.role == Role.AMBASSADOR,
            Member.consent_given_at.is_not(None),
        )
        .order_by(Member.id)
    )
    return found.all()


async def add(
    session: AsyncSession, meeting: Meeting, member_id: int, *, added_by: int, now: datetime
) -> MeetingHost | None:
    """Add an ambassador of the meeting's community as co-host and ask them, through the
    outbox, whether to be named; None when they are no ambassador there (or already host)."""
    if meeting.status != MeetingStatus.SCHEDULED:
        return None
    if member_id not in {m.id for m in await ambassadors_of(session, meeting.community_id)}:
        return None
    existing = await session.scalar(
        select(MeetingHost).where(
            MeetingHost.meeting_id == meeting.id, MeetingHost.member_id == member_id
        )
    )
    if existing is not None:
        return None
    host = MeetingHost(
        meeting_id=meeting.id, member_id=member_id, added_by_user_id=added_by, created_at=now
    )
    session.add(host)
    await session.flush()
    member = await session.get(Member, member_id)
    assert member is not None
    await outbox.enqueue(
        session,
        purpose=PURPOSE_ASK,
        dedupe_key=f"host-ask:{host.id}",
        member_id=member.id,
        chat_id=member.telegram_user_id,
        payload={"kind": KIND_ASK, "host_id": host.id},
    )
    await audit.record(
        session,
        "meeting.cohost",
        now=now,
        actor_user_id=added_by,
        community_id=meeting.community_id,
        target=f"meeting:{meeting.id}",
        row_count=1,
    )
    return host


async def answer(
    session: AsyncSession, host_id: int, member_id: int, *, named: bool, name: str | None
) -> MeetingHost | None:
    """The co-host's own answer (None for someone else's button): named with `name`, or not."""
    host = await session.get(MeetingHost, host_id)
    if host is None or host.member_id != member_id:
        return None
    clean = " ".join((name or "").split())[:MAX_NAME]
    host.named = named and bool(clean)
    host.display_name = clean if host.named else None
    await session.flush()
    return host


async def get(session: AsyncSession, host_id: int) -> MeetingHost | None:
    return await session.get(MeetingHost, host_id)


async def named(session: AsyncSession, meeting_id: int) -> list[str]:
    """The names to show on the invitation: co-hosts who said yes, in the order added."""
    found = await session.scalars(
        select(MeetingHost.display_name)
        .where(MeetingHost.meeting_id == meeting_id, MeetingHost.named.is_(True))
        .order_by(MeetingHost.id)
    )
    return [name for name in found if name]


async def cohosted(session: AsyncSession, member_id: int, *, now: datetime) -> Sequence[Meeting]:
    """The scheduled meetings the member co-hosts, from a week ago on, soonest first."""
    found = await session.scalars(
        select(Meeting)
        .join(MeetingHost, MeetingHost.meeting_id == Meeting.id)
        .where(
            MeetingHost.member_id == member_id,
            Meeting.status == MeetingStatus.SCHEDULED,
            Meeting.starts_at > now - RECENT,
        )
        .order_by(Meeting.starts_at, Meeting.id)
    )
    return found.all()

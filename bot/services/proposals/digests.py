"""The daily digest: invited members hear about newly accepted proposals at most once a day,
in one message with their support buttons, never in their quiet hours, through the outbox.

Each member has a watermark (`ProposalDigest`): when they were last told. Moving it is a
conditional update from the value read, and the outbox key names the member and the day, so
two instances (or a job run twice) send one digest, not two.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Community,
    Meeting,
    MeetingStatus,
    Member,
    Proposal,
    ProposalDigest,
    ProposalStatus,
)
from bot.services import outbox
from bot.services.meetings import invitations
from bot.services.members import privacy
from bot.services.outbox import _insert_for
from bot.services.timing import QuietHours

PURPOSE = "proposals.digest"
KIND = "proposals.digest"
EVERY = timedelta(days=1)
QUIET = QuietHours()


async def _mark(session: AsyncSession, member_id: int) -> ProposalDigest:
    insert = _insert_for(session)
    await session.execute(
        insert(ProposalDigest)
        .values(member_id=member_id, last_proposal_id=0)
        .on_conflict_do_nothing(index_elements=["member_id"])
    )
    row = await session.get(ProposalDigest, member_id, populate_existing=True)
    assert row is not None
    return row


async def queue_due(session: AsyncSession, *, now: datetime) -> int:
    """Queue the digests that are due now; returns how many. The caller commits."""
    open_meetings = list(
        await session.scalars(
            select(Meeting)
            .where(Meeting.status == MeetingStatus.SCHEDULED, Meeting.starts_at > now)
            .where(
                select(Proposal.id)
                .where(
                    Proposal.meeting_id == Meeting.id,
                    Proposal.status == ProposalStatus.ACCEPTED,
                )
                .exists()
            )
            .order_by(Meeting.starts_at)
        )
    )
    # member id → the meetings with accepted proposals they were invited to
    wanted: dict[int, list[Meeting]] = {}
    for meeting in open_meetings:
        for member_id in await invitations.invited_ids(session, meeting.id):
            wanted.setdefault(member_id, []).append(meeting)
    queued = 0
    for member_id, meetings in sorted(wanted.items()):
        member = await session.get(Member, member_id)
        if member is None or not member.reachable:
            continue
        if member.consent_version != privacy.current_notice_version():
            continue
        mark = await _mark(session, member_id)
        since = mark.last_sent_at
        if since is not None and now - since < EVERY:
            continue
        fresh = list(
            await session.execute(
                select(Proposal.meeting_id, Proposal.id).where(
                    Proposal.meeting_id.in_([m.id for m in meetings]),
                    Proposal.status == ProposalStatus.ACCEPTED,
                    *(() if since is None else (Proposal.decided_at > since,)),
                )
            )
        )
        if not fresh:
            continue
        community = await session.get(Community, meetings[0].community_id)
        assert community is not None
        zone = ZoneInfo(member.time_zone or community.time_zone)
        if QUIET.contains(now.astimezone(zone).time()):
            continue
        moved = await session.execute(
            update(ProposalDigest)
            .where(
                ProposalDigest.member_id == member_id,
                ProposalDigest.last_sent_at.is_(None)
                if since is None
                else ProposalDigest.last_sent_at == since,
            )
            .values(last_sent_at=now, last_proposal_id=max(pid for _, pid in fresh))
            .execution_options(synchronize_session=False)
        )
        if not moved.rowcount:
            continue  # another instance sent it a moment ago
        meeting_ids = sorted({mid for mid, _ in fresh}, key=[m.id for m in meetings].index)
        if await outbox.enqueue(
            session,
            purpose=PURPOSE,
            dedupe_key=f"proposal-digest:{member_id}:{now.date().isoformat()}",
            member_id=member_id,
            chat_id=member.telegram_user_id,
            payload={"kind": KIND, "meeting_ids": meeting_ids},
        ):
            queued += 1
    return queued

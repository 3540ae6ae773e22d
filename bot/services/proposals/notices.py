"""Telling organisers that members proposed topics, batched like the inbox notices: one
notice per organiser per few minutes, with a count, never in their quiet hours, through the
outbox. The watermark (the newest proposal they were told about) moves with a conditional
update, so two instances queue one notice, not two."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Community,
    InboxOrganiser,
    Proposal,
    ProposalPurpose,
    ProposalStatus,
    Role,
    RoleAssignment,
)
from bot.services import outbox
from bot.services.conversations.notices import EVERY, QUIET, NoticeRun, _recipient, _watermark

# Outbox purposes that start with "staff." go to staff: no member consent is asked of them.
PURPOSE = "staff.proposals"
KIND = "proposals.notice"


async def queue_due(
    session: AsyncSession, *, now: datetime, community_ids: Collection[int] | None = None
) -> NoticeRun:
    """Queue the proposal notices that are due now; the caller commits."""
    organisers = select(RoleAssignment.telegram_user_id, RoleAssignment.community_id).where(
        RoleAssignment.role.in_([Role.ORGANISER, Role.COORDINATOR])
    )
    if community_ids is not None:
        users = select(RoleAssignment.telegram_user_id).where(
            RoleAssignment.community_id.in_(list(community_ids))
        )
        organisers = organisers.where(RoleAssignment.telegram_user_id.in_(users))
    scopes: dict[int, set[int]] = {}
    for user_id, community_id in (await session.execute(organisers)).all():
        scopes.setdefault(user_id, set()).add(community_id)
    queued = deferred = 0
    for user_id, scope in sorted(scopes.items()):
        mark = await _watermark(session, user_id)
        count, newest = (
            await session.execute(
                select(func.count(Proposal.id), func.max(Proposal.id)).where(
                    Proposal.community_id.in_(scope),
                    # Topics for meetings; check-in questions wait in /questions.
                    Proposal.purpose == ProposalPurpose.AGENDA,
                    Proposal.status == ProposalStatus.NEW,
                    Proposal.id > mark.last_proposal_id,
                )
            )
        ).one()
        if not count:
            continue
        community = await session.scalar(
            select(Community).where(Community.id.in_(scope)).order_by(Community.id).limit(1)
        )
        assert community is not None
        member = await _recipient(session, user_id, community.default_locale, now)
        zone = ZoneInfo(member.time_zone or community.time_zone)
        last = mark.last_proposal_notice_at
        if (last is not None and now - last < EVERY) or QUIET.contains(
            now.astimezone(zone).time()
        ):
            deferred += 1
            continue
        moved = await session.execute(
            update(InboxOrganiser)
            .where(
                InboxOrganiser.telegram_user_id == user_id,
                InboxOrganiser.last_proposal_id == mark.last_proposal_id,
            )
            .values(last_proposal_id=newest, last_proposal_notice_at=now)
            .execution_options(synchronize_session=False)
        )
        if not moved.rowcount:
            continue  # another instance told them a moment ago
        if await outbox.enqueue(
            session,
            purpose=PURPOSE,
            dedupe_key=f"proposals-notice:{member.id}:{newest}",
            member_id=member.id,
            chat_id=user_id,
            payload={"kind": KIND, "proposals": int(count)},
        ):
            queued += 1
    return NoticeRun(queued, deferred)

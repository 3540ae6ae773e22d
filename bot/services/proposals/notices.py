"""Telling organisers that members proposed topics, batched like the inbox notices: one
notice per organiser per few minutes, with a count, never in their quiet hours, through the
outbox. The watermark (the newest proposal they were told about) moves with a conditional
update, so two instances queue one notice, not two."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    InboxOrganiser,
    Proposal,
    ProposalPurpose,
    ProposalStatus,
)
from bot.services import outbox
from bot.services.conversations.notices import (
    NoticeRun,
    due_recipient,
    organiser_scopes,
    watermark,
)

# Outbox purposes that start with "staff." go to staff: no member consent is asked of them.
PURPOSE = "staff.proposals"
KIND = "proposals.notice"


async def queue_due(
    session: AsyncSession, *, now: datetime, community_ids: Collection[int] | None = None
) -> NoticeRun:
    """Queue the proposal notices that are due now; the caller commits."""
    queued = deferred = 0
    for user_id, scope in sorted((await organiser_scopes(session, community_ids)).items()):
        mark = await watermark(session, user_id)
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
        member = await due_recipient(
            session, user_id, scope, mark.last_proposal_notice_at, now=now
        )
        if member is None:
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

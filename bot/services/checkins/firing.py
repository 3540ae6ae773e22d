"""Firing due check-ins: each pass takes what is due, decides per row, queues in bulk."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    CheckIn,
    CheckInKind,
    CheckInState,
    Community,
    Meeting,
    MeetingStatus,
    Member,
)
from bot.services import outbox
from bot.services.checkins import (
    CLAIM_LIMIT,
    KIND,
    PURPOSE,
    member_zone,
)
from bot.services.checkins import schedules as checkin_schedules
from bot.services.checkins.schedules import Schedule
from bot.services.intake import AFTER_WINDOW
from bot.services.outbox import claims as outbox_claims

# --- firing --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fired:
    queued: int = 0
    skipped: int = 0
    deferred: int = 0  # fell in quiet hours: pushed to the next allowed moment


async def fire_due(session: AsyncSession, *, now: datetime, limit: int = CLAIM_LIMIT) -> Fired:
    """Claim the due rows and queue them in the outbox, in one transaction; commits.

    PostgreSQL locks the claimed rows with FOR UPDATE SKIP LOCKED, so another instance claims
    other rows; SQLite's BEGIN IMMEDIATE lets one writer at a time run this. A reminder for a
    meeting that has begun (or a cancelled one), and a follow-up whose window has closed, is
    recorded as skipped instead of sent; one whose moment falls in the member's quiet hours
    (after a restart in the night) waits for the morning.
    """
    claim = (
        select(CheckIn)
        .where(CheckIn.state == CheckInState.PENDING, CheckIn.due_at <= now)
        .order_by(CheckIn.due_at)
        .limit(limit)
        # PostgreSQL: rows another instance holds are skipped; SQLite renders nothing here.
        .with_for_update(skip_locked=True)
    )
    rows = list(await session.scalars(claim))
    if not rows:
        await session.commit()
        return Fired()
    # What the verdicts need, loaded once for the whole pass rather than once per row.
    found = _Loaded(
        members=await _by_id(session, Member, {r.member_id for r in rows}),
        meetings=await _by_id(session, Meeting, {r.meeting_id for r in rows if r.meeting_id}),
        communities=await _by_id(session, Community, {r.community_id for r in rows}),
    )
    for community_id in found.communities:
        found.schedules[community_id] = await checkin_schedules.get(session, community_id)
    queued = skipped = deferred = 0
    messages = []
    for row in rows:
        verdict = _verdict(row, found, now)
        if isinstance(verdict, datetime):
            row.due_at = verdict
            deferred += 1
        elif verdict is not None:
            row.state, row.reason, row.fired_at = CheckInState.SKIPPED, verdict, now
            skipped += 1
        else:
            member = found.members[row.member_id]
            messages.append((row.id, member.id, member.telegram_user_id))
            row.state, row.fired_at = CheckInState.QUEUED, now
            queued += 1
    await outbox.enqueue_many(
        session,
        purpose=PURPOSE,
        messages=[
            (f"checkin:{checkin_id}", member_id, chat_id, {"kind": KIND, "checkin_id": checkin_id})
            for checkin_id, member_id, chat_id in messages
        ],
        now=now,
    )
    await session.commit()
    return Fired(queued, skipped, deferred)


@dataclass
class _Loaded:
    members: dict[int, Member]
    meetings: dict[int, Meeting]
    communities: dict[int, Community]
    schedules: dict[int, Schedule] = field(default_factory=dict)


async def _by_id(session: AsyncSession, model: Any, ids: set[int]) -> dict[int, Any]:
    if not ids:
        return {}
    return {row.id: row for row in await session.scalars(select(model).where(model.id.in_(ids)))}


def _verdict(row: CheckIn, found: _Loaded, now: datetime) -> str | datetime | None:
    """None to send now, a reason to skip, or the moment to wait for (quiet hours)."""
    member = found.members.get(row.member_id)
    if member is None or outbox_claims.unreachable_reason(member) is not None:
        return "member_unreachable"
    meeting = found.meetings.get(row.meeting_id) if row.meeting_id is not None else None
    if row.meeting_id is not None:
        if meeting is None or meeting.status == MeetingStatus.CANCELLED:
            return "meeting_cancelled"
        if row.kind == CheckInKind.REMINDER and now >= meeting.starts_at:
            return "meeting_started"
        end = meeting.ends_at or meeting.starts_at
        if row.kind == CheckInKind.FOLLOWUP and now >= end + AFTER_WINDOW:
            return "too_late"
    community = found.communities[row.community_id]
    zone = member_zone(member, community)
    allowed = found.schedules[community.id].quiet.next_allowed(now, zone)
    if allowed > now:
        if (
            row.kind == CheckInKind.REMINDER
            and meeting is not None
            and allowed >= meeting.starts_at
        ):
            return "meeting_started"
        return allowed
    return None


# --- what organisers see -------------------------------------------------------------------------


async def counts(
    session: AsyncSession, community_id: int
) -> dict[tuple[CheckInKind, CheckInState], int]:
    rows = await session.execute(
        select(CheckIn.kind, CheckIn.state, func.count())
        .where(CheckIn.community_id == community_id)
        .group_by(CheckIn.kind, CheckIn.state)
    )
    return {(CheckInKind(k), CheckInState(s)): n for k, s, n in rows}


async def next_due(session: AsyncSession, community_id: int) -> datetime | None:
    return await session.scalar(
        select(func.min(CheckIn.due_at)).where(
            CheckIn.community_id == community_id, CheckIn.state == CheckInState.PENDING
        )
    )

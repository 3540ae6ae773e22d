"""Moving and cancelling a meeting, and what follows: check-ins, notices to invitees, audit.

A workflow above meetings and check-ins: check-ins are about meetings, and a change to a
meeting moves or cancels its check-ins, so this lives beside both instead of inside either.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Meeting, MeetingStatus, Rsvp, RsvpStatus
from bot.services import audit, checkins, meetings, outbox

PURPOSE_CHANGE = "meeting_change"
KIND_CHANGE = "meeting_change"


async def move(
    session: AsyncSession,
    meeting: Meeting,
    starts_local: datetime,
    *,
    now: datetime,
    actor_user_id: int | None = None,
) -> int:
    """Move the meeting (same duration), tell the invitees; returns how many are told.

    The version bump lets check-ins scheduled for the old time recognise themselves as stale.
    """
    if meeting.status != MeetingStatus.SCHEDULED:
        raise meetings.MeetingError("cancelled", "the meeting was cancelled")
    starts_at = meetings.local_to_utc(starts_local, meeting.time_zone)
    if starts_at <= now:
        raise meetings.MeetingError("in_the_past", "the meeting would start in the past")
    duration = (
        meeting.ends_at or meeting.starts_at + meetings.DEFAULT_DURATION
    ) - meeting.starts_at
    deadline_before = meeting.starts_at - (meeting.input_deadline or meeting.starts_at)
    meeting.starts_at = starts_at
    meeting.ends_at = starts_at + duration
    meeting.input_deadline = max(starts_at - deadline_before, now)
    meeting.version += 1
    meeting.updated_at = now
    await session.flush()
    return await _changed(session, meeting, "moved", now=now, actor_user_id=actor_user_id)


async def cancel(
    session: AsyncSession, meeting: Meeting, *, now: datetime, actor_user_id: int | None = None
) -> int:
    """Cancel the meeting, its reminders and its not-yet-sent invitations; tell invitees."""
    if meeting.status == MeetingStatus.CANCELLED:
        raise meetings.MeetingError("cancelled", "the meeting was cancelled already")
    meeting.status = MeetingStatus.CANCELLED
    meeting.version += 1
    meeting.updated_at = now
    await session.flush()
    await outbox.skip_queued(
        session,
        dedupe_prefix=meetings.invitation_prefix(meeting.id),
        reason=outbox.Reason.OBSOLETE,
        now=now,
    )
    return await _changed(session, meeting, "cancelled", now=now, actor_user_id=actor_user_id)


async def _changed(
    session: AsyncSession,
    meeting: Meeting,
    change: str,
    *,
    now: datetime,
    actor_user_id: int | None,
) -> int:
    """After a move or a cancellation: check-ins follow, invitees are told, it is audited."""
    if change == "moved":
        await checkins.on_meeting_moved(session, meeting, now=now)
    else:
        await checkins.on_meeting_cancelled(session, meeting, now=now)
    told = await _tell_invitees(session, meeting, change, now)
    await audit.record(
        session,
        "meeting.move" if change == "moved" else "meeting.cancel",
        now=now,
        actor_user_id=actor_user_id,
        community_id=meeting.community_id,
        target=f"meeting:{meeting.id}",
        row_count=told,
    )
    return told


async def _tell_invitees(
    session: AsyncSession, meeting: Meeting, change: str, now: datetime
) -> int:
    """Queue a change notice for everyone whose invitation went out and who has not said
    they are not going. Rendered at send time in each member's language."""
    recipients = await outbox.recipients_of(
        session,
        dedupe_prefix=meetings.invitation_prefix(meeting.id),
        states=(outbox.OutboxState.SENT, outbox.OutboxState.SENDING),
    )
    declined = set(
        await session.scalars(
            select(Rsvp.member_id).where(
                Rsvp.meeting_id == meeting.id, Rsvp.status == RsvpStatus.NOT_GOING
            )
        )
    )
    told = 0
    for member_id, chat_id in recipients:
        if member_id in declined:
            continue
        told += await outbox.enqueue(
            session,
            purpose=PURPOSE_CHANGE,
            dedupe_key=f"{PURPOSE_CHANGE}:{meeting.id}:v{meeting.version}:{member_id}",
            member_id=member_id,
            chat_id=chat_id,
            payload={"kind": KIND_CHANGE, "meeting_id": meeting.id, "change": change},
        )
    return told

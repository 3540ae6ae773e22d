"""Check-in hooks the meeting services call. The scheduling itself lands with «Check-ins»;
until then a moved or cancelled meeting's pending check-ins are cancelled."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import CheckIn, CheckInState, Meeting, RsvpStatus


async def on_rsvp(
    session: AsyncSession, *, meeting: Meeting, member_id: int, status: RsvpStatus, now: datetime
) -> None:
    return None


async def _cancel(session: AsyncSession, meeting: Meeting, reason: str) -> None:
    await session.execute(
        update(CheckIn)
        .where(CheckIn.meeting_id == meeting.id, CheckIn.state == CheckInState.PENDING)
        .values(state=CheckInState.CANCELLED, reason=reason)
    )


async def on_meeting_moved(session: AsyncSession, meeting: Meeting, *, now: datetime) -> None:
    await _cancel(session, meeting, "meeting_moved")


async def on_meeting_cancelled(session: AsyncSession, meeting: Meeting, *, now: datetime) -> None:
    await _cancel(session, meeting, "meeting_cancelled")

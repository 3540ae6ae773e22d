"""Who is coming: a member's RSVP, changeable until the meeting starts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import MeetingStatus, Member, Rsvp, RsvpStatus
from bot.services import checkins, intake, meetings


@dataclass(frozen=True)
class RsvpResult:
    ok: bool
    reason: str | None = None  # started | cancelled | gone (also: another community's)
    status: RsvpStatus | None = None
    changed: bool = False
    title: str = ""  # the meeting's title in the member's language (along the fallback chain)
    # Coming (or maybe), input still open, questions to ask and none answered yet: the
    # member is asked for input straight away.
    wants_input: bool = False


async def respond(
    session: AsyncSession, member: Member, meeting_id: int, status: RsvpStatus, *, now: datetime
) -> RsvpResult:
    """Record the member's answer; allowed until the meeting starts."""
    meeting = await meetings.for_member(session, member.id, meeting_id)
    if meeting is None:
        return RsvpResult(False, "gone")
    if meeting.status == MeetingStatus.CANCELLED:
        return RsvpResult(False, "cancelled")
    if now >= meeting.starts_at:
        return RsvpResult(False, "started")
    row = await session.scalar(
        select(Rsvp).where(Rsvp.meeting_id == meeting.id, Rsvp.member_id == member.id)
    )
    changed = row is None or row.status != status
    if row is None:
        row = Rsvp(meeting_id=meeting.id, member_id=member.id, status=status, updated_at=now)
        session.add(row)
    else:
        row.status, row.updated_at = status, now
    await session.flush()
    if changed:
        await checkins.on_rsvp(
            session, meeting=meeting, member_id=member.id, status=status, now=now
        )
    title = (
        await meetings.text_in(session, meeting, member.locale, reads=member.reads_locales)
    ).title
    wants_input = (
        status != RsvpStatus.NOT_GOING
        and meetings.is_open_for_input(meeting, now)
        and await intake.status_of(session, member.id, meeting.id) is None
        and bool(await meetings.questions_of(session, meeting.id))
    )
    return RsvpResult(True, status=status, changed=changed, title=title, wants_input=wants_input)


async def of_member(session: AsyncSession, member_id: int, meeting_id: int) -> RsvpStatus | None:
    return await session.scalar(
        select(Rsvp.status).where(Rsvp.meeting_id == meeting_id, Rsvp.member_id == member_id)
    )


async def counts(session: AsyncSession, meeting_id: int) -> Counter[RsvpStatus]:
    rows = await session.execute(
        select(Rsvp.status, func.count())
        .where(Rsvp.meeting_id == meeting_id)
        .group_by(Rsvp.status)
    )
    return Counter({RsvpStatus(status): n for status, n in rows})

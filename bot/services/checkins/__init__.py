"""Check-ins: reminders before a meeting, the follow-up after it, long-term check-ins and a
friendly word to people who drifted away. Rows, not timers.

The service that owns a trigger plans the rows (an RSVP, a moved or cancelled meeting, the
periodic scans); `fire_due` claims the due ones and queues them in the outbox in the same
transaction, so a check-in is queued once even with several instances. Due times are UTC,
computed from local wall-clock times in the member's zone (DST-safe, `timing`), and quiet
hours push a check-in to the next allowed moment.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    CheckIn,
    CheckInKind,
    CheckInState,
    Community,
    Meeting,
    MeetingStatus,
    Member,
    Membership,
    Proposal,
    Question,
    QuestionStage,
    QuestionText,
    Rsvp,
    RsvpStatus,
)
from bot.i18n import Catalogs
from bot.services import meetings, members
from bot.services.checkins import schedules as checkin_schedules
from bot.services.checkins.schedules import Schedule
from bot.services.intake.questions import DEFAULT_AFTER, DEFAULT_LONGTERM, default_drafts
from bot.services.members import privacy
from bot.services.timing import add_months, at_local_time

PURPOSE = "checkin"
KIND = "checkin"
CLAIM_LIMIT = 500


@dataclass(frozen=True)
class Planned:
    kind: CheckInKind
    due_at: datetime
    key: str
    meeting_id: int | None = None


def insert_statement(session: AsyncSession) -> Any:
    bind = session.bind
    return (
        postgresql.insert
        if bind is not None and bind.dialect.name == "postgresql"
        else sqlite.insert
    )


def member_zone(member: Member | None, community: Community) -> ZoneInfo:
    return ZoneInfo((member.time_zone if member else None) or community.time_zone)


def row_values(
    member_id: int, community_id: int, rows: Iterable[Planned], now: datetime
) -> list[dict[str, Any]]:
    return [
        {
            "member_id": member_id,
            "community_id": community_id,
            "meeting_id": row.meeting_id,
            "kind": row.kind,
            "due_at": row.due_at,
            "version": 1,
            "state": CheckInState.PENDING,
            "dedupe_key": row.key,
            "created_at": now,
        }
        for row in rows
    ]


async def _plan(
    session: AsyncSession,
    member_id: int,
    community_id: int,
    rows: Iterable[Planned],
    now: datetime,
    *,
    revive: bool = True,
) -> int:
    """Insert the planned rows; a pending one planned before is left alone. With `revive` a
    cancelled one comes back (a member who said Not going and then Going again); the scans,
    which run again and again, never revive what was cancelled."""
    values = row_values(member_id, community_id, rows, now)
    if not values:
        return 0
    insert = insert_statement(session)(CheckIn).values(values)
    if revive:
        statement = insert.on_conflict_do_update(
            index_elements=["dedupe_key"],
            set_={"state": CheckInState.PENDING, "reason": None, "due_at": insert.excluded.due_at},
            where=CheckIn.state == CheckInState.CANCELLED,
        )
    else:
        statement = insert.on_conflict_do_nothing(index_elements=["dedupe_key"])
    result = await session.execute(statement)
    return result.rowcount or 0


# --- meetings -----------------------------------------------------------------------------------


def meeting_rows(
    meeting: Meeting, member: Member, community: Community, schedule: Schedule, now: datetime
) -> list[Planned]:
    """A member's reminders before the meeting and the follow-up after it."""
    zone = member_zone(member, community)
    rows = []
    offsets = meeting.reminder_offsets or schedule.reminder_offsets
    for minutes in offsets:
        due = schedule.quiet.next_allowed(meeting.starts_at - timedelta(minutes=minutes), zone)
        if now < due < meeting.starts_at:
            rows.append(
                Planned(
                    CheckInKind.REMINDER,
                    due,
                    f"reminder:{meeting.id}:v{meeting.version}:{member.id}:{minutes}",
                    meeting.id,
                )
            )
    end = (meeting.ends_at or meeting.starts_at).astimezone(zone)
    day = end.date() + timedelta(days=schedule.followup_days)
    followup = schedule.quiet.next_allowed(at_local_time(day, schedule.followup_time, zone), zone)
    followup = max(followup, meeting.ends_at or meeting.starts_at)
    rows.append(
        Planned(
            CheckInKind.FOLLOWUP,
            followup,
            f"followup:{meeting.id}:v{meeting.version}:{member.id}",
            meeting.id,
        )
    )
    return rows


async def _cancel(session: AsyncSession, reason: str, *where: Any) -> int:
    result = await session.execute(
        update(CheckIn)
        .where(CheckIn.state == CheckInState.PENDING, *where)
        .values(state=CheckInState.CANCELLED, reason=reason)
    )
    return result.rowcount or 0


async def on_rsvp(
    session: AsyncSession, *, meeting: Meeting, member_id: int, status: RsvpStatus, now: datetime
) -> None:
    """Going or Maybe: plan reminders and the follow-up. Not going: cancel them."""
    if status == RsvpStatus.NOT_GOING:
        await _cancel(
            session, "not_going", CheckIn.meeting_id == meeting.id, CheckIn.member_id == member_id
        )
        return
    member = await session.get(Member, member_id)
    community = await session.get(Community, meeting.community_id)
    if member is None or community is None:
        return
    schedule = await checkin_schedules.get(session, community.id)
    await _plan(
        session,
        member_id,
        community.id,
        meeting_rows(meeting, member, community, schedule, now),
        now,
    )


async def _coming(session: AsyncSession, meeting_id: int) -> Sequence[Member]:
    found = await session.scalars(
        select(Member)
        .join(Rsvp, Rsvp.member_id == Member.id)
        .where(
            Rsvp.meeting_id == meeting_id,
            Rsvp.status.in_([RsvpStatus.GOING, RsvpStatus.MAYBE]),
        )
    )
    return found.all()


async def on_meeting_moved(session: AsyncSession, meeting: Meeting, *, now: datetime) -> None:
    """The old version's rows are cancelled; everyone coming gets rows for the new time."""
    await _cancel(
        session,
        "meeting_moved",
        CheckIn.meeting_id == meeting.id,
        CheckIn.dedupe_key.not_like(f"%:{meeting.id}:v{meeting.version}:%"),
    )
    community = await session.get(Community, meeting.community_id)
    if community is None:
        return
    schedule = await checkin_schedules.get(session, community.id)
    for member in await _coming(session, meeting.id):
        rows = meeting_rows(meeting, member, community, schedule, now)
        await _plan(session, member.id, community.id, rows, now)


async def on_meeting_cancelled(session: AsyncSession, meeting: Meeting, *, now: datetime) -> None:
    await _cancel(session, "meeting_cancelled", CheckIn.meeting_id == meeting.id)


# --- the periodic scans --------------------------------------------------------------------------


async def plan_longterm(session: AsyncSession, catalogs: Catalogs, *, now: datetime) -> int:
    """Long-term check-ins after each member's last attended meeting (a Going RSVP for a
    meeting that has ended) or the programme's end, whichever is later. A newer anchor
    replaces the pending rows of an older one. Returns how many rows were planned."""
    attended = await session.execute(
        select(Rsvp.member_id, Meeting.community_id, func.max(Meeting.ends_at))
        .join(Meeting, Meeting.id == Rsvp.meeting_id)
        .where(
            Rsvp.status == RsvpStatus.GOING,
            Meeting.status == MeetingStatus.SCHEDULED,
            Meeting.ends_at <= now,
        )
        .group_by(Rsvp.member_id, Meeting.community_id)
    )
    last: dict[tuple[int, int], datetime | None] = {(m, c): end for m, c, end in attended}
    communities = {c.id: c for c in await session.scalars(select(Community))}
    schedules = {cid: await checkin_schedules.get(session, cid) for cid in communities}
    with_programme = [cid for cid, s in schedules.items() if s.programme_end is not None]
    if with_programme:
        for member_id, community_id in await session.execute(
            select(Membership.member_id, Membership.community_id).where(
                Membership.community_id.in_(with_programme)
            )
        ):
            last.setdefault((member_id, community_id), None)
    planned = 0
    for (member_id, community_id), attended_end in last.items():
        community, schedule = communities[community_id], schedules[community_id]
        member = await session.get(Member, member_id)
        if member is None or not schedule.longterm_months:
            continue
        zone = member_zone(member, community)
        anchors = []
        if attended_end is not None:
            anchors.append((attended_end, f"a{int(attended_end.timestamp())}"))
        if schedule.programme_end is not None:
            programme = at_local_time(schedule.programme_end, schedule.followup_time, zone)
            anchors.append((programme, f"p{schedule.programme_end.isoformat()}"))
        anchor, label = max(anchors)
        await ensure_longterm_questions(session, community_id, catalogs)
        prefix = f"longterm:{community_id}:{member_id}:"
        await _cancel(
            session,
            "superseded",
            CheckIn.member_id == member_id,
            CheckIn.kind == CheckInKind.LONGTERM,
            CheckIn.dedupe_key.like(f"{prefix}%"),
            CheckIn.dedupe_key.not_like(f"{prefix}{label}:%"),
        )
        rows = [
            Planned(
                CheckInKind.LONGTERM,
                schedule.quiet.next_allowed(add_months(anchor, months, zone), zone),
                f"{prefix}{label}:{months}",
            )
            for months in schedule.longterm_months
        ]
        planned += await _plan(session, member_id, community_id, rows, now, revive=False)
    return planned


async def ensure_longterm_questions(
    session: AsyncSession, community_id: int, catalogs: Catalogs
) -> None:
    """The community's long-term questions (the default three, in every language) exist."""
    exists = await session.scalar(
        select(Question.id).where(
            Question.community_id == community_id,
            Question.meeting_id.is_(None),
            Question.stage == QuestionStage.AFTER,
            # A member-proposed question («Co-ownership») does not stand in for the defaults.
            ~select(Proposal.id).where(Proposal.question_id == Question.id).exists(),
        )
    )
    if exists is not None:
        return
    for position, draft in enumerate(default_drafts(catalogs, DEFAULT_LONGTERM)):
        question = Question(
            community_id=community_id,
            meeting_id=None,
            stage=QuestionStage.AFTER,
            position=position,
            kind=draft.kind,
            required=False,
            source_locale="en",
        )
        question.texts = [
            QuestionText(locale=tag, prompt=prompt) for tag, prompt in draft.prompts.items()
        ]
        session.add(question)
    await session.flush()


async def questions_for(
    session: AsyncSession, checkin_id: int, member: Member, catalogs: Catalogs
) -> CheckIn | None:
    """The member's own follow-up or long-term check-in, with its questions made sure of (a
    meeting without follow-up questions of its own asks the default ones)."""
    row = await session.get(CheckIn, checkin_id)
    if row is None or row.member_id != member.id:
        return None
    if row.kind not in (CheckInKind.FOLLOWUP, CheckInKind.LONGTERM):
        return None
    if row.meeting_id is None:
        await ensure_longterm_questions(session, row.community_id, catalogs)
        return row
    meeting = await session.get(Meeting, row.meeting_id)
    if meeting is None:
        return None
    if not await meetings.questions_of(session, meeting.id, QuestionStage.AFTER):
        await meetings.add_questions(
            session, meeting, default_drafts(catalogs, DEFAULT_AFTER), stage=QuestionStage.AFTER
        )
    return row


async def plan_reengagement(session: AsyncSession, *, now: datetime) -> int:
    """One friendly message for reachable members not seen for the community's number of
    days, at most once per that period."""
    planned = 0
    for community in await session.scalars(select(Community)):
        schedule = await checkin_schedules.get(session, community.id)
        period = timedelta(days=schedule.reengage_days)
        recent = (
            select(CheckIn.id)
            .where(
                CheckIn.member_id == Member.id,
                CheckIn.kind == CheckInKind.REENGAGE,
                CheckIn.created_at > now - period,
            )
            .exists()
        )
        quiet_members = await session.scalars(
            members.reachable_query(community.id, privacy.current_notice_version()).where(
                func.coalesce(Member.last_seen_at, Member.created_at) < now - period, ~recent
            )
        )
        for member in quiet_members:
            zone = member_zone(member, community)
            due = schedule.quiet.next_allowed(now, zone)
            key = f"reengage:{community.id}:{member.id}:{now.date().isoformat()}"
            row = Planned(CheckInKind.REENGAGE, due, key)
            planned += await _plan(session, member.id, community.id, [row], now, revive=False)
    return planned

"""Every figure a coordinator sees, each counted in one place.

The summary (`summary.md`), the charts, `/stats` and the XLSX export's summary sheet all take
their numbers from here, so "answers" means the same thing everywhere: answers to questions
(before or after a meeting, and check-in answers), never stories. Stories are a figure of
their own; "Answers and stories" (participation over time) is the two together.

A `Scope` says what is counted: a community, optionally one meeting, a window of time and
one answer language (the export's filters). The same scope narrows the export's rows
(`exports.rows` uses `answer_filters`), so its sheets and its summary count the same rows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Answer,
    AnswerSource,
    Broadcast,
    Meeting,
    Member,
    Membership,
    OutboxMessage,
    OutboxState,
    Question,
    Rsvp,
    RsvpStatus,
)


@dataclass(frozen=True)
class Scope:
    """What is counted. `start`/`end` are UTC moments ([start, end)); answers count by when
    they were given, RSVPs by when their meeting starts. `answer_language` keeps answers
    given in that language and RSVPs of members who use it."""

    community_id: int
    meeting_id: int | None = None
    start: datetime | None = None
    end: datetime | None = None
    answer_language: str | None = None


@dataclass(frozen=True)
class Told:
    """What members told in the scope."""

    answers: int  # answers to questions: a meeting's (before or after) and check-ins
    stories: int
    voice_notes: int  # among both

    @property
    def answers_and_stories(self) -> int:
        return self.answers + self.stories


@dataclass(frozen=True)
class RsvpCounts:
    going: int = 0
    maybe: int = 0
    not_going: int = 0

    @property
    def total(self) -> int:
        return self.going + self.maybe + self.not_going


@dataclass(frozen=True)
class MeetingAnswers:
    answers: int  # answers to the meeting's questions and its check-ins (no stories)
    members: int  # distinct members who gave them


@dataclass(frozen=True)
class MonthParticipation:
    month: date  # the first day of the month, in the community's time zone
    members: int  # distinct members who told something that month
    answers: int  # answers and stories that month (sums to `Told.answers_and_stories`)


def answer_filters(scope: Scope) -> list[ColumnElement[bool]]:
    """The answers (and stories) in the scope, as conditions on `Answer`."""
    conditions: list[ColumnElement[bool]] = [Answer.community_id == scope.community_id]
    if scope.meeting_id is not None:
        conditions.append(Answer.meeting_id == scope.meeting_id)
    if scope.start is not None:
        conditions.append(Answer.created_at >= scope.start)
    if scope.end is not None:
        conditions.append(Answer.created_at < scope.end)
    if scope.answer_language:
        conditions.append(Answer.locale == scope.answer_language)
    return conditions


def _member_ids(scope: Scope) -> Any:
    return select(Membership.member_id).where(Membership.community_id == scope.community_id)


async def members(session: AsyncSession, scope: Scope) -> int:
    """Members of the community (whatever the meeting or period)."""
    query = select(func.count()).select_from(_member_ids(scope).subquery())
    return int(await session.scalar(query) or 0)


async def consented_members(session: AsyncSession, scope: Scope) -> int:
    query = select(func.count(Member.id)).where(
        Member.id.in_(_member_ids(scope)), Member.consent_given_at.is_not(None)
    )
    return int(await session.scalar(query) or 0)


async def members_by_language(session: AsyncSession, scope: Scope) -> list[tuple[str, int]]:
    """(language or "", members), most members first."""
    rows = await session.execute(
        select(Member.locale, func.count(Member.id))
        .where(Member.id.in_(_member_ids(scope)))
        .group_by(Member.locale)
    )
    return sorted(((tag or "", count) for tag, count in rows.all()), key=lambda r: (-r[1], r[0]))


async def told(session: AsyncSession, scope: Scope) -> Told:
    """Answers, stories and voice notes in the scope, in one query."""
    is_story = Answer.source == AnswerSource.STORY
    answers, stories, voice = (
        await session.execute(
            select(
                func.count(Answer.id).filter(~is_story),
                func.count(Answer.id).filter(is_story),
                func.count(Answer.voice_file_id),
            ).where(*answer_filters(scope))
        )
    ).one()
    return Told(int(answers or 0), int(stories or 0), int(voice or 0))


async def answers_per_meeting(session: AsyncSession, scope: Scope) -> dict[int, MeetingAnswers]:
    """Per meeting: its answers (no stories) and the members who gave them."""
    rows = await session.execute(
        select(Answer.meeting_id, func.count(Answer.id), func.count(Answer.member_id.distinct()))
        .where(
            *answer_filters(scope),
            Answer.meeting_id.is_not(None),
            Answer.source != AnswerSource.STORY,
        )
        .group_by(Answer.meeting_id)
    )
    return {mid: MeetingAnswers(int(n), int(people)) for mid, n, people in rows.all()}


async def answers_per_question(session: AsyncSession, scope: Scope) -> dict[int, int]:
    rows = await session.execute(
        select(Answer.question_id, func.count(Answer.id))
        .where(*answer_filters(scope), Answer.question_id.is_not(None))
        .group_by(Answer.question_id)
    )
    return {question_id: int(count) for question_id, count in rows.all()}


def rsvp_filters(scope: Scope) -> list[ColumnElement[bool]]:
    """The RSVPs in the scope, as conditions on `Rsvp` joined with `Meeting` and `Member`."""
    conditions: list[ColumnElement[bool]] = [Meeting.community_id == scope.community_id]
    if scope.meeting_id is not None:
        conditions.append(Meeting.id == scope.meeting_id)
    if scope.start is not None:
        conditions.append(Meeting.starts_at >= scope.start)
    if scope.end is not None:
        conditions.append(Meeting.starts_at < scope.end)
    if scope.answer_language:
        conditions.append(Member.locale == scope.answer_language)
    return conditions


async def rsvps_per_meeting(session: AsyncSession, scope: Scope) -> dict[int, RsvpCounts]:
    """Going / maybe / not going per meeting (meetings without RSVPs are left out)."""
    rows = await session.execute(
        select(Rsvp.meeting_id, Rsvp.status, func.count(Rsvp.id))
        .join(Meeting, Meeting.id == Rsvp.meeting_id)
        .join(Member, Member.id == Rsvp.member_id)
        .where(*rsvp_filters(scope))
        .group_by(Rsvp.meeting_id, Rsvp.status)
    )
    counts: dict[int, Counter[str]] = {}
    for meeting_id, status, count in rows.all():
        counts.setdefault(meeting_id, Counter())[RsvpStatus(status).value] = int(count)
    return {
        meeting_id: RsvpCounts(
            going=c[RsvpStatus.GOING.value],
            maybe=c[RsvpStatus.MAYBE.value],
            not_going=c[RsvpStatus.NOT_GOING.value],
        )
        for meeting_id, c in counts.items()
    }


async def meetings(session: AsyncSession, scope: Scope) -> list[Meeting]:
    """The meetings in the scope, by start."""
    query = select(Meeting).where(Meeting.community_id == scope.community_id)
    if scope.meeting_id is not None:
        query = query.where(Meeting.id == scope.meeting_id)
    if scope.start is not None:
        query = query.where(Meeting.starts_at >= scope.start)
    if scope.end is not None:
        query = query.where(Meeting.starts_at < scope.end)
    return list((await session.scalars(query.order_by(Meeting.starts_at, Meeting.id))).all())


async def questions(session: AsyncSession, scope: Scope) -> list[Question]:
    query = select(Question).where(Question.community_id == scope.community_id)
    if scope.meeting_id is not None:
        query = query.where(Question.meeting_id == scope.meeting_id)
    return list((await session.scalars(query)).all())


async def participation(
    session: AsyncSession, scope: Scope, zone: ZoneInfo
) -> list[MonthParticipation]:
    """Answers and stories per month, and the members who gave them, in `zone`'s months
    (bucketed here, not in SQL, so both engines agree to the day)."""
    months: dict[date, tuple[set[int], int]] = {}
    for created_at, member in await session.execute(
        select(Answer.created_at, Answer.member_id).where(*answer_filters(scope))
    ):
        moment = created_at if created_at.tzinfo else created_at.replace(tzinfo=UTC)
        local = moment.astimezone(zone)
        key = date(local.year, local.month, 1)
        people, count = months.get(key, (set(), 0))
        people.add(member)
        months[key] = (people, count + 1)
    return [
        MonthParticipation(month=key, members=len(people), answers=count)
        for key, (people, count) in sorted(months.items())
    ]


async def delivery(session: AsyncSession, scope: Scope) -> dict[str, int]:
    """Outbox state → messages, of the community's broadcasts."""
    rows = await session.execute(
        select(OutboxMessage.state, func.count(OutboxMessage.id))
        .join(Broadcast, Broadcast.id == OutboxMessage.broadcast_id)
        .where(Broadcast.community_id == scope.community_id)
        .group_by(OutboxMessage.state)
    )
    return {OutboxState(state).value: int(count) for state, count in rows.all()}

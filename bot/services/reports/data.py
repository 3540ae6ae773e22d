"""The figures of a community report, as data: counts only, never who said what."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Answer,
    AnswerSource,
    Broadcast,
    Community,
    Meeting,
    Member,
    Membership,
    OutboxMessage,
    OutboxState,
    Question,
    Rsvp,
    RsvpStatus,
)
from bot.services import conversations
from bot.services.conversations import Figures


class ReportError(ValueError):
    """The report cannot be made as asked; the message says why."""


@dataclass(frozen=True)
class MeetingRsvps:
    meeting_id: int
    title: str
    starts_at: datetime
    going: int
    maybe: int
    not_going: int


@dataclass(frozen=True)
class QuestionAnswers:
    question_id: int
    meeting_id: int | None
    position: int
    prompt: str
    answers: int


@dataclass(frozen=True)
class MonthParticipation:
    month: date  # the first day of the month, in the community's time zone
    members: int  # distinct members who told something that month
    answers: int  # answers, stories and check-in replies


@dataclass(frozen=True)
class Report:
    community_id: int
    community_code: str
    community_name: str
    locale: str
    time_zone: str
    meeting_id: int | None
    made_at: datetime
    members: int
    consented_members: int
    answers: int
    stories: int
    voice_notes: int
    rsvps: list[MeetingRsvps] = field(default_factory=list)
    questions: list[QuestionAnswers] = field(default_factory=list)
    participation: list[MonthParticipation] = field(default_factory=list)
    languages: list[tuple[str, int]] = field(default_factory=list)  # (locale or "", members)
    delivery: dict[str, int] = field(default_factory=dict)  # outbox state → rows
    # Members' conversations with the community (all of them, also in a meeting's report).
    conversations: Figures | None = None

    @property
    def delivered(self) -> int:
        return self.delivery.get(OutboxState.SENT.value, 0)

    @property
    def delivery_total(self) -> int:
        return sum(self.delivery.values())


def _pick_text(texts: list, locale: str, *fallbacks: str) -> object | None:
    """The text in `locale`, else in the first fallback that has one, else any."""
    by_locale = {text.locale: text for text in texts}
    for tag in (locale, locale.split("-")[0], *fallbacks):
        if tag in by_locale:
            return by_locale[tag]
    return texts[0] if texts else None


async def build(
    session: AsyncSession,
    *,
    community_code: str,
    now: datetime,
    locale: str | None = None,
    meeting_id: int | None = None,
) -> Report:
    """Count everything the report shows; `meeting_id` narrows RSVPs, questions and answers
    to one meeting. Texts (meeting titles, prompts) in `locale` where they exist."""
    community = await session.scalar(select(Community).where(Community.code == community_code))
    if community is None:
        raise ReportError(f"no community with the code {community_code!r}")
    locale = locale or community.default_locale
    if meeting_id is not None:
        meeting = await session.get(Meeting, meeting_id)
        if meeting is None or meeting.community_id != community.id:
            raise ReportError(f"no meeting {meeting_id} in this community")

    member_ids = select(Membership.member_id).where(Membership.community_id == community.id)
    members = await session.scalar(select(func.count()).select_from(member_ids.subquery())) or 0
    consented = (
        await session.scalar(
            select(func.count(Member.id)).where(
                Member.id.in_(member_ids), Member.consent_given_at.is_not(None)
            )
        )
        or 0
    )
    languages = (
        await session.execute(
            select(Member.locale, func.count(Member.id))
            .where(Member.id.in_(member_ids))
            .group_by(Member.locale)
        )
    ).all()

    answer_scope = [Answer.community_id == community.id]
    if meeting_id is not None:
        answer_scope.append(Answer.meeting_id == meeting_id)
    is_story = Answer.source == AnswerSource.STORY
    totals = (
        await session.execute(
            select(
                func.count(Answer.id).filter(~is_story),
                func.count(Answer.id).filter(is_story),
                func.count(Answer.voice_file_id),
            ).where(*answer_scope)
        )
    ).one()

    meeting_query = (
        select(Meeting)
        .where(Meeting.community_id == community.id)
        .order_by(Meeting.starts_at, Meeting.id)
    )
    if meeting_id is not None:
        meeting_query = meeting_query.where(Meeting.id == meeting_id)
    meetings = (await session.scalars(meeting_query)).all()
    rsvp_counts: dict[int, Counter[str]] = defaultdict(Counter)
    if meetings:
        for mid, status, count in (
            await session.execute(
                select(Rsvp.meeting_id, Rsvp.status, func.count(Rsvp.id))
                .where(Rsvp.meeting_id.in_([m.id for m in meetings]))
                .group_by(Rsvp.meeting_id, Rsvp.status)
            )
        ).all():
            rsvp_counts[mid][RsvpStatus(status).value] = count
    rsvps = []
    for meeting in meetings:
        text = _pick_text(meeting.texts, locale, community.default_locale, meeting.source_locale)
        counts = rsvp_counts[meeting.id]
        rsvps.append(
            MeetingRsvps(
                meeting_id=meeting.id,
                title=getattr(text, "title", "") or "",
                starts_at=meeting.starts_at,
                going=counts[RsvpStatus.GOING.value],
                maybe=counts[RsvpStatus.MAYBE.value],
                not_going=counts[RsvpStatus.NOT_GOING.value],
            )
        )

    question_query = (
        select(Question)
        .where(Question.community_id == community.id)
        .order_by(Question.meeting_id, Question.stage, Question.position, Question.id)
    )
    if meeting_id is not None:
        question_query = question_query.where(Question.meeting_id == meeting_id)
    questions = (await session.scalars(question_query)).all()
    per_question = dict(
        (
            await session.execute(
                select(Answer.question_id, func.count(Answer.id))
                .where(*answer_scope, Answer.question_id.is_not(None))
                .group_by(Answer.question_id)
            )
        ).all()
    )
    question_rows = []
    for question in questions:
        text = _pick_text(question.texts, locale, community.default_locale, question.source_locale)
        question_rows.append(
            QuestionAnswers(
                question_id=question.id,
                meeting_id=question.meeting_id,
                position=question.position,
                prompt=getattr(text, "prompt", "") or "",
                answers=per_question.get(question.id, 0),
            )
        )

    # Months in the community's time zone; bucketed here so both engines agree exactly.
    zone = ZoneInfo(community.time_zone)
    months: dict[date, tuple[set[int], int]] = {}
    for created_at, member in await session.execute(
        select(Answer.created_at, Answer.member_id).where(*answer_scope)
    ):
        local = created_at.astimezone(zone)
        key = date(local.year, local.month, 1)
        people, count = months.get(key, (set(), 0))
        people.add(member)
        months[key] = (people, count + 1)
    participation = [
        MonthParticipation(month=key, members=len(people), answers=count)
        for key, (people, count) in sorted(months.items())
    ]

    delivery = dict(
        (
            await session.execute(
                select(OutboxMessage.state, func.count(OutboxMessage.id))
                .join(Broadcast, Broadcast.id == OutboxMessage.broadcast_id)
                .where(Broadcast.community_id == community.id)
                .group_by(OutboxMessage.state)
            )
        ).all()
    )

    return Report(
        community_id=community.id,
        community_code=community.code,
        community_name=community.name,
        locale=locale,
        time_zone=community.time_zone,
        meeting_id=meeting_id,
        made_at=now,
        members=members,
        consented_members=consented,
        answers=int(totals[0] or 0),
        stories=int(totals[1] or 0),
        voice_notes=int(totals[2] or 0),
        rsvps=rsvps,
        questions=question_rows,
        participation=participation,
        languages=sorted(
            ((tag or "", count) for tag, count in languages), key=lambda row: (-row[1], row[0])
        ),
        delivery={OutboxState(state).value: count for state, count in delivery.items()},
        conversations=await conversations.figures(session, community, now=now),
    )

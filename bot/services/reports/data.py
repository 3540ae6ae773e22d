"""The figures of a community report, as data: counts only, never who said what. Every
number comes from `figures`, the one place each figure is counted."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Community, Meeting, OutboxState, QuestionStage
from bot.services import conversations, fallback
from bot.services.conversations import Figures
from bot.services.reports import figures
from bot.services.reports.figures import MonthParticipation, Scope


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

    @property
    def answers_and_stories(self) -> int:
        """What participation over time adds up to."""
        return self.answers + self.stories


def _text(texts: list, attribute: str, locale: str, community: str, source: str) -> str:
    """An organiser-written text along the fallback chain: the report's language → the
    community's → the language it was written in (then any)."""
    by_locale = {text.locale: getattr(text, attribute) for text in texts}
    try:
        return fallback.pick(
            by_locale, member_locale=locale, community_locale=community, source_locale=source
        )[1]
    except LookupError:
        return ""


# Before a meeting, then its follow-up: the order members are asked in.
_STAGES = {QuestionStage.BEFORE: 0, QuestionStage.AFTER: 1}


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
    scope = Scope(community.id, meeting_id=meeting_id)
    home = community.default_locale

    told = await figures.told(session, scope)
    meetings = await figures.meetings(session, scope)
    per_meeting = await figures.rsvps_per_meeting(session, scope)
    rsvps = []
    for meeting in meetings:
        counts = per_meeting.get(meeting.id, figures.RsvpCounts())
        rsvps.append(
            MeetingRsvps(
                meeting_id=meeting.id,
                title=_text(meeting.texts, "title", locale, home, meeting.source_locale),
                starts_at=meeting.starts_at,
                going=counts.going,
                maybe=counts.maybe,
                not_going=counts.not_going,
            )
        )

    per_question = await figures.answers_per_question(session, scope)
    starts = {meeting.id: meeting.starts_at for meeting in meetings}
    latest = max(starts.values(), default=now)
    question_rows = [
        QuestionAnswers(
            question_id=question.id,
            meeting_id=question.meeting_id,
            position=question.position,
            prompt=_text(question.texts, "prompt", locale, home, question.source_locale),
            answers=per_question.get(question.id, 0),
        )
        for question in sorted(
            await figures.questions(session, scope),
            # Questions somebody answered first, in the order members meet them (meeting by
            # meeting, before it and then the follow-up); questions nobody answered (yet)
            # last, in the same order, so Q1 is never a follow-up that was not asked yet.
            key=lambda q: (
                per_question.get(q.id, 0) == 0,
                q.meeting_id is None,
                starts.get(q.meeting_id, latest) if q.meeting_id is not None else latest,
                q.meeting_id or 0,
                _STAGES.get(q.stage, 2),
                q.position,
                q.id,
            ),
        )
    ]

    return Report(
        community_id=community.id,
        community_code=community.code,
        community_name=community.name,
        locale=locale,
        time_zone=community.time_zone,
        meeting_id=meeting_id,
        made_at=now,
        members=await figures.members(session, scope),
        consented_members=await figures.consented_members(session, scope),
        answers=told.answers,
        stories=told.stories,
        voice_notes=told.voice_notes,
        rsvps=rsvps,
        questions=question_rows,
        participation=await figures.participation(session, scope, ZoneInfo(community.time_zone)),
        languages=await figures.members_by_language(session, scope),
        delivery=await figures.delivery(session, scope),
        conversations=await conversations.figures(session, community, now=now),
    )

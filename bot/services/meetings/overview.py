"""What an organiser sees of one meeting: who comes, what people answered, which agenda
topics come up most, and how the invitations were delivered."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Answer,
    Community,
    InputRun,
    InputStatus,
    Meeting,
    OutboxMessage,
    OutboxState,
    QuestionKind,
    QuestionStage,
    RsvpStatus,
)
from bot.services import meetings
from bot.services.intake.questions import Asked, asked
from bot.services.meetings import invitations, rsvps

TOP_TOPICS = 5
# The dialogue behind /meeting, /invite and /translate: which meetings the buttons show.
FLOW = "meetings"


@dataclass(frozen=True)
class QuestionFigures:
    question: Asked
    answers: int
    # Choice and scale questions: how often each option (label) or value was given.
    tally: list[tuple[str, int]] = field(default_factory=list)
    voice_notes: int = 0


@dataclass(frozen=True)
class Delivery:
    counts: dict[OutboxState, int]
    reasons: dict[str, int]  # why the failed and blocked ones did not arrive
    broadcast_ids: list[int]

    @property
    def failed(self) -> int:
        return self.counts.get(OutboxState.FAILED, 0)


@dataclass(frozen=True)
class MeetingOverview:
    meeting: Meeting
    title: str
    rsvps: dict[RsvpStatus, int]
    inputs: dict[InputStatus, int]
    questions: list[QuestionFigures]
    topics: list[tuple[str, int]]
    delivery: Delivery


async def of_meeting(
    session: AsyncSession, meeting: Meeting, *, locale: str | None
) -> MeetingOverview:
    community = await session.get(Community, meeting.community_id)
    assert community is not None
    title = meetings.text_for(meeting, locale, community.default_locale).title
    questions = await meetings.questions_of(session, meeting.id, QuestionStage.BEFORE)
    answers = list(
        await session.scalars(
            select(Answer).where(
                Answer.meeting_id == meeting.id,
                Answer.question_id.in_([q.id for q in questions]),
            )
        )
    )
    by_question: dict[int, list[Answer]] = {}
    for answer in answers:
        by_question.setdefault(answer.question_id or 0, []).append(answer)
    figures = []
    for question in questions:
        shown = asked(question, locale, community.default_locale)
        given = by_question.get(question.id, [])
        figures.append(
            QuestionFigures(
                question=shown,
                answers=len(given),
                tally=_tally(shown, given),
                voice_notes=sum(1 for a in given if a.voice_file_id),
            )
        )
    agenda = by_question.get(questions[0].id, []) if questions else []
    inputs = await session.execute(
        select(InputRun.status, func.count())
        .where(InputRun.meeting_id == meeting.id, InputRun.stage == QuestionStage.BEFORE)
        .group_by(InputRun.status)
    )
    return MeetingOverview(
        meeting=meeting,
        title=title,
        rsvps=dict(await rsvps.counts(session, meeting.id)),
        inputs={InputStatus(s): n for s, n in inputs},
        questions=figures,
        topics=topics([a.text for a in agenda if a.text]),
        delivery=await delivery(session, meeting.id),
    )


def _tally(question: Asked, given: list[Answer]) -> list[tuple[str, int]]:
    if question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        counts: Counter[int] = Counter(i for a in given for i in (a.value or []))
        return [(label, counts[i]) for i, label in enumerate(question.options)]
    if question.kind in (QuestionKind.SCALE, QuestionKind.YES_NO):
        counts2: Counter[str] = Counter(a.text or "" for a in given)
        return sorted(counts2.items())
    return []


_WORD = re.compile(r"\w+", re.UNICODE)


def topics(texts: list[str], limit: int = TOP_TOPICS) -> list[tuple[str, int]]:
    """The agenda topics people mention most: answers are split on commas, semicolons and
    line breaks into topics, compared without case or punctuation, counted once per answer."""
    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for text in texts:
        seen = set()
        for part in re.split(r"[,;،؛\n]+", text):
            key = " ".join(_WORD.findall(part.casefold()))
            if not key or key in seen:
                continue
            seen.add(key)
            counts[key] += 1
            shown.setdefault(key, part.strip())
    return [(shown[key], n) for key, n in counts.most_common(limit)]


async def delivery(session: AsyncSession, meeting_id: int) -> Delivery:
    prefix = meetings.invitation_prefix(meeting_id)
    rows = await session.execute(
        select(OutboxMessage.state, OutboxMessage.reason, func.count())
        .where(OutboxMessage.dedupe_key.startswith(prefix))
        .group_by(OutboxMessage.state, OutboxMessage.reason)
    )
    counts: Counter[OutboxState] = Counter()
    reasons: Counter[str] = Counter()
    for state, reason, n in rows:
        counts[OutboxState(state)] += n
        if reason and OutboxState(state) in (
            OutboxState.FAILED,
            OutboxState.BLOCKED,
            OutboxState.SKIPPED,
        ):
            reasons[reason] += n
    return Delivery(
        counts=dict(counts),
        reasons=dict(reasons),
        broadcast_ids=await invitations.broadcast_ids(session, meeting_id),
    )

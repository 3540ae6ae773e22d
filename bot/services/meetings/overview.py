"""What an organiser sees of one meeting: who comes, what people answered (choice questions
as tallies, counted once across languages with the labels in the organiser's language), which
agenda topics come up most (`agenda` decides what the agenda is), and how the invitations
were delivered."""

from __future__ import annotations

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
from bot.services.meetings import agenda, invitations, rsvps
from bot.services.proposals import Shown

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
    topics: list[tuple[str, int]]  # from the agenda questions only (`agenda`)
    delivery: Delivery
    agenda_voice_notes: int = 0  # voice notes answering an agenda question, to listen to
    # No question is marked for the agenda: the topics come from the first free-text one.
    agenda_guessed: bool = False
    # «Co-ownership»: the proposals on the agenda, in the organiser's language; when there are
    # any they are the agenda (`agenda.items`), and `topics` is not shown.
    agenda_items: list[Shown] = field(default_factory=list)


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
    source = agenda.decide(questions)
    agenda_answers = [a for q in source.questions for a in by_question.get(q.id, [])]
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
        topics=agenda.topics([a.text for a in agenda_answers if a.text and not a.voice_file_id]),
        agenda_voice_notes=sum(1 for a in agenda_answers if a.voice_file_id),
        agenda_guessed=source.rule == agenda.Rule.FIRST_FREE,
        delivery=await delivery(session, meeting.id),
        agenda_items=await agenda.shown_items(session, meeting, locale),
    )


def _tally(question: Asked, given: list[Answer]) -> list[tuple[str, int]]:
    if question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        counts: Counter[int] = Counter(i for a in given for i in (a.value or []))
        return [(label, counts[i]) for i, label in enumerate(question.options)]
    if question.kind == QuestionKind.YES_NO:
        # Stored as "yes"/"no" whatever the member's language: one count each; the view
        # shows the words in the organiser's language.
        counts3: Counter[str] = Counter(a.text or "" for a in given)
        return [(word, counts3[word]) for word in ("yes", "no") if counts3[word]]
    if question.kind == QuestionKind.SCALE:
        counts2: Counter[str] = Counter(a.text or "" for a in given)
        return sorted(counts2.items())
    return []


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

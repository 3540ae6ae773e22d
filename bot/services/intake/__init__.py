"""Walking a member through a set of questions, one at a time, saving each answer as it is
given.

A run is the member's walk through one set: a meeting's questions before it, its follow-up
questions after it, or the questions of a check-in. Where the member is lives in their
dialogue state (flow `input`: the run and the position), so a restart or another instance
continues the walk. Skipping (optional questions), going back and "continue later" are steps
like any other; input closes at the meeting's deadline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Answer,
    AnswerSource,
    CheckIn,
    Community,
    InputRun,
    InputStatus,
    Meeting,
    MeetingStatus,
    Member,
    Question,
    QuestionStage,
)
from bot.services import communities, dialogs
from bot.services.dialogs import Dialog
from bot.services.intake.questions import Asked, Given, Parsed, Problem, asked, parse

FLOW = "input"
ASKING = "asking"
# Follow-up and check-in questions stay open this long after they were asked.
AFTER_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class Step:
    """The question the member is at."""

    dialog: Dialog
    run_id: int
    meeting_id: int | None
    position: int
    total: int
    question: Asked
    previous: str | None  # their earlier answer to this question, as given
    picked: tuple[int, ...] = ()  # options ticked so far (multiple choice)


@dataclass(frozen=True)
class Finished:
    run_id: int
    meeting_id: int | None
    status: InputStatus
    answered: int
    total: int
    stage: QuestionStage = QuestionStage.BEFORE


@dataclass(frozen=True)
class Closed:
    """Input is not (or no longer) possible; `reason` says why."""

    reason: str  # deadline | cancelled | no_questions | gone (also: another community's)


@dataclass(frozen=True)
class Refused:
    """The answer did not fit; the same question is asked again with the problem."""

    step: Step
    problem: Problem | None = None
    required: bool = False  # tried to skip a required question


@dataclass(frozen=True)
class Paused:
    run_id: int
    meeting_id: int | None
    answered: int
    total: int


Outcome = Step | Finished | Closed | Refused | Paused


@dataclass
class _Context:
    run: InputRun
    meeting: Meeting | None
    community: Community
    questions: list[Question] = field(default_factory=list)


# --- starting ---------------------------------------------------------------------------------


async def begin(
    session: AsyncSession,
    member: Member,
    *,
    now: datetime,
    meeting_id: int | None = None,
    stage: QuestionStage = QuestionStage.BEFORE,
    checkin_id: int | None = None,
) -> Step | Finished | Closed:
    """Start (or continue) the member's input for a meeting or a check-in, at the first
    question they have not answered yet.."""
    community_id, meeting = None, None
    if checkin_id is not None:
        checkin = await session.get(CheckIn, checkin_id)
        if checkin is None or checkin.member_id != member.id:
            return Closed("gone")
        community_id, meeting_id = checkin.community_id, checkin.meeting_id
        stage = QuestionStage.AFTER
    if meeting_id is not None:
        meeting = await session.get(Meeting, meeting_id)
        if meeting is None:
            return Closed("gone")
        community_id = meeting.community_id
    # Another community's meeting or check-in is answered as if it did not exist.
    if community_id is None or not await communities.is_member(session, member.id, community_id):
        return Closed("gone")
    community = await session.get(Community, community_id)
    assert community is not None
    closed = _closed_reason(meeting, stage, now, opened_at=None)
    if closed is not None:
        return Closed(closed)
    questions = await _questions(session, community_id, meeting_id, stage)
    if not questions:
        return Closed("no_questions")
    run = await _run(session, member, community_id, meeting_id, stage, checkin_id, now)
    if run.status == InputStatus.EXPIRED:
        return Closed("deadline")
    ctx = _Context(run, meeting, community, questions)
    answers = await _answers(session, ctx)
    unanswered = [i for i, q in enumerate(questions) if q.id not in answers]
    # Completed before: walk through again from the start, showing the answers given.
    position = unanswered[0] if unanswered and run.status != InputStatus.COMPLETED else 0
    dialog = await dialogs.set(
        session, member.id, FLOW, ASKING, {"run": run.id, "pos": position}, now=now
    )
    return _step(ctx, dialog, member, answers)


async def resume(session: AsyncSession, member: Member, dialog: Dialog) -> Step | Closed:
    """The step the member is at (to ask it again after an unrelated message)."""
    ctx = await _load(session, dialog)
    if ctx is None:
        return Closed("gone")
    return _step(ctx, dialog, member, await _answers(session, ctx))


# --- answering ---------------------------------------------------------------------------------


async def _here(
    session: AsyncSession, member: Member, dialog: Dialog, now: datetime
) -> tuple[_Context, Step] | Closed:
    """The open run and the step the member is at, or why input is closed."""
    ctx, closed = await _open(session, dialog, now)
    if ctx is None:
        return closed or Closed("gone")
    return ctx, _step(ctx, dialog, member, await _answers(session, ctx))


async def answer(
    session: AsyncSession, member: Member, dialog: Dialog, given: Given, *, now: datetime
) -> Outcome:
    """Save the answer to the current question and move on.."""
    here = await _here(session, member, dialog, now)
    if isinstance(here, Closed):
        return here
    ctx, step = here
    parsed = parse(step.question, given)
    if isinstance(parsed, Problem):
        return Refused(step, problem=parsed)
    await _save(session, ctx, member, ctx.questions[step.position], parsed, now)
    return await _advance(session, ctx, dialog, member, step.position + 1, now)


async def toggle(
    session: AsyncSession, member: Member, dialog: Dialog, option: int, *, now: datetime
) -> Outcome:
    """Tick or untick an option of a multiple-choice question (saved with `answer`)."""
    here = await _here(session, member, dialog, now)
    if isinstance(here, Closed):
        return here
    ctx, step = here
    if not 0 <= option < len(step.question.options):
        return Refused(step)
    picked = set(step.picked) ^ {option}
    dialog = await dialogs.update(session, dialog, now=now, picked=sorted(picked))
    return _step(ctx, dialog, member, await _answers(session, ctx))


async def skip(session: AsyncSession, member: Member, dialog: Dialog, *, now: datetime) -> Outcome:
    """Leave the current question: allowed when it is optional or already answered."""
    here = await _here(session, member, dialog, now)
    if isinstance(here, Closed):
        return here
    ctx, step = here
    if step.question.required and step.previous is None:
        return Refused(step, required=True)
    return await _advance(session, ctx, dialog, member, step.position + 1, now)


async def back(session: AsyncSession, member: Member, dialog: Dialog, *, now: datetime) -> Outcome:
    ctx, closed = await _open(session, dialog, now)
    if ctx is None:
        return closed or Closed("gone")
    position = max(int(dialog.data.get("pos", 0)) - 1, 0)
    dialog = await dialogs.update(session, dialog, now=now, pos=position, picked=[])
    return _step(ctx, dialog, member, await _answers(session, ctx))


async def later(
    session: AsyncSession, member: Member, dialog: Dialog, *, now: datetime
) -> Outcome:
    """Stop for now; what was answered stays, and /input continues where the member left."""
    ctx = await _load(session, dialog)
    await dialogs.clear(session, member.id, now=now)
    if ctx is None:
        return Closed("gone")
    answers = await _answers(session, ctx)
    return Paused(ctx.run.id, ctx.run.meeting_id, len(answers), len(ctx.questions))


# --- deadlines ---------------------------------------------------------------------------------


async def expire_overdue(session: AsyncSession, *, now: datetime) -> int:
    """Mark unfinished input for meetings whose deadline passed as expired; the answers given
    stay (partial input counts). Safe on several instances: one conditional UPDATE."""
    overdue = select(Meeting.id).where(Meeting.input_deadline <= now)
    result = await session.execute(
        update(InputRun)
        .where(
            InputRun.status == InputStatus.PARTIAL,
            InputRun.stage == QuestionStage.BEFORE,
            InputRun.meeting_id.in_(overdue),
        )
        .values(status=InputStatus.EXPIRED, updated_at=now)
    )
    return result.rowcount or 0


async def status_of(session: AsyncSession, member_id: int, meeting_id: int) -> InputStatus | None:
    return await session.scalar(
        select(InputRun.status).where(
            InputRun.member_id == member_id,
            InputRun.meeting_id == meeting_id,
            InputRun.stage == QuestionStage.BEFORE,
        )
    )


async def open_runs(session: AsyncSession, member: Member, *, now: datetime) -> list[Meeting]:
    """Upcoming meetings of the member's communities that take input and have questions."""
    community_ids = [c.id for c in await communities.memberships(session, member.id)]
    if not community_ids:
        return []
    has_questions = (
        select(Question.id)
        .where(Question.meeting_id == Meeting.id, Question.stage == QuestionStage.BEFORE)
        .exists()
    )
    found = await session.scalars(
        select(Meeting)
        .where(
            Meeting.community_id.in_(community_ids),
            Meeting.status == MeetingStatus.SCHEDULED,
            Meeting.input_deadline > now,
            has_questions,
        )
        .order_by(Meeting.starts_at)
        .limit(10)
    )
    return list(found)


# --- inside ------------------------------------------------------------------------------------


def _closed_reason(
    meeting: Meeting | None, stage: QuestionStage, now: datetime, opened_at: datetime | None
) -> str | None:
    if meeting is None:
        if opened_at is not None and now >= opened_at + AFTER_WINDOW:
            return "deadline"
        return None
    if meeting.status == MeetingStatus.CANCELLED:
        return "cancelled"
    if stage == QuestionStage.BEFORE:
        deadline = meeting.input_deadline or meeting.starts_at
        return "deadline" if now >= deadline else None
    end = meeting.ends_at or meeting.starts_at
    return "deadline" if now >= end + AFTER_WINDOW else None


async def _questions(
    session: AsyncSession, community_id: int, meeting_id: int | None, stage: QuestionStage
) -> list[Question]:
    query = select(Question).where(Question.stage == stage)
    if meeting_id is not None:
        query = query.where(Question.meeting_id == meeting_id)
    else:  # a long-term check-in: the community's own check-in questions
        query = query.where(
            Question.community_id == community_id,
            Question.meeting_id.is_(None),
            # A member-proposed question the organiser replaced is no longer asked.
            Question.retired_at.is_(None),
        )
    return list(await session.scalars(query.order_by(Question.position, Question.id)))


async def _run(
    session: AsyncSession,
    member: Member,
    community_id: int,
    meeting_id: int | None,
    stage: QuestionStage,
    checkin_id: int | None,
    now: datetime,
) -> InputRun:
    query = select(InputRun).where(InputRun.member_id == member.id, InputRun.stage == stage)
    query = query.where(
        InputRun.meeting_id == meeting_id
        if meeting_id is not None
        else InputRun.meeting_id.is_(None)
    )
    query = query.where(
        InputRun.checkin_id == checkin_id
        if checkin_id is not None
        else InputRun.checkin_id.is_(None)
    )
    run = await session.scalar(query)
    if run is None:
        run = InputRun(
            member_id=member.id,
            community_id=community_id,
            meeting_id=meeting_id,
            checkin_id=checkin_id,
            stage=stage,
            status=InputStatus.PARTIAL,
            started_at=now,
            updated_at=now,
        )
        session.add(run)
        await session.flush()
    return run


async def _load(session: AsyncSession, dialog: Dialog) -> _Context | None:
    if not dialog.at(FLOW):
        return None
    run = await session.get(InputRun, int(dialog.data.get("run", 0)))
    if run is None or run.member_id != dialog.member_id:
        return None
    meeting = await session.get(Meeting, run.meeting_id) if run.meeting_id else None
    community = await session.get(Community, run.community_id)
    if community is None:
        return None
    questions = await _questions(session, run.community_id, run.meeting_id, run.stage)
    if not questions:
        return None
    return _Context(run, meeting, community, questions)


async def _open(
    session: AsyncSession, dialog: Dialog, now: datetime
) -> tuple[_Context | None, Closed | None]:
    ctx = await _load(session, dialog)
    if ctx is None:
        await dialogs.clear(session, dialog.member_id, now=now)
        return None, Closed("gone")
    reason = _closed_reason(ctx.meeting, ctx.run.stage, now, opened_at=ctx.run.started_at)
    if reason is None and ctx.run.status == InputStatus.EXPIRED:
        reason = "deadline"
    if reason is not None:
        if reason == "deadline" and ctx.run.status == InputStatus.PARTIAL:
            ctx.run.status = InputStatus.EXPIRED
            ctx.run.updated_at = now
        await dialogs.clear(session, dialog.member_id, now=now)
        return None, Closed(reason)
    return ctx, None


async def _answers(session: AsyncSession, ctx: _Context) -> dict[int, Answer]:
    """The member's answers in this run, by question."""
    ids = [q.id for q in ctx.questions]
    query = select(Answer).where(
        Answer.member_id == ctx.run.member_id, Answer.question_id.in_(ids)
    )
    query = query.where(
        Answer.checkin_id == ctx.run.checkin_id
        if ctx.run.checkin_id is not None
        else Answer.checkin_id.is_(None)
    )
    return {a.question_id: a for a in await session.scalars(query) if a.question_id is not None}


def _step(ctx: _Context, dialog: Dialog, member: Member, answers: dict[int, Answer]) -> Step:
    position = min(int(dialog.data.get("pos", 0)), len(ctx.questions) - 1)
    question = ctx.questions[position]
    previous = answers.get(question.id)
    shown = None
    if previous is not None:
        shown = previous.text if previous.text is not None else "🎤"
    return Step(
        dialog=dialog,
        run_id=ctx.run.id,
        meeting_id=ctx.run.meeting_id,
        position=position,
        total=len(ctx.questions),
        question=asked(
            question, member.locale, ctx.community.default_locale, reads=member.reads_locales
        ),
        previous=shown,
        picked=tuple(dialog.data.get("picked") or ()),
    )


async def _save(
    session: AsyncSession,
    ctx: _Context,
    member: Member,
    question: Question,
    parsed: Parsed,
    now: datetime,
) -> Answer:
    """Save or replace the member's answer to this question (going back changes it)."""
    answers = await _answers(session, ctx)
    row = answers.get(question.id)
    if row is None:
        row = Answer(
            member_id=member.id,
            community_id=ctx.community.id,
            meeting_id=ctx.run.meeting_id,
            question_id=question.id,
            checkin_id=ctx.run.checkin_id,
            source=AnswerSource.CHECKIN if ctx.run.checkin_id else AnswerSource.MEETING,
            created_at=now,
        )
        session.add(row)
    row.kind = parsed.kind
    row.text = parsed.text
    row.value = parsed.value
    row.voice_file_id = parsed.voice_file_id
    row.voice_duration = parsed.voice_duration
    row.locale = member.locale or ctx.community.default_locale
    row.updated_at = now
    ctx.run.updated_at = now
    await session.flush()
    return row


async def _advance(
    session: AsyncSession,
    ctx: _Context,
    dialog: Dialog,
    member: Member,
    position: int,
    now: datetime,
) -> Outcome:
    answers = await _answers(session, ctx)
    if position < len(ctx.questions):
        dialog = await dialogs.update(session, dialog, now=now, pos=position, picked=[])
        return _step(ctx, dialog, member, answers)
    missing = [q for q in ctx.questions if q.required and q.id not in answers]
    if missing:  # cannot happen through skip(); kept for questions made required later
        dialog = await dialogs.update(
            session, dialog, now=now, pos=ctx.questions.index(missing[0]), picked=[]
        )
        return _step(ctx, dialog, member, answers)
    ctx.run.status = InputStatus.COMPLETED
    ctx.run.completed_at = ctx.run.completed_at or now
    ctx.run.updated_at = now
    await dialogs.clear(session, member.id, now=now)
    return Finished(
        ctx.run.id,
        ctx.run.meeting_id,
        ctx.run.status,
        len(answers),
        len(ctx.questions),
        QuestionStage(ctx.run.stage),
    )

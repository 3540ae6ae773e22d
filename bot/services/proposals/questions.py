"""Members shape the community's questions: a member proposes a question for the long-term
check-in ("Where do you stand now? What have you learned? How could we help each other?"),
an organiser chooses one, and it is asked after the default three — until the organiser
chooses another (the old one is retired, so its answers keep saying what they answered).

The chosen question is a row in `questions` like the community's other long-term questions
(meeting NULL, stage AFTER), with the proposal's texts per language.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Community,
    Member,
    Proposal,
    ProposalKind,
    ProposalPurpose,
    ProposalStatus,
    ProposalText,
    Question,
    QuestionKind,
    QuestionStage,
    QuestionText,
)
from bot.services import audit, communities, dialogs, proposals
from bot.services.dialogs import Dialog
from bot.services.meetings import language_tag
from bot.services.proposals import FLOW, ProposalError, Topic

QUESTION = "question"  # the member's dialogue step: typing the question
# After the default long-term questions (positions 0, 1, 2).
POSITION = 100


@dataclass(frozen=True)
class Asked:
    dialog: Dialog | None  # None: the member belongs to no community
    community: Community | None = None


async def begin(session: AsyncSession, member: Member, *, now: datetime) -> Asked:
    """Ask the member for a question for their (first) community's check-in."""
    joined = await communities.memberships(session, member.id)
    if not joined:
        return Asked(None)
    community = joined[0]
    dialog = await dialogs.set(
        session, member.id, FLOW, QUESTION, {"community": community.id}, now=now
    )
    return Asked(dialog, community)


@dataclass(frozen=True)
class Kept:
    proposal: Proposal
    duplicate: bool


async def submit(
    session: AsyncSession, member: Member, dialog: Dialog, topic: Topic, *, now: datetime
) -> Kept:
    """The question typed at the QUESTION step (text only: it is asked in writing)."""
    if topic.voice_file_id:
        raise ProposalError("not_text")
    checked = proposals.check(topic)
    community_id = int(dialog.data["community"])
    if await communities.joined(session, member.id, community_id) is None:
        raise ProposalError("gone")
    key = proposals.dedupe_key(None, member.id, checked).replace(
        "proposal:checkin:", f"proposal:checkin:{community_id}:"
    )
    existing = await session.scalar(select(Proposal).where(Proposal.dedupe_key == key))
    await dialogs.clear(session, member.id, now=now)
    if existing is not None:
        return Kept(existing, True)
    community = await session.get(Community, community_id)
    assert community is not None
    locale = language_tag(member.locale or community.default_locale)
    proposal = Proposal(
        community_id=community_id,
        meeting_id=None,
        member_id=member.id,
        purpose=ProposalPurpose.CHECKIN,
        kind=ProposalKind.TEXT,
        source_locale=locale,
        status=ProposalStatus.NEW,
        dedupe_key=key,
        version=1,
        created_at=now,
    )
    assert checked.text is not None
    proposal.texts = [ProposalText(locale=locale, text=checked.text, created_at=now)]
    session.add(proposal)
    await session.flush()
    return Kept(proposal, False)


async def pending(session: AsyncSession, community_ids: Collection[int]) -> list[Proposal]:
    """The check-in questions members proposed that wait for an organiser."""
    found = await session.scalars(
        select(Proposal)
        .where(
            Proposal.community_id.in_(list(community_ids)),
            Proposal.purpose == ProposalPurpose.CHECKIN,
            Proposal.status == ProposalStatus.NEW,
        )
        .order_by(Proposal.id)
    )
    return list(found)


async def current(session: AsyncSession, community_id: int) -> Question | None:
    """The member-proposed question the community asks now, if any."""
    return await session.scalar(
        select(Question)
        .join(Proposal, Proposal.question_id == Question.id)
        .where(Question.community_id == community_id, Question.retired_at.is_(None))
        .order_by(Question.id.desc())
        .limit(1)
    )


async def choose(
    session: AsyncSession,
    proposal: Proposal,
    version: int,
    *,
    actor_user_id: int,
    now: datetime,
) -> Question:
    """Make the proposal the community's member question for the long-term check-in; the one
    chosen before is retired. The proposer is told. Audited."""
    if proposal.purpose != ProposalPurpose.CHECKIN or proposal.version != version:
        raise ProposalError("stale")
    if proposal.status != ProposalStatus.NEW:
        raise ProposalError("stale")
    await session.execute(
        update(Question)
        .where(
            Question.community_id == proposal.community_id,
            Question.retired_at.is_(None),
            Question.id.in_(select(Proposal.question_id).where(Proposal.question_id.is_not(None))),
        )
        .values(retired_at=now)
        .execution_options(synchronize_session=False)
    )
    question = Question(
        community_id=proposal.community_id,
        meeting_id=None,
        stage=QuestionStage.AFTER,
        position=POSITION,
        kind=QuestionKind.TEXT,
        required=False,
        source_locale=proposal.source_locale,
    )
    question.texts = [QuestionText(locale=t.locale, prompt=t.text) for t in proposal.texts]
    session.add(question)
    await session.flush()
    proposal.question_id = question.id
    proposal.status = ProposalStatus.ACCEPTED
    proposal.decided_at, proposal.decided_by_user_id = now, actor_user_id
    proposal.version += 1
    await session.flush()
    await proposals.tell(session, proposal)
    await audit.record(
        session,
        "proposal.checkin",
        now=now,
        actor_user_id=actor_user_id,
        community_id=proposal.community_id,
        target=f"proposal:{proposal.id}",
        details={"question": question.id},
    )
    return question

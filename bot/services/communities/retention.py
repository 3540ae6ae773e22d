"""Retention: what members told (answers, stories, check-in replies, voice references) is kept
for the community's retention period and then deleted, with what was derived from it.

The deletes are plain `DELETE … WHERE created_at < cutoff`: running them on several
instances at once is safe (the second finds nothing left and records nothing).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Answer,
    AnswerSource,
    Community,
    Conversation,
    ConversationMessage,
    InputRun,
    Proposal,
    Support,
)
from bot.db.notices import ROWS_ERASED, notify_after_commit
from bot.services import audit

DEFAULT_MONTHS = 24
# The privacy notice promises deletion after at most this many months.
MAX_MONTHS = 24
ACTION = "retention.purge"
# The tables a purge deletes from: dead row versions to vacuum (PostgreSQL).
PURGED_TABLES: tuple[str, ...] = (
    str(Answer.__tablename__),
    str(InputRun.__tablename__),
    str(ConversationMessage.__tablename__),
    str(Conversation.__tablename__),
)


class RetentionError(ValueError):
    """The retention period cannot be set as asked; the message says why."""


@dataclass(frozen=True)
class CommunityPurge:
    """What goes (or went) in one community: counts and the oldest date, never content."""

    community_id: int
    code: str
    name: str
    retention_months: int
    cutoff: datetime
    answers: int
    stories: int
    voice_notes: int
    input_runs: int
    oldest: datetime | None
    # Messages in conversations (members', organisers' answers and internal notes).
    conversation_messages: int = 0
    # Proposals and supports («Co-ownership»): deleted, or for a topic on an agenda unlinked.
    proposals: int = 0

    @property
    def total(self) -> int:
        return (
            self.answers
            + self.stories
            + self.input_runs
            + self.conversation_messages
            + self.proposals
        )


def months_before(moment: datetime, months: int) -> datetime:
    """The same wall-clock moment `months` calendar months earlier (31 March − 1 → 28/29 Feb)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


async def _communities(session: AsyncSession, code: str | None) -> Sequence[Community]:
    query = select(Community).order_by(Community.id)
    if code is not None:
        query = query.where(Community.code == code)
    found = (await session.scalars(query)).all()
    if code is not None and not found:
        raise RetentionError(f"no community with the code {code!r}")
    return found


async def _plan_one(session: AsyncSession, community: Community, now: datetime) -> CommunityPurge:
    cutoff = months_before(now, community.retention_months)
    old = (Answer.community_id == community.id, Answer.created_at < cutoff)
    is_story = Answer.source == AnswerSource.STORY
    row = (
        await session.execute(
            select(
                func.count(Answer.id).filter(~is_story),
                func.count(Answer.id).filter(is_story),
                func.count(Answer.voice_file_id),
                func.min(Answer.created_at),
            ).where(*old)
        )
    ).one()
    runs = await session.scalar(
        select(func.count(InputRun.id)).where(*_old_runs(community, cutoff))
    )
    said = await session.scalar(
        select(func.count(ConversationMessage.id)).where(*_old_messages(community, cutoff))
    )
    return CommunityPurge(
        community_id=community.id,
        code=community.code,
        name=community.name,
        retention_months=community.retention_months,
        cutoff=cutoff,
        answers=int(row[0] or 0),
        stories=int(row[1] or 0),
        voice_notes=int(row[2] or 0),
        input_runs=int(runs or 0),
        oldest=row[3],
        conversation_messages=int(said or 0),
    )


def _old_messages(community: Community, cutoff: datetime) -> tuple[object, ...]:
    threads = select(Conversation.id).where(Conversation.community_id == community.id)
    return (
        ConversationMessage.conversation_id.in_(threads),
        ConversationMessage.created_at < cutoff,
    )


def _old_runs(community: Community, cutoff: datetime) -> tuple[object, ...]:
    # A run says who answered which meeting's questions and when: derived from the answers,
    # so it goes when it was last touched before the cutoff.
    return (InputRun.community_id == community.id, InputRun.updated_at < cutoff)


async def plan(
    session: AsyncSession, *, now: datetime, community_code: str | None = None
) -> list[CommunityPurge]:
    """What a purge now would delete, per community (a dry run; changes nothing)."""
    return [
        await _plan_one(session, community, now)
        for community in await _communities(session, community_code)
    ]


async def purge(
    session: AsyncSession, *, now: datetime, community_code: str | None = None
) -> list[CommunityPurge]:
    """Delete everything older than each community's retention period; commit after each
    community; one audit event per community where something went (counts only)."""
    done = []
    for community in await _communities(session, community_code):
        cutoff = months_before(now, community.retention_months)
        planned = await _plan_one(session, community, now)
        old = (Answer.community_id == community.id, Answer.created_at < cutoff)
        stories = (
            await session.execute(
                delete(Answer)
                .where(*old, Answer.source == AnswerSource.STORY)
                .execution_options(synchronize_session=False)
            )
        ).rowcount or 0
        answers = (
            await session.execute(
                delete(Answer).where(*old).execution_options(synchronize_session=False)
            )
        ).rowcount or 0
        runs = (
            await session.execute(
                delete(InputRun)
                .where(*_old_runs(community, cutoff))
                .execution_options(synchronize_session=False)
            )
        ).rowcount or 0
        said = (
            await session.execute(
                delete(ConversationMessage)
                .where(*_old_messages(community, cutoff))
                .execution_options(synchronize_session=False)
            )
        ).rowcount or 0
        # Proposals are kept like answers: old supports and proposals go; a topic that reached
        # an agenda keeps its text without its proposer (or their voice).
        mine = (Proposal.community_id == community.id, Proposal.created_at < cutoff)
        topics = (
            await session.execute(
                delete(Support)
                .where(
                    Support.created_at < cutoff,
                    Support.proposal_id.in_(
                        select(Proposal.id).where(Proposal.community_id == community.id)
                    ),
                )
                .execution_options(synchronize_session=False)
            )
        ).rowcount or 0
        topics += (
            await session.execute(
                update(Proposal)
                .where(*mine, Proposal.on_agenda.is_(True), Proposal.member_id.is_not(None))
                .values(member_id=None, dedupe_key=None, voice_file_id=None, voice_duration=None)
                .execution_options(synchronize_session=False)
            )
        ).rowcount or 0
        topics += (
            await session.execute(
                delete(Proposal)
                .where(*mine, Proposal.on_agenda.is_(False))
                .execution_options(synchronize_session=False)
            )
        ).rowcount or 0
        # A conversation with nothing left in it goes too (who wrote to whom, and when).
        await session.execute(
            delete(Conversation)
            .where(
                Conversation.community_id == community.id,
                Conversation.last_activity_at < cutoff,
                ~Conversation.id.in_(select(ConversationMessage.conversation_id)),
            )
            .execution_options(synchronize_session=False)
        )
        result = CommunityPurge(
            community_id=community.id,
            code=community.code,
            name=community.name,
            retention_months=community.retention_months,
            cutoff=cutoff,
            answers=answers,
            stories=stories,
            # Another instance may have deleted some in between: never report more than went.
            voice_notes=min(planned.voice_notes, answers + stories),
            input_runs=runs,
            oldest=planned.oldest if answers + stories else None,
            conversation_messages=said,
            proposals=topics,
        )
        if result.total:
            await audit.record(
                session,
                ACTION,
                now=now,
                community_id=community.id,
                target=f"community:{community.code}",
                row_count=result.total,
                details={
                    "answers": answers,
                    "stories": stories,
                    "voice_notes": result.voice_notes,
                    "input_runs": runs,
                    "conversation_messages": said,
                    "proposals": topics,
                    "retention_months": community.retention_months,
                    "cutoff": cutoff.isoformat(),
                },
            )
            # Once committed, the scrub job makes the deleted words leave the disk.
            notify_after_commit(session, ROWS_ERASED)
        await session.commit()
        done.append(result)
    return done


async def set_months(
    session: AsyncSession,
    *,
    community_code: str,
    months: int,
    now: datetime,
    actor_user_id: int | None = None,
) -> tuple[int, int]:
    """Set a community's retention period; returns (old, new). Audited; commits."""
    if not 1 <= months <= MAX_MONTHS:
        raise RetentionError(f"the retention period must be 1 to {MAX_MONTHS} months")
    community = await session.scalar(select(Community).where(Community.code == community_code))
    if community is None:
        raise RetentionError(f"no community with the code {community_code!r}")
    old = community.retention_months
    community.retention_months = months
    await audit.record(
        session,
        "community.retention",
        now=now,
        actor_user_id=actor_user_id,
        community_id=community.id,
        target=f"community:{community.code}",
        row_count=1,
        details={"from_months": old, "to_months": months},
    )
    await session.commit()
    return old, months

"""Members support the accepted proposals of a meeting they are invited to: up to the
meeting's number of supports each (default 3), changeable until the meeting starts. The
organiser sees the ranking with counts per language group, never who supported what."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Community,
    Meeting,
    MeetingStatus,
    Member,
    Proposal,
    ProposalStatus,
    Support,
)
from bot.services import audit, meetings, proposals
from bot.services.meetings import invitations
from bot.services.proposals import ProposalError, Shown

DEFAULT_LIMIT = 3
MAX_LIMIT = 10


@dataclass(frozen=True)
class BallotItem:
    number: int  # 1, 2, 3… as the member sees them
    shown: Shown
    supported: bool


@dataclass(frozen=True)
class Ballot:
    meeting: Meeting
    title: str
    items: list[BallotItem]
    used: int
    limit: int
    open: bool  # supports can still change (the meeting has not started)


async def _voter_meeting(session: AsyncSession, member: Member, meeting_id: int) -> Meeting | None:
    """The meeting when the member was invited to it (and belongs to its community)."""
    meeting = await meetings.for_member(session, member.id, meeting_id)
    if meeting is None or not await invitations.is_invited(session, meeting.id, member.id):
        return None
    return meeting


async def used(session: AsyncSession, meeting_id: int, member_id: int) -> set[int]:
    """The accepted proposals of the meeting this member supports."""
    found = await session.scalars(
        select(Support.proposal_id)
        .join(Proposal, Proposal.id == Support.proposal_id)
        .where(
            Support.meeting_id == meeting_id,
            Support.member_id == member_id,
            Proposal.status == ProposalStatus.ACCEPTED,
        )
    )
    return set(found)


async def ballot(
    session: AsyncSession, member: Member, meeting_id: int, *, now: datetime | None
) -> Ballot | None:
    """The accepted proposals of a meeting in the member's language, with their supports;
    None when the member was not invited to it. Without `now` (an outbox renderer has no
    clock) the ballot is open while the meeting is scheduled; a late tap is refused anyway."""
    meeting = await _voter_meeting(session, member, meeting_id)
    if meeting is None:
        return None
    community = await session.get(Community, meeting.community_id)
    assert community is not None
    accepted = await proposals.of_meeting(session, meeting.id, [ProposalStatus.ACCEPTED])
    mine = await used(session, meeting.id, member.id)
    items = [
        BallotItem(
            number,
            proposals.shown(p, member.locale, community.default_locale),
            p.id in mine,
        )
        for number, p in enumerate(accepted, 1)
    ]
    return Ballot(
        meeting=meeting,
        title=meetings.text_for(meeting, member.locale, community.default_locale).title,
        items=items,
        used=len(mine),
        limit=meeting.supports_per_member,
        open=meeting.status == MeetingStatus.SCHEDULED
        and (now is None or not meetings.has_started(meeting, now)),
    )


@dataclass(frozen=True)
class Toggled:
    meeting_id: int
    supported: bool  # the member supports the proposal now
    used: int
    limit: int


async def toggle(
    session: AsyncSession, member: Member, proposal_id: int, *, now: datetime
) -> Toggled:
    """Support a proposal, or take the support back; ProposalError("gone" | "started" |
    "cancelled" | "limit") when it cannot change. A refusal changes nothing (the caller
    audits it)."""
    proposal = await session.get(Proposal, proposal_id)
    if proposal is None or proposal.meeting_id is None:
        raise ProposalError("gone")
    meeting = await _voter_meeting(session, member, proposal.meeting_id)
    if meeting is None or proposal.status != ProposalStatus.ACCEPTED:
        raise ProposalError("gone")
    if meeting.status == MeetingStatus.CANCELLED:
        raise ProposalError("cancelled")
    if meetings.has_started(meeting, now):
        raise ProposalError("started")
    mine = await used(session, meeting.id, member.id)
    if proposal.id in mine:
        existing = await session.scalar(
            select(Support).where(
                Support.proposal_id == proposal.id, Support.member_id == member.id
            )
        )
        if existing is not None:
            await session.delete(existing)
        await session.flush()
        return Toggled(meeting.id, False, len(mine) - 1, meeting.supports_per_member)
    if len(mine) >= meeting.supports_per_member:
        raise ProposalError("limit")
    session.add(
        Support(
            proposal_id=proposal.id, meeting_id=meeting.id, member_id=member.id, created_at=now
        )
    )
    await session.flush()
    return Toggled(meeting.id, True, len(mine) + 1, meeting.supports_per_member)


async def set_limit(
    session: AsyncSession, meeting: Meeting, limit: int, *, now: datetime, actor_user_id: int
) -> None:
    """The organiser's number of supports per member; supports already given stay."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ProposalError("bad_limit")
    meeting.supports_per_member = limit
    await session.flush()
    await audit.record(
        session,
        "meeting.supports",
        now=now,
        actor_user_id=actor_user_id,
        community_id=meeting.community_id,
        target=f"meeting:{meeting.id}",
        details={"limit": limit},
    )


# --- the ranking -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    proposal: Proposal
    shown: Shown  # in the organiser's language
    supports: int
    by_language: dict[str, int] = field(default_factory=dict)  # supporters' language → count
    proposer_language: str = ""


@dataclass(frozen=True)
class Ranking:
    items: list[Ranked]
    # Per language group: accepted proposals from that group, and how many are on the agenda.
    proposed_by_language: dict[str, int]
    on_agenda_by_language: dict[str, int]


async def ranking(session: AsyncSession, meeting: Meeting, *, locale: str | None) -> Ranking:
    """The accepted proposals, most supported first (then the oldest), with counts per
    language group of the supporters; nobody's name."""
    community = await session.get(Community, meeting.community_id)
    assert community is not None
    accepted = await proposals.of_meeting(session, meeting.id, [ProposalStatus.ACCEPTED])
    rows = await session.execute(
        select(Support.proposal_id, Member.locale, func.count())
        .join(Member, Member.id == Support.member_id)
        .where(Support.meeting_id == meeting.id)
        .group_by(Support.proposal_id, Member.locale)
    )
    counts: dict[int, Counter[str]] = {}
    for proposal_id, member_locale, n in rows:
        group = (member_locale or community.default_locale).split("-")[0]
        counts.setdefault(proposal_id, Counter())[group] += n
    items = [
        Ranked(
            proposal=p,
            shown=proposals.shown(p, locale, community.default_locale),
            supports=sum(counts.get(p.id, Counter()).values()),
            by_language=dict(sorted(counts.get(p.id, Counter()).items())),
            proposer_language=p.source_locale.split("-")[0],
        )
        for p in accepted
    ]
    items.sort(key=lambda r: (-r.supports, r.proposal.id))
    proposed: Counter[str] = Counter(r.proposer_language for r in items)
    agenda: Counter[str] = Counter(r.proposer_language for r in items if r.proposal.on_agenda)
    return Ranking(items, dict(sorted(proposed.items())), dict(sorted(agenda.items())))


async def voice_of(session: AsyncSession, member: Member, proposal_id: int) -> str:
    """The voice note of an accepted proposal of a meeting the member is invited to."""
    proposal = await session.get(Proposal, proposal_id)
    if proposal is None or proposal.meeting_id is None or not proposal.voice_file_id:
        raise ProposalError("gone")
    if proposal.status != ProposalStatus.ACCEPTED:
        raise ProposalError("gone")
    if await _voter_meeting(session, member, proposal.meeting_id) is None:
        raise ProposalError("gone")
    return proposal.voice_file_id

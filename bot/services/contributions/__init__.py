"""The contributions log: one row per thing a community member contributed.

Automatic rows come from the work itself and are confirmed at once: a meeting an ambassador
co-hosted (its duration, once it has ended), a proposal that reached an agenda, a translation
an organiser accepted (its words). Each carries a dedupe key, so recording the same event
twice — a job on two instances, a retried call — keeps one row. Activities people report
themselves with /contribute wait for an organiser or coordinator of the community to confirm
or decline them in chat.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Community,
    Contribution,
    ContributionKind,
    ContributionStatus,
    Meeting,
    MeetingHost,
    MeetingStatus,
    Member,
    Proposal,
    Role,
    RoleAssignment,
    Statement,
)
from bot.services import audit, outbox
from bot.services.conversations.notices import _recipient
from bot.services.meetings import DEFAULT_DURATION

# An activity longer than this in one go is questioned before it is kept.
MAX_MINUTES = 12 * 60
# Outbox: the organisers' notice with Confirm / Decline, and the person's answer.
PURPOSE_NOTICE = "staff.contribution"
KIND_NOTICE = "contribution.notice"
PURPOSE_DECIDED = "contribution.decided"
KIND_DECIDED = "contribution.decided"
# Problems a self-reported activity is questioned about (the person may keep it anyway).
FUTURE = "future"
TOO_LONG = "too_long"
OVERLAP = "overlap"


# --- automatic rows --------------------------------------------------------------------------


async def _add_once(session: AsyncSession, row: Contribution) -> Contribution | None:
    """Add an automatic row unless its dedupe key is already in the log."""
    found = await session.scalar(
        select(Contribution.id).where(Contribution.dedupe_key == row.dedupe_key)
    )
    if found is not None:
        return None
    session.add(row)
    await session.flush()
    return row


def meeting_minutes(meeting: Meeting) -> int:
    """How long a meeting lasted, from its times (two hours when no end was given)."""
    ends_at = meeting.ends_at or meeting.starts_at + DEFAULT_DURATION
    return max(0, int((ends_at - meeting.starts_at).total_seconds() // 60))


async def record_cohosted(session: AsyncSession, *, now: datetime) -> int:
    """One row per co-host of every meeting that has ended (and was not cancelled) by `now`.

    Idempotent: safe to run every few minutes and on every instance; the caller commits.
    Returns how many rows were added."""
    ended = Meeting.ends_at.is_not(None) & (Meeting.ends_at <= now)
    unset = Meeting.ends_at.is_(None) & (Meeting.starts_at <= now - DEFAULT_DURATION)
    rows = (
        await session.execute(
            select(Meeting, MeetingHost.member_id)
            .join(MeetingHost, MeetingHost.meeting_id == Meeting.id)
            .outerjoin(
                Contribution,
                and_(
                    Contribution.meeting_id == Meeting.id,
                    Contribution.member_id == MeetingHost.member_id,
                    Contribution.kind == ContributionKind.COHOST,
                ),
            )
            .where(Meeting.status == MeetingStatus.SCHEDULED, ended | unset)
            .where(Contribution.id.is_(None))
            .order_by(Meeting.id, MeetingHost.member_id)
        )
    ).all()
    added = 0
    for meeting, member_id in rows:
        row = Contribution(
            community_id=meeting.community_id,
            member_id=member_id,
            kind=ContributionKind.COHOST,
            occurred_at=meeting.starts_at,
            minutes=meeting_minutes(meeting),
            status=ContributionStatus.CONFIRMED,
            decided_at=now,
            meeting_id=meeting.id,
            dedupe_key=f"cohost:{meeting.id}:{member_id}",
            created_at=now,
        )
        if await _add_once(session, row) is not None:
            added += 1
    return added


async def record_proposal_on_agenda(
    session: AsyncSession, proposal: Proposal, *, now: datetime
) -> Contribution | None:
    """The proposer contributed a topic that reached an agenda; None when there is nobody to
    credit (an erased proposer) or it was recorded before. For the co-ownership services to
    call when they put a proposal on an agenda; the caller commits."""
    if proposal.member_id is None:
        return None
    return await _add_once(
        session,
        Contribution(
            community_id=proposal.community_id,
            member_id=proposal.member_id,
            kind=ContributionKind.PROPOSAL,
            occurred_at=now,
            status=ContributionStatus.CONFIRMED,
            decided_at=now,
            decided_by_user_id=proposal.decided_by_user_id,
            meeting_id=proposal.meeting_id,
            proposal_id=proposal.id,
            dedupe_key=f"proposal:{proposal.id}",
            created_at=now,
        ),
    )


async def record_translation(
    session: AsyncSession,
    *,
    community_id: int,
    member_id: int,
    words: int,
    reference: str,
    approved_by_user_id: int | None,
    now: datetime,
    meeting_id: int | None = None,
    proposal_id: int | None = None,
) -> Contribution | None:
    """A translation an organiser accepted, with its number of words. `reference` names what
    was translated ("meeting:12:ti", "catalog:ti:<msgid hash>") and makes the row unique per
    translator; None when it was recorded before. For the translators' features to call."""
    if words < 0:
        raise ValueError("a translation cannot have fewer than no words")
    return await _add_once(
        session,
        Contribution(
            community_id=community_id,
            member_id=member_id,
            kind=ContributionKind.TRANSLATION,
            occurred_at=now,
            words=words,
            status=ContributionStatus.CONFIRMED,
            decided_at=now,
            decided_by_user_id=approved_by_user_id,
            meeting_id=meeting_id,
            proposal_id=proposal_id,
            dedupe_key=f"translation:{reference}:{member_id}",
            created_at=now,
        ),
    )


def count_words(text: str) -> int:
    """Words as a translator's work is counted: runs of non-space characters."""
    return len(text.split())


# --- activities people report themselves -----------------------------------------------------


async def problems(
    session: AsyncSession,
    member_id: int,
    *,
    occurred_at: datetime,
    minutes: int,
    now: datetime,
) -> list[str]:
    """What to ask the person about before keeping an activity: in the future, longer than
    twelve hours, overlapping another activity of theirs that was not declined."""
    found = []
    if occurred_at > now:
        found.append(FUTURE)
    if minutes > MAX_MINUTES:
        found.append(TOO_LONG)
    ends_at = occurred_at + timedelta(minutes=minutes)
    others = await session.scalars(
        select(Contribution).where(
            Contribution.member_id == member_id,
            Contribution.kind.in_([ContributionKind.ACTIVITY, ContributionKind.COHOST]),
            Contribution.status != ContributionStatus.DECLINED,
            Contribution.minutes.is_not(None),
            Contribution.occurred_at < ends_at,
            # Narrowed in Python below: the end is start + minutes on both engines.
            Contribution.occurred_at > occurred_at - timedelta(minutes=MAX_MINUTES * 2),
        )
    )
    if any(
        other.occurred_at + timedelta(minutes=other.minutes or 0) > occurred_at for other in others
    ):
        found.append(OVERLAP)
    return found


async def report_activity(
    session: AsyncSession,
    member: Member,
    community_id: int,
    *,
    what: str,
    occurred_at: datetime,
    minutes: int,
    code: str,
    now: datetime,
) -> Contribution:
    """Keep a self-reported activity as pending and tell the community's organisers and
    coordinators, each with Confirm / Decline (through the outbox); the caller commits."""
    row = Contribution(
        community_id=community_id,
        member_id=member.id,
        kind=ContributionKind.ACTIVITY,
        what=what,
        occurred_at=occurred_at,
        minutes=minutes,
        status=ContributionStatus.PENDING,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    community = await session.get(Community, community_id)
    assert community is not None
    staff = await session.scalars(
        select(RoleAssignment.telegram_user_id)
        .where(
            RoleAssignment.community_id == community_id,
            RoleAssignment.role.in_([Role.ORGANISER, Role.COORDINATOR]),
            RoleAssignment.telegram_user_id != member.telegram_user_id,
        )
        .distinct()
    )
    for user_id in sorted(set(staff)):
        recipient = await _recipient(session, user_id, community.default_locale, now)
        await outbox.enqueue(
            session,
            purpose=PURPOSE_NOTICE,
            dedupe_key=f"contribution-notice:{row.id}:{user_id}",
            member_id=recipient.id,
            chat_id=user_id,
            # The person's pseudonymous code: organisers see no name here, as in the inbox.
            payload={"kind": KIND_NOTICE, "contribution_id": row.id, "code": code},
        )
    return row


@dataclass(frozen=True)
class Decision:
    contribution: Contribution
    changed: bool  # False: someone decided it before (the answer they gave stands)


async def decide(
    session: AsyncSession,
    contribution_id: int,
    *,
    confirm: bool,
    user_id: int,
    community_ids: Collection[int],
    now: datetime,
) -> Decision | None:
    """Confirm or decline a pending activity in one of the organiser's communities; None for
    one that is not theirs (or gone). The first decision wins (a conditional update), the
    person is told through the outbox, and it is audited."""
    row = await session.get(Contribution, contribution_id)
    if row is None or row.community_id not in community_ids:
        return None
    status = ContributionStatus.CONFIRMED if confirm else ContributionStatus.DECLINED
    moved = await session.execute(
        update(Contribution)
        .where(Contribution.id == row.id, Contribution.status == ContributionStatus.PENDING)
        .values(status=status, decided_by_user_id=user_id, decided_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(row)
    if not moved.rowcount:
        return Decision(row, changed=False)
    await audit.record(
        session,
        "contribution.confirm" if confirm else "contribution.decline",
        now=now,
        actor_user_id=user_id,
        community_id=row.community_id,
        target=f"contribution:{row.id}",
        row_count=1,
    )
    member = await session.get(Member, row.member_id) if row.member_id else None
    if member is not None:
        await outbox.enqueue(
            session,
            purpose=PURPOSE_DECIDED,
            dedupe_key=f"contribution-decided:{row.id}",
            member_id=member.id,
            chat_id=member.telegram_user_id,
            payload={"kind": KIND_DECIDED, "contribution_id": row.id},
        )
    return Decision(row, changed=True)


# --- reading and erasing ---------------------------------------------------------------------


async def get(session: AsyncSession, contribution_id: int) -> Contribution | None:
    return await session.get(Contribution, contribution_id)


async def of_member(session: AsyncSession, member_id: int) -> Sequence[Contribution]:
    """The person's own log, newest first."""
    found = await session.scalars(
        select(Contribution)
        .where(Contribution.member_id == member_id)
        .order_by(Contribution.occurred_at.desc(), Contribution.id.desc())
    )
    return found.all()


async def erase(session: AsyncSession, member_id: int, telegram_user_id: int) -> dict[str, int]:
    """The person's rows go; statements already produced keep their totals without them, and
    what they decided as an organiser stays without their id. The caller commits."""
    counts = {}
    result = await session.execute(delete(Contribution).where(Contribution.member_id == member_id))
    counts["contributions"] = result.rowcount or 0
    result = await session.execute(delete(MeetingHost).where(MeetingHost.member_id == member_id))
    counts["meeting_hosts"] = result.rowcount or 0
    result = await session.execute(
        update(Statement).where(Statement.member_id == member_id).values(member_id=None)
    )
    counts["statements_unlinked"] = result.rowcount or 0
    await session.execute(
        update(Contribution)
        .where(Contribution.decided_by_user_id == telegram_user_id)
        .values(decided_by_user_id=None)
    )
    return counts

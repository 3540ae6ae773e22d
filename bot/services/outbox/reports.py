"""What became of queued messages: status counts, broadcast summaries, and resending."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Broadcast,
    Community,
    OutboxMessage,
    OutboxState,
    Role,
)
from bot.db.notices import OUTBOX_QUEUED, notify_after_commit
from bot.services import audit
from bot.services.communities import roles

# --- reporting and resending ----------------------------------------------------------------


@dataclass(frozen=True)
class StatusRow:
    purpose: str
    state: OutboxState
    reason: str | None
    count: int


async def status(
    session: AsyncSession, *, purpose: str | None = None, broadcast_id: int | None = None
) -> list[StatusRow]:
    """Counts by purpose, state and reason."""
    query = select(
        OutboxMessage.purpose, OutboxMessage.state, OutboxMessage.reason, func.count()
    ).group_by(OutboxMessage.purpose, OutboxMessage.state, OutboxMessage.reason)
    query = _filtered(query, purpose, broadcast_id)
    rows = [StatusRow(p, OutboxState(s), r, n) for p, s, r, n in await session.execute(query)]
    order = list(OutboxState)
    return sorted(rows, key=lambda r: (r.purpose, order.index(r.state), r.reason or ""))


def _filtered(query: Any, purpose: str | None, broadcast_id: int | None) -> Any:
    if purpose is not None:
        query = query.where(OutboxMessage.purpose == purpose)
    if broadcast_id is not None:
        query = query.where(OutboxMessage.broadcast_id == broadcast_id)
    return query


@dataclass(frozen=True)
class BroadcastSummary:
    id: int
    community_id: int
    community_name: str
    purpose: str
    created_at: datetime
    counts: dict[OutboxState, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def active(self) -> int:
        return self.counts.get(OutboxState.QUEUED, 0) + self.counts.get(OutboxState.SENDING, 0)

    @property
    def done(self) -> int:
        return self.total - self.active

    def count(self, state: OutboxState) -> int:
        return self.counts.get(state, 0)


async def broadcast_summaries(
    session: AsyncSession,
    *,
    community_ids: Collection[int] | None = None,
    broadcast_ids: Collection[int] | None = None,
    purpose: str | None = None,
    active_only: bool = False,
    limit: int = 10,
) -> list[BroadcastSummary]:
    """The newest broadcasts with their counts by state."""
    query = (
        select(Broadcast, Community.name)
        .join(Community, Community.id == Broadcast.community_id)
        .order_by(Broadcast.created_at.desc(), Broadcast.id.desc())
        .limit(limit)
    )
    if community_ids is not None:
        query = query.where(Broadcast.community_id.in_(community_ids))
    if broadcast_ids is not None:
        query = query.where(Broadcast.id.in_(broadcast_ids))
    if purpose is not None:
        query = query.where(Broadcast.purpose == purpose)
    if active_only:
        query = query.where(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.broadcast_id == Broadcast.id,
                OutboxMessage.state.in_([OutboxState.QUEUED, OutboxState.SENDING]),
            )
            .exists()
        )
    found = (await session.execute(query)).all()
    if not found:
        return []
    ids = [broadcast.id for broadcast, _name in found]
    counts: dict[int, dict[OutboxState, int]] = {i: {} for i in ids}
    grouped = await session.execute(
        select(OutboxMessage.broadcast_id, OutboxMessage.state, func.count())
        .where(OutboxMessage.broadcast_id.in_(ids))
        .group_by(OutboxMessage.broadcast_id, OutboxMessage.state)
    )
    for broadcast_id, state, count in grouped:
        counts[broadcast_id][OutboxState(state)] = count
    return [
        BroadcastSummary(
            id=broadcast.id,
            community_id=broadcast.community_id,
            community_name=name,
            purpose=broadcast.purpose,
            created_at=broadcast.created_at,
            counts=counts[broadcast.id],
        )
        for broadcast, name in found
    ]


async def resend(
    session: AsyncSession,
    *,
    states: Iterable[OutboxState],
    now: datetime,
    purpose: str | None = None,
    broadcast_id: int | None = None,
    actor_user_id: int | None = None,
) -> int:
    """Deliberately queue `failed` or `unknown` rows again; audited.

    Parts already delivered of a long message are not sent again. Whether the member can
    still be reached is checked again when the row is claimed.
    """
    wanted = set(states)
    if not wanted <= {OutboxState.FAILED, OutboxState.UNKNOWN}:
        raise ValueError("only failed and unknown rows can be resent")
    statement = update(OutboxMessage).where(OutboxMessage.state.in_(wanted))
    statement = _filtered(statement, purpose, broadcast_id)
    statement = statement.values(
        state=OutboxState.QUEUED,
        reason=None,
        attempts=0,
        throttled=0,
        next_attempt_at=now,
        claimed_by=None,
        claimed_at=None,
        updated_at=now,
    ).execution_options(synchronize_session=False)
    count = (await session.execute(statement)).rowcount or 0
    community_id = None
    if broadcast_id is not None:
        community_id = await session.scalar(
            select(Broadcast.community_id).where(Broadcast.id == broadcast_id)
        )
    await audit.record(
        session,
        "outbox.resend",
        now=now,
        actor_user_id=actor_user_id,
        community_id=community_id,
        target=f"broadcast:{broadcast_id}" if broadcast_id is not None else purpose,
        row_count=count,
        details={"states": sorted(s.value for s in wanted)},
    )
    if count:
        notify_after_commit(session, OUTBOX_QUEUED)
    await session.flush()
    return count


# --- organisers ------------------------------------------------------------------------------


async def broadcasts_for_organiser(
    session: AsyncSession,
    telegram_user_id: int,
    *,
    installation_coordinators: Collection[int] = (),
    limit: int = 5,
) -> list[BroadcastSummary]:
    """The newest broadcasts of the communities this user organises."""
    communities = await roles.communities_for(
        session,
        telegram_user_id,
        Role.ORGANISER,
        installation_coordinators=installation_coordinators,
    )
    if not communities:
        return []
    return await broadcast_summaries(
        session, community_ids=[c.id for c in communities], limit=limit
    )


async def resend_failed_for_organiser(
    session: AsyncSession,
    telegram_user_id: int,
    broadcast_id: int,
    *,
    now: datetime,
    installation_coordinators: Collection[int] = (),
) -> int | None:
    """Requeue the failed rows of a broadcast; None when the broadcast is not theirs."""
    community_id = await session.scalar(
        select(Broadcast.community_id).where(Broadcast.id == broadcast_id)
    )
    if community_id is None or not await roles.has_role(
        session,
        telegram_user_id,
        community_id,
        Role.ORGANISER,
        installation_coordinators=installation_coordinators,
    ):
        return None
    return await resend(
        session,
        states=[OutboxState.FAILED],
        now=now,
        broadcast_id=broadcast_id,
        actor_user_id=telegram_user_id,
    )

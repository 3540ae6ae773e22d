"""The audit trail: who did what, when, to how many rows. Ids and counts, never content."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AuditEvent


async def record(
    session: AsyncSession,
    action: str,
    *,
    now: datetime,
    actor_user_id: int | None = None,
    community_id: int | None = None,
    target: str | None = None,
    row_count: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the caller's transaction."""
    event = AuditEvent(
        at=now,
        action=action,
        actor_user_id=actor_user_id,
        community_id=community_id,
        target=target,
        row_count=row_count,
        details=details or {},
    )
    session.add(event)
    await session.flush()
    return event


async def events(
    session: AsyncSession,
    *,
    action: str | None = None,
    community_id: int | None = None,
    actor_user_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 200,
) -> Sequence[AuditEvent]:
    """The newest events first, filtered."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    if community_id is not None:
        query = query.where(AuditEvent.community_id == community_id)
    if actor_user_id is not None:
        query = query.where(AuditEvent.actor_user_id == actor_user_id)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if until is not None:
        query = query.where(AuditEvent.at < until)
    return (await session.scalars(query)).all()

"""Claiming due outbox rows for a dispatcher and recording what became of them.

Claimed with `FOR UPDATE SKIP LOCKED` (PostgreSQL) or a conditional `UPDATE … RETURNING`
(SQLite), so any number of dispatchers can run at once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Member,
    OutboxMessage,
    OutboxState,
)
from bot.services import members
from bot.services.members import privacy
from bot.services.outbox import (
    BACKOFF_FACTOR,
    MAX_THROTTLES,
    STAFF_PREFIX,
    Claimed,
    ClaimResult,
    Outcome,
    Reason,
    Verdict,
    _is_postgres,
)

# --- claiming and recording (the dispatcher) -------------------------------------------------


async def claim(session: AsyncSession, *, instance: str, now: datetime, limit: int) -> ClaimResult:
    """Claim up to `limit` due rows for `instance`, and commit them as `sending`.

    PostgreSQL: `FOR UPDATE SKIP LOCKED`, so instances claiming at the same moment get
    different rows without waiting. SQLite: one writer at a time (BEGIN IMMEDIATE), and the
    `UPDATE … WHERE state = 'queued' … RETURNING` only returns rows it really moved.

    Rows whose member can no longer be reached (stopped, blocked, erased, no consent) are
    marked `skipped` in the same transaction and never sent.
    """
    due = (
        select(OutboxMessage.id)
        .where(OutboxMessage.state == OutboxState.QUEUED, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    if _is_postgres(session):
        # A materialized CTE: as `IN (subquery … LIMIT)` PostgreSQL may run the subquery
        # again per row and claim more than `limit` rows.
        locked = due.with_for_update(skip_locked=True).cte("due").prefix_with("MATERIALIZED")
        claimable = OutboxMessage.id == locked.c.id
    else:
        claimable = OutboxMessage.id.in_(due)
    statement = (
        update(OutboxMessage)
        .where(claimable, OutboxMessage.state == OutboxState.QUEUED)
        .values(
            state=OutboxState.SENDING,
            attempts=OutboxMessage.attempts + 1,
            claimed_by=instance,
            claimed_at=now,
            updated_at=now,
        )
        .returning(
            OutboxMessage.id,
            OutboxMessage.purpose,
            OutboxMessage.member_id,
            OutboxMessage.chat_id,
            OutboxMessage.payload,
            OutboxMessage.attempts,
            OutboxMessage.throttled,
            OutboxMessage.parts_sent,
            OutboxMessage.broadcast_id,
            OutboxMessage.next_attempt_at,
        )
        .execution_options(synchronize_session=False)
    )
    claimed = sorted((await session.execute(statement)).all(), key=lambda r: (r[9], r[0]))
    member_ids = {row.member_id for row in claimed if row.member_id is not None}
    members: dict[int, Member] = {}
    if member_ids:
        found = await session.scalars(select(Member).where(Member.id.in_(member_ids)))
        members = {member.id: member for member in found}

    result = ClaimResult()
    skipped: dict[Reason, list[int]] = {}
    for row in claimed:
        member = members.get(row.member_id) if row.member_id is not None else None
        reason = unreachable_reason(member, staff=row.purpose.startswith(STAFF_PREFIX))
        if reason is None and row.chat_id is None:
            reason = Reason.MEMBER_ERASED
        if reason is not None:
            skipped.setdefault(reason, []).append(row.id)
            continue
        assert member is not None
        result.rows.append(
            Claimed(
                id=row.id,
                purpose=row.purpose,
                member_id=member.id,
                chat_id=row.chat_id,
                payload=dict(row.payload or {}),
                attempts=row.attempts,
                throttled=row.throttled,
                parts_sent=row.parts_sent,
                broadcast_id=row.broadcast_id,
                locale=member.locale,
                time_zone=member.time_zone,
                reads_locales=tuple(member.reads_locales or ()),
            )
        )
    for reason, ids in skipped.items():
        values: dict[str, Any] = {
            "state": OutboxState.SKIPPED,
            "reason": reason,
            "updated_at": now,
        }
        if reason is Reason.MEMBER_ERASED:
            # Erased means erased: nothing about them stays in the queue.
            values.update(payload={}, chat_id=None)
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        result.skipped += len(ids)
    await session.commit()
    return result


def unreachable_reason(member: Member | None, *, staff: bool = False) -> Reason | None:
    """Why a member may not get broadcasts or check-ins now; None when they may.

    Messages to staff about their work (`staff`) ask no member consent of them and ignore
    /stop, which is a member's choice about the community's messages."""
    if member is None:
        return Reason.MEMBER_ERASED
    if member.blocked_at is not None:
        return Reason.MEMBER_BLOCKED
    if staff:
        return None
    if member.stopped_at is not None:
        return Reason.MEMBER_STOPPED
    if not members.consent_is_current(member, privacy.current_notice_version()):
        return Reason.NO_CONSENT
    return None


def backoff(attempts: int, retry_seconds: float) -> timedelta:
    """How long to wait before the next attempt after `attempts` failed ones."""
    return timedelta(seconds=retry_seconds * BACKOFF_FACTOR ** max(attempts - 1, 0))


async def record(
    session: AsyncSession,
    outcomes: Sequence[Outcome],
    *,
    instance: str,
    now: datetime,
    max_attempts: int,
    retry_seconds: float,
) -> None:
    """Write what happened to claimed rows, and commit.

    Each update only touches the row if it still belongs to this claim (same instance, same
    attempt): a row an organiser deliberately requeued meanwhile is left alone.
    """
    if not outcomes:
        return
    params = [_values_for(o, now, max_attempts, retry_seconds) for o in outcomes]
    for param in params:
        param["b_instance"] = instance
    table = OutboxMessage.__table__
    statement = (
        update(table)
        .where(
            table.c.id == bindparam("b_id"),
            table.c.claimed_by == bindparam("b_instance"),
            table.c.attempts == bindparam("b_claim_attempts"),
            # No IN (…): expanding parameters cannot be used with executemany.
            or_(
                table.c.state == OutboxState.SENDING.value,
                table.c.state == OutboxState.UNKNOWN.value,
            ),
        )
        .values(
            state=bindparam("b_state"),
            reason=bindparam("b_reason"),
            attempts=bindparam("b_attempts"),
            throttled=bindparam("b_throttled"),
            parts_sent=bindparam("b_parts_sent"),
            next_attempt_at=bindparam("b_next_attempt_at"),
            telegram_message_id=bindparam("b_message_id"),
            sent_at=bindparam("b_sent_at"),
            updated_at=bindparam("b_updated_at"),
        )
    )
    await session.execute(statement, params)
    blocked = {o.row.member_id for o in outcomes if o.verdict is Verdict.BLOCKED}
    if blocked:
        await session.execute(
            update(Member)
            .where(Member.id.in_(blocked), Member.blocked_at.is_(None))
            .values(blocked_at=now)
            .execution_options(synchronize_session=False)
        )
    await session.commit()


def _values_for(
    outcome: Outcome, now: datetime, max_attempts: int, retry_seconds: float
) -> dict[str, Any]:
    row = outcome.row
    state, reason = OutboxState.QUEUED, outcome.reason
    attempts, throttled = row.attempts, row.throttled
    next_attempt_at: datetime = now
    sent_at: datetime | None = None
    verdict = outcome.verdict
    if verdict is Verdict.SENT:
        state, reason, sent_at = OutboxState.SENT, None, now
    elif verdict is Verdict.BLOCKED:
        state = OutboxState.BLOCKED
    elif verdict is Verdict.FAILED:
        state = OutboxState.FAILED
    elif verdict is Verdict.RETRY:
        if attempts >= max_attempts:
            state = OutboxState.FAILED
        else:
            next_attempt_at = now + backoff(attempts, retry_seconds)
    elif verdict is Verdict.THROTTLED:
        # Telegram did not take the message: the attempt is given back.
        attempts, throttled = attempts - 1, throttled + 1
        reason = Reason.RATE_LIMITED
        if throttled >= MAX_THROTTLES:
            state = OutboxState.FAILED
        else:
            next_attempt_at = outcome.not_before or now + timedelta(
                seconds=outcome.retry_after or 1
            )
    elif verdict is Verdict.RELEASED:
        attempts = attempts - 1
        next_attempt_at = max(outcome.not_before or now, now)
    return {
        "b_id": row.id,
        "b_claim_attempts": row.attempts,
        "b_state": state.value,
        "b_reason": str(reason) if reason is not None else None,
        "b_attempts": attempts,
        "b_throttled": throttled,
        "b_parts_sent": max(outcome.parts_sent, row.parts_sent),
        "b_next_attempt_at": next_attempt_at,
        "b_message_id": outcome.message_id,
        "b_sent_at": sent_at,
        "b_updated_at": now,
    }


async def recover(
    session: AsyncSession, *, instance: str | None, now: datetime, lease: timedelta
) -> int:
    """Turn rows stuck in `sending` into `unknown`; never resend them. Commits.

    At start-up (`instance` given) the rows this instance left behind when it died are
    recovered at once; rows of any instance claimed longer ago than `lease` are recovered
    by every periodic run.
    """
    stuck = OutboxMessage.claimed_at < now - lease
    if instance is not None:
        stuck = or_(OutboxMessage.claimed_by == instance, stuck)
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.state == OutboxState.SENDING, stuck)
        .values(state=OutboxState.UNKNOWN, reason=Reason.OUTCOME_UNKNOWN, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.commit()
    return result.rowcount or 0

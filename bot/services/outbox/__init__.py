"""The outbox: every message that is not a direct reply is queued here, claimed by a
dispatcher, and ends in a state with a reason an organiser can read.

`enqueue` is what features call. The dispatcher (`bot.services.delivery`) uses `claim`,
`record` and `recover`; the command line and the organisers' chat view use `status`,
`progress`, `resend` and the broadcast summaries. Nothing here imports `telegram`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    DUE_AT_ONCE,
    Broadcast,
    Community,
    Member,
    OutboxMessage,
    OutboxState,
    Role,
)
from bot.db.notices import OUTBOX_QUEUED, notify_after_commit
from bot.services import audit, members
from bot.services.communities import roles
from bot.services.members import privacy

# A row Telegram keeps answering 429 for is given up after this many answers.
MAX_THROTTLES = 10
# Retries wait retry_seconds, then 4x as long, and so on.
BACKOFF_FACTOR = 4


class Reason(StrEnum):
    """Why a row is where it is. Stored as text: readable in the database and in reports."""

    # Telegram said 403: never retried, the member is marked blocked.
    BOT_BLOCKED = "bot_blocked"
    USER_DEACTIVATED = "user_deactivated"
    FORBIDDEN = "forbidden"
    # Telegram said 400: retrying would get the same answer.
    CHAT_NOT_FOUND = "chat_not_found"
    MESSAGE_TOO_LONG = "message_too_long"
    BAD_REQUEST = "bad_request"
    # Transient: retried with back-off, then failed.
    RATE_LIMITED = "rate_limited"
    TIMEOUT = "timeout"
    SERVER_ERROR = "server_error"
    NETWORK_ERROR = "network_error"
    # A crash between "sending" and "sent".
    OUTCOME_UNKNOWN = "outcome_unknown"
    # The payload could not be turned into a message (unknown kind, missing data).
    RENDER_FAILED = "render_failed"
    # A defect of ours while sending; not retried on its own, as the call may have gone out.
    INTERNAL_ERROR = "internal_error"
    # Skipped at send time: the member is no longer reachable.
    MEMBER_STOPPED = "member_stopped"
    MEMBER_BLOCKED = "member_blocked"
    MEMBER_ERASED = "member_erased"
    NO_CONSENT = "no_consent"
    # What the message was about is gone (a cancelled meeting's invitation).
    OBSOLETE = "obsolete"


class Verdict(StrEnum):
    """What happened to one claimed row, as the channel reports it."""

    SENT = "sent"
    RETRY = "retry"  # transient failure: back-off, or failed after the last attempt
    THROTTLED = "throttled"  # 429: not taken by Telegram, queued again after retry_after
    RELEASED = "released"  # never reached Telegram (sending paused or stopping)
    BLOCKED = "blocked"  # 403: member blocked the bot or is gone
    FAILED = "failed"  # permanent: retrying would not help


@dataclass(frozen=True)
class Claimed:
    """A row claimed for sending, with what is needed to render it; detached from sessions."""

    id: int
    purpose: str
    member_id: int
    chat_id: int
    payload: dict[str, Any]
    attempts: int  # including this claim; with `claimed_by` it identifies the claim
    throttled: int
    parts_sent: int
    broadcast_id: int | None
    locale: str | None
    time_zone: str | None


@dataclass(frozen=True)
class Outcome:
    row: Claimed
    verdict: Verdict
    reason: str | None = None
    message_id: int | None = None
    parts_sent: int = 0
    # THROTTLED: seconds Telegram asked us to wait; RELEASED: when to try again.
    retry_after: float | None = None
    not_before: datetime | None = None


@dataclass
class ClaimResult:
    rows: list[Claimed] = field(default_factory=list)
    skipped: int = 0

    @property
    def claimed(self) -> int:
        return len(self.rows) + self.skipped


# --- queuing -------------------------------------------------------------------------------


async def enqueue(
    session: AsyncSession,
    *,
    purpose: str,
    dedupe_key: str,
    member_id: int,
    chat_id: int,
    payload: dict[str, Any],
    not_before: datetime | None = None,
    broadcast_id: int | None = None,
) -> bool:
    """Queue one message in the caller's transaction (the caller commits).

    `payload` says what to send, `{"kind": "<renderer>", ...params}`; it is rendered in the
    recipient's language when it is sent. Returns False when `dedupe_key` was queued before:
    `INSERT … ON CONFLICT DO NOTHING`, so two instances queuing the same key at once are safe.
    The dispatcher is woken as soon as the transaction commits.
    """
    if not isinstance(payload.get("kind"), str) or not payload["kind"]:
        raise ValueError("payload needs a 'kind': the name of the renderer")
    values = {
        "dedupe_key": dedupe_key,
        "purpose": purpose,
        "broadcast_id": broadcast_id,
        "member_id": member_id,
        "chat_id": chat_id,
        "payload": payload,
        "state": OutboxState.QUEUED,
        "attempts": 0,
        "throttled": 0,
        "parts_sent": 0,
        "next_attempt_at": not_before or DUE_AT_ONCE,
    }
    insert = _insert_for(session)
    statement = (
        insert(OutboxMessage)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(OutboxMessage.id)
    )
    inserted = (await session.execute(statement)).scalar_one_or_none()
    if inserted is None:
        return False
    notify_after_commit(session, OUTBOX_QUEUED)
    return True


def _insert_for(session: AsyncSession) -> Any:
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        return postgresql.insert
    return sqlite.insert


def _is_postgres(session: AsyncSession) -> bool:
    return session.bind is not None and session.bind.dialect.name == "postgresql"


_CHUNK = 500


async def enqueue_broadcast(
    session: AsyncSession,
    broadcast: Broadcast,
    recipients: Sequence[tuple[int, int]],
    *,
    payload: dict[str, Any],
    dedupe_key: Callable[[int], str],
    now: datetime,
) -> int:
    """Queue one payload for many (member id, chat id) pairs as part of `broadcast`, in bulk.

    A recipient whose `dedupe_key(member_id)` was queued before (by this broadcast or an
    earlier one) is left out; returns how many rows were queued. The caller commits.
    """
    if not isinstance(payload.get("kind"), str) or not payload["kind"]:
        raise ValueError("payload needs a 'kind': the name of the renderer")
    messages = [(dedupe_key(m), m, chat_id, payload) for m, chat_id in recipients]
    return await enqueue_many(
        session, purpose=broadcast.purpose, messages=messages, now=now, broadcast_id=broadcast.id
    )


async def enqueue_many(
    session: AsyncSession,
    *,
    purpose: str,
    messages: Sequence[tuple[str, int, int, dict[str, Any]]],
    now: datetime,
    broadcast_id: int | None = None,
) -> int:
    """Queue (dedupe key, member id, chat id, payload) rows in bulk; keys queued before are
    left out. Returns how many were queued; the caller commits."""
    rows = [
        {
            "dedupe_key": key,
            "purpose": purpose,
            "broadcast_id": broadcast_id,
            "member_id": member_id,
            "chat_id": chat_id,
            "payload": payload,
            "state": OutboxState.QUEUED,
            "attempts": 0,
            "throttled": 0,
            "parts_sent": 0,
            "next_attempt_at": DUE_AT_ONCE,
            "created_at": now,
            "updated_at": now,
        }
        for key, member_id, chat_id, payload in messages
    ]
    return await _insert_rows(session, rows)


async def _insert_rows(session: AsyncSession, rows: list[dict[str, Any]]) -> int:
    insert = _insert_for(session)
    queued = 0
    for i in range(0, len(rows), _CHUNK):
        result = await session.execute(
            insert(OutboxMessage)
            .values(rows[i : i + _CHUNK])
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(OutboxMessage.id)
        )
        queued += len(result.all())
    if queued:
        notify_after_commit(session, OUTBOX_QUEUED)
    return queued


async def skip_queued(
    session: AsyncSession, *, dedupe_prefix: str, reason: Reason, now: datetime
) -> int:
    """Rows under `dedupe_prefix` that have not gone out yet will not: marked skipped."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.dedupe_key.startswith(dedupe_prefix, autoescape=True),
            OutboxMessage.state == OutboxState.QUEUED,
        )
        .values(state=OutboxState.SKIPPED, reason=reason, updated_at=now)
    )
    return result.rowcount or 0


async def recipients_of(
    session: AsyncSession, *, dedupe_prefix: str, states: Collection[OutboxState] = ()
) -> list[tuple[int, int]]:
    """(member id, chat id) of the rows under `dedupe_prefix`, optionally in `states`."""
    query = select(OutboxMessage.member_id, OutboxMessage.chat_id).where(
        OutboxMessage.dedupe_key.startswith(dedupe_prefix, autoescape=True),
        OutboxMessage.member_id.is_not(None),
    )
    if states:
        query = query.where(OutboxMessage.state.in_(list(states)))
    return [(m, c) for m, c in (await session.execute(query)).all()]


async def create_broadcast(
    session: AsyncSession,
    *,
    community_id: int,
    purpose: str,
    now: datetime,
    created_by: int | None = None,
) -> Broadcast:
    """Start a group of rows (pass its id to `enqueue`); the caller commits."""
    broadcast = Broadcast(
        community_id=community_id, purpose=purpose, created_by_user_id=created_by, created_at=now
    )
    session.add(broadcast)
    await session.flush()
    return broadcast


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
        reason = unreachable_reason(member)
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


def unreachable_reason(member: Member | None) -> Reason | None:
    """Why a member may not get broadcasts or check-ins now; None when they may."""
    if member is None:
        return Reason.MEMBER_ERASED
    if member.blocked_at is not None:
        return Reason.MEMBER_BLOCKED
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
    """Deliberately queue `failed` or `unknown` rows again; audited, committed.

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
    await session.commit()
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


async def may_organise(
    session: AsyncSession,
    telegram_user_id: int,
    *,
    installation_coordinators: Collection[int] = (),
) -> bool:
    communities = await roles.communities_for(
        session,
        telegram_user_id,
        Role.ORGANISER,
        installation_coordinators=installation_coordinators,
    )
    return bool(communities)


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

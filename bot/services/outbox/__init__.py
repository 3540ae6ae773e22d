"""The outbox: every message that is not a direct reply is queued here, claimed by a
dispatcher, and ends in a state with a reason an organiser can read.

`enqueue` and the broadcast helpers are what features call; the types here (`Reason`,
`Verdict`, `Claimed`, `Outcome`) are the outbox's vocabulary. The dispatcher
(`dispatcher.py`) uses `claims` (claim, record, recover); the command line and the
organisers' chat view use `reports` (status, summaries, resend). Nothing here imports
`telegram`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    DUE_AT_ONCE,
    Broadcast,
    OutboxMessage,
    OutboxState,
)
from bot.db.notices import OUTBOX_QUEUED, notify_after_commit

# Purposes for staff about their work (e.g. "staff.inbox"): sent without member consent.
STAFF_PREFIX = "staff."
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
    RELEASED = "released"  # never reached Telegram: the dispatcher stopped while it waited
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
    # The other languages the member reads, in their order (the text fallback chain).
    reads_locales: tuple[str, ...] = ()


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
    """Queue one message in the caller's transaction.

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
    earlier one) is left out; returns how many rows were queued..
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
    left out. Returns how many were queued."""
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
    """Insert in one executemany (a list of parameter sets), not a multi-row VALUES: the
    statement is compiled once and cached, instead of once per pass with 13 bound values a
    row. Keys queued before are left out (ON CONFLICT DO NOTHING); RETURNING counts the
    rows really inserted on both engines."""
    if not rows:
        return 0
    statement = (
        _insert_for(session)(OutboxMessage)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(OutboxMessage.id)
    )
    queued = len((await session.execute(statement, rows)).all())
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
    """Start a group of rows (pass its id to `enqueue`)."""
    broadcast = Broadcast(
        community_id=community_id, purpose=purpose, created_by_user_id=created_by, created_at=now
    )
    session.add(broadcast)
    await session.flush()
    return broadcast

"""Incoming updates: each is handled once, and a member who writes again is reachable again.

Telegram may deliver an update twice (a webhook retry, a restart before the offset was
confirmed). The ids of updates already handled are kept for a window and then purged:
update ids are not monotonic over long gaps, so comparing with the last one is not enough.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import DialogState, Member, ProcessedUpdate

# my_chat_member status of a private chat the user blocked the bot in.
KICKED = "kicked"
# "Last seen" feeds re-engagement after days without contact: writing it more often than this
# would cost every update a statement and tell nobody anything.
SEEN_GRANULARITY = timedelta(minutes=1)


@dataclass(frozen=True)
class Admission:
    duplicate: bool
    reactivated: bool = False
    blocked: bool = False


@dataclass(frozen=True)
class Arrival:
    """What the admission needs to know of an update, read in one query."""

    seen_before: bool
    member: Member | None = None
    dialog_row: DialogState | None = None  # kept so the unit of work need not read it again


async def arrival(session: AsyncSession, update_id: int, telegram_user_id: int | None) -> Arrival:
    """Whether the update was handled before and, for a private chat's writer, their member
    and dialogue rows: one statement for a known member (a read; `admit` settles it)."""
    if telegram_user_id is None:
        return Arrival(await seen_before(session, update_id))
    seen = (
        exists().where(ProcessedUpdate.update_id == update_id).correlate(None).label("seen_before")
    )
    found = (
        await session.execute(
            select(seen, Member, DialogState)
            .select_from(Member)
            .outerjoin(DialogState, DialogState.member_id == Member.id)
            .where(Member.telegram_user_id == telegram_user_id)
        )
    ).first()
    if found is None:
        return Arrival(await seen_before(session, update_id))
    return Arrival(bool(found[0]), found[1], found[2])


async def seen_before(session: AsyncSession, update_id: int) -> bool:
    """Whether the update was handled already (a read; `admit` settles it under the lock)."""
    found = await session.scalar(
        select(ProcessedUpdate.update_id).where(ProcessedUpdate.update_id == update_id)
    )
    return found is not None


async def admit(
    session: AsyncSession,
    *,
    update_id: int,
    now: datetime,
    telegram_user_id: int | None = None,
    was_blocked: bool = False,
    last_seen_at: datetime | None = None,
    chat_status: str | None = None,
) -> Admission:
    """Record the update as handled, in the caller's unit of work; say whether it was a
    duplicate (the caller then rolls back whatever else the unit did).

    `telegram_user_id` is the user writing in a private chat: they were seen now, and if they
    were marked blocked (`was_blocked`, from the member row the caller loaded) they are
    reactivated, unless `chat_status` says they have just blocked the bot. `last_seen_at`
    (from the same row) spares the write when they were seen less than a minute ago.
    """
    insert = postgresql.insert if _is_postgres(session) else sqlite.insert
    # ON CONFLICT DO NOTHING: two instances given the same update agree on who handles it.
    first = (
        await session.execute(
            insert(ProcessedUpdate)
            .values(update_id=update_id, received_at=now)
            .on_conflict_do_nothing(index_elements=["update_id"])
            .returning(ProcessedUpdate.update_id)
        )
    ).scalar_one_or_none()
    if first is None:
        return Admission(duplicate=True)
    reactivated = blocked = False
    if telegram_user_id is not None:
        if chat_status == KICKED:
            result = await session.execute(
                update(Member)
                .where(Member.telegram_user_id == telegram_user_id, Member.blocked_at.is_(None))
                .values(blocked_at=now)
                .execution_options(synchronize_session=False)
            )
            blocked = bool(result.rowcount)
        elif was_blocked or last_seen_at is None or now - last_seen_at >= SEEN_GRANULARITY:
            # Every interaction counts for re-engagement ("no contact for N days"); one who
            # writes has evidently unblocked the bot.
            values: dict[str, object] = {"last_seen_at": now}
            if was_blocked:
                values["blocked_at"] = None
            result = await session.execute(
                update(Member)
                .where(Member.telegram_user_id == telegram_user_id)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            reactivated = was_blocked and bool(result.rowcount)
    return Admission(duplicate=False, reactivated=reactivated, blocked=blocked)


async def purge(session: AsyncSession, *, before: datetime) -> int:
    """Forget updates handled before `before`. A periodic job, its own unit: commits."""
    result = await session.execute(
        delete(ProcessedUpdate).where(ProcessedUpdate.received_at < before)
    )
    await session.commit()
    return result.rowcount or 0


def _is_postgres(session: AsyncSession) -> bool:
    return session.bind is not None and session.bind.dialect.name == "postgresql"

"""Where a member is in a multi-step dialogue, kept in the database.

A process can be killed between two messages of a conversation; the next process (or another
instance behind the same database) reads the state from here and continues. Every change bumps
`version`, and buttons carry the version they were drawn for, so a button from an earlier step
(or a forged one) is recognised as stale instead of acting on the wrong step.

Clearing keeps the row (with an empty flow) so the version keeps growing: a button from a
finished dialogue never matches a new one that happens to start at the same step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import DialogState, Member

_IDLE = ""


@dataclass(frozen=True)
class Dialog:
    """A snapshot of a member's dialogue state."""

    member_id: int
    flow: str
    step: str
    version: int
    data: Mapping[str, Any] = field(default_factory=dict)

    def at(self, flow: str, step: str | None = None) -> bool:
        return self.flow == flow and (step is None or self.step == step)

    def matches(self, flow: str, version: int) -> bool:
        """Whether a button drawn for `flow` at `version` still belongs to this state."""
        return self.flow == flow and self.version == version


def snapshot(row: DialogState | None) -> Dialog | None:
    """The dialogue a loaded row holds; None for no row or an idle one."""
    if row is None or row.flow == _IDLE:
        return None
    return _snapshot(row)


def _snapshot(row: DialogState) -> Dialog:
    return Dialog(
        member_id=row.member_id,
        flow=row.flow,
        step=row.step,
        version=row.version,
        data=dict(row.data or {}),
    )


async def _row(session: AsyncSession, member_id: int) -> DialogState | None:
    # By primary key: a row already in the unit of work (see `arrival`) costs no query.
    return await session.get(DialogState, member_id)


async def get(session: AsyncSession, member_id: int) -> Dialog | None:
    """The member's current dialogue, or None when they are in none."""
    row = await _row(session, member_id)
    if row is None or row.flow == _IDLE:
        return None
    return _snapshot(row)


async def of_user(
    session: AsyncSession, telegram_user_id: int
) -> tuple[Member | None, Dialog | None]:
    """The member behind a Telegram user and their current dialogue (either may be None)."""
    member, row = await rows_of_user(session, telegram_user_id)
    return member, snapshot(row)


async def rows_of_user(
    session: AsyncSession, telegram_user_id: int
) -> tuple[Member | None, DialogState | None]:
    """The member row and their dialogue row, in one query."""
    found = (
        await session.execute(
            select(Member, DialogState)
            .outerjoin(DialogState, DialogState.member_id == Member.id)
            .where(Member.telegram_user_id == telegram_user_id)
        )
    ).first()
    if found is None:
        return None, None
    return found[0], found[1]


async def current_version(session: AsyncSession, member_id: int) -> int:
    """The state's version even when idle (0 when the member never had one)."""
    row = await _row(session, member_id)
    return row.version if row is not None else 0


async def set(
    session: AsyncSession,
    member_id: int,
    flow: str,
    step: str,
    data: Mapping[str, Any] | None = None,
    *,
    now: datetime,
) -> Dialog:
    """Put the member at `flow`/`step` with `data`, bumping the version.."""
    if not flow:
        raise ValueError("a dialogue needs a flow name; use clear() to end one")
    row = await _row(session, member_id)
    if row is None:
        row = DialogState(member_id=member_id, flow=flow, step=step, version=1, updated_at=now)
        row.data = dict(data or {})
        session.add(row)
    else:
        row.flow, row.step = flow, step
        # A new dict: JSON columns only notice assignment, not in-place mutation.
        row.data = dict(data or {})
        row.version = row.version + 1
        row.updated_at = now
    await session.flush()
    return _snapshot(row)


async def update(
    session: AsyncSession, dialog: Dialog, *, now: datetime, step: str | None = None, **data: Any
) -> Dialog:
    """Move within the same flow: a new step and/or changed data, bumping the version."""
    merged = {**dialog.data, **data}
    return await set(session, dialog.member_id, dialog.flow, step or dialog.step, merged, now=now)


async def clear(session: AsyncSession, member_id: int, *, now: datetime) -> None:
    """End the member's dialogue; buttons drawn for it become stale.."""
    row = await _row(session, member_id)
    if row is None or row.flow == _IDLE:
        return
    row.flow, row.step, row.data = _IDLE, _IDLE, {}
    row.version = row.version + 1
    row.updated_at = now
    await session.flush()


async def erase(session: AsyncSession, member_id: int) -> int:
    """Remove the row altogether (erasure); returns the number of rows removed."""
    result = await session.execute(delete(DialogState).where(DialogState.member_id == member_id))
    return result.rowcount or 0

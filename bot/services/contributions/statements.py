"""Monthly statements for a community's finance administrator: one line per person with
confirmed contributions in the month, under the community's allowance, with every cap applied
at once (an hourly rate × hours, then the monthly cap, then what the yearly cap leaves).

Each line is stored (`statements`), so a statement already produced keeps its totals when the
person later erases their data — without their id. The person can be sent their own line in
chat, once per month (the outbox's dedupe key).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Allowance,
    AllowanceMode,
    Community,
    Contribution,
    ContributionStatus,
    Member,
    Statement,
)
from bot.services import audit, outbox, timing
from bot.services.communities import allowances

KIND = "contribution.statement"
PURPOSE = "contribution.statement"
MONTHLY = "monthly"
YEARLY = "yearly"
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_month(text: str) -> date:
    """'2026-11' → the first day of that month; ValueError for anything else."""
    found = _MONTH.match(text.strip())
    if found is None:
        raise ValueError(f"not a month (YYYY-MM): {text!r}")
    return date(int(found.group(1)), int(found.group(2)), 1)


def _month_bounds(first: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The month as UTC moments: from its first midnight to the next month's, locally."""
    start = timing.to_utc(datetime(first.year, first.month, 1), zone)
    nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return start, timing.to_utc(datetime(nxt.year, nxt.month, 1), zone)


def uncapped(allowance: Allowance | None, rows: Iterable[Contribution]) -> int:
    """What the confirmed rows are worth before any cap, in cents."""
    if allowance is None or allowance.mode is AllowanceMode.NONE:
        return 0
    rows = list(rows)
    if allowance.mode is AllowanceMode.FEE:
        fees = allowance.fees or {}
        return sum(int(fees.get(row.kind.value, 0)) for row in rows)
    minutes = sum(row.minutes or 0 for row in rows)
    # Half a cent and up rounds up: 1h25 at €5.60 is €7.93.
    return (minutes * int(allowance.hourly_rate_cents or 0) + 30) // 60


def capped(
    allowance: Allowance | None, amount: int, paid_this_year: int
) -> tuple[int, str | None]:
    """The amount after the monthly cap, then what is left of the yearly cap; and which cap
    lowered it last (None when none did)."""
    note = None
    if allowance is None:
        return amount, note
    if allowance.monthly_cap_cents is not None and amount > allowance.monthly_cap_cents:
        amount, note = allowance.monthly_cap_cents, MONTHLY
    if allowance.yearly_cap_cents is not None:
        left = max(0, allowance.yearly_cap_cents - paid_this_year)
        if amount > left:
            amount, note = left, YEARLY
    return amount, note


@dataclass(frozen=True)
class Line:
    code: str
    telegram_user_id: int | None  # None once the person erased their data
    minutes: int
    activities: int
    amount_cents: int
    cap_note: str | None


async def _confirmed(
    session: AsyncSession, community_id: int, start: datetime, end: datetime
) -> dict[int, list[Contribution]]:
    found = await session.scalars(
        select(Contribution)
        .where(
            Contribution.community_id == community_id,
            Contribution.status == ContributionStatus.CONFIRMED,
            Contribution.member_id.is_not(None),
            Contribution.occurred_at >= start,
            Contribution.occurred_at < end,
        )
        .order_by(Contribution.occurred_at, Contribution.id)
    )
    per: dict[int, list[Contribution]] = defaultdict(list)
    for row in found:
        assert row.member_id is not None
        per[row.member_id].append(row)
    return per


async def produce(
    session: AsyncSession,
    community: Community,
    month: date,
    *,
    code_of: Callable[[int], str],
    identifiable: bool,
    actor_user_id: int | None = None,
    now: datetime,
) -> list[Line]:
    """The month's lines, stored (a second run replaces the month's lines of people who are
    still there; lines of people who erased their data stay as they were). Audited, with
    whether Telegram ids were asked for. The caller commits."""
    zone = ZoneInfo(community.time_zone)
    allowance = await allowances.get(session, community.id)
    # What each person was paid earlier this year, month by month with the caps of then.
    paid: dict[int, int] = defaultdict(int)
    for earlier in range(1, month.month):
        start, end = _month_bounds(date(month.year, earlier, 1), zone)
        for member_id, rows in (await _confirmed(session, community.id, start, end)).items():
            amount, _note = capped(allowance, uncapped(allowance, rows), paid[member_id])
            paid[member_id] += amount
    start, end = _month_bounds(month, zone)
    current = await _confirmed(session, community.id, start, end)
    people = (
        {
            m.id: m
            for m in (
                await session.scalars(select(Member).where(Member.id.in_(list(current))))
            ).all()
        }
        if current
        else {}
    )
    label = f"{month:%Y-%m}"
    stored = {
        s.code: s
        for s in await session.scalars(
            select(Statement).where(
                Statement.community_id == community.id, Statement.month == label
            )
        )
    }
    for member_id, rows in sorted(current.items()):
        amount, note = capped(allowance, uncapped(allowance, rows), paid[member_id])
        code = code_of(member_id)
        row = stored.get(code)
        if row is None:
            row = stored[code] = Statement(
                community_id=community.id, month=label, code=code, created_at=now
            )
            session.add(row)
        row.member_id = member_id
        row.minutes = sum(r.minutes or 0 for r in rows)
        row.activities = len(rows)
        row.amount_cents = amount
        row.cap_note = note
    await session.flush()
    telegram_of = {m.id: m.telegram_user_id for m in people.values()}
    lines = [
        Line(
            code=s.code,
            telegram_user_id=telegram_of.get(s.member_id or 0) if identifiable else None,
            minutes=s.minutes,
            activities=s.activities,
            amount_cents=s.amount_cents,
            cap_note=s.cap_note,
        )
        for s in sorted(stored.values(), key=lambda s: s.code)
    ]
    await audit.record(
        session,
        "statement.identifiable" if identifiable else "statement.produce",
        now=now,
        actor_user_id=actor_user_id,
        community_id=community.id,
        target=f"community:{community.code}",
        row_count=len(lines),
        details={"month": label, "identifiable": identifiable},
    )
    return lines


async def send(session: AsyncSession, community: Community, month: date, *, now: datetime) -> int:
    """Queue each person's own line for the month in chat; once per person and month however
    often this runs. Returns how many were queued now. The caller commits."""
    label = f"{month:%Y-%m}"
    rows = (
        await session.execute(
            select(Statement, Member)
            .join(Member, Member.id == Statement.member_id)
            .where(Statement.community_id == community.id, Statement.month == label)
            .order_by(Statement.id)
        )
    ).all()
    queued = 0
    for statement, member in rows:
        if await outbox.enqueue(
            session,
            purpose=PURPOSE,
            dedupe_key=f"statement:{community.id}:{label}:{member.id}",
            member_id=member.id,
            chat_id=member.telegram_user_id,
            payload={"kind": KIND, "statement_id": statement.id},
        ):
            statement.sent_at = now
            queued += 1
    await session.flush()
    return queued


async def get(session: AsyncSession, statement_id: int) -> Statement | None:
    return await session.get(Statement, statement_id)

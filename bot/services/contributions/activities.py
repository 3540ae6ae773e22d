"""/contribute: an ambassador reports an activity — what, which day, what time, how long —
step by step, with buttons where a button can say it. A report in the future, over twelve
hours or overlapping another is questioned once; the person may keep it anyway (an organiser
confirms or declines every report before it counts)."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Community, Contribution, Member
from bot.services import communities, contributions, dialogs, timing
from bot.services.dialogs import Dialog

FLOW = "contribute"
COMMUNITY = "community"
WHAT = "what"
DAY = "day"
START = "start"
LENGTH = "length"
CHECK = "check"
# What a person may write about one activity (a sentence or two, not a report).
MAX_WHAT = 300
# The buttons of the length step, in minutes.
LENGTHS = (30, 60, 90, 120, 180, 240)
_TIME = re.compile(r"^\s*([01]?\d|2[0-3])\s*[:.h]\s*([0-5]\d)\s*$")
_DAY = re.compile(r"^\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?:\s*[-/.]\s*(\d{4}))?\s*$")
_HOURS = re.compile(r"^\s*(\d{1,2})(?:[.,](\d{1,2}))?\s*$")
_HOURS_MINUTES = re.compile(r"^\s*(\d{1,2})\s*:\s*([0-5]\d)\s*$")


async def begin(
    session: AsyncSession, member: Member, community_ids: Collection[int], *, now: datetime
) -> tuple[Dialog, list[Community]]:
    """Start a report: straight to "what" for one community, a choice for several."""
    found = [c for c in [await communities.get(session, i) for i in community_ids] if c]
    if len(found) == 1:
        dialog = await dialogs.set(
            session, member.id, FLOW, WHAT, {"community_id": found[0].id}, now=now
        )
    else:
        dialog = await dialogs.set(session, member.id, FLOW, COMMUNITY, {}, now=now)
    return dialog, found


async def choose_community(
    session: AsyncSession,
    dialog: Dialog,
    community_id: int,
    community_ids: Collection[int],
    *,
    now: datetime,
) -> Dialog | None:
    if not dialog.at(FLOW, COMMUNITY) or community_id not in community_ids:
        return None
    return await dialogs.update(session, dialog, now=now, step=WHAT, community_id=community_id)


def clean_what(text: str | None) -> str | None:
    """The description as kept; None for nothing, or more than fits."""
    text = " ".join((text or "").split())
    if not text or len(text) > MAX_WHAT:
        return None
    return text


def parse_day(text: str, today: date) -> date | None:
    """A typed day: 14-11, 14/11/2026 or 2026-11-14 (a day without a year is this year's)."""
    text = text.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    found = _DAY.match(text)
    if found is None:
        return None
    day, month = int(found.group(1)), int(found.group(2))
    year = int(found.group(3)) if found.group(3) else today.year
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_time(text: str) -> time | None:
    """A typed start time: 14:00, 9.30, 14h00."""
    found = _TIME.match(text)
    if found is None:
        return None
    return time(int(found.group(1)), int(found.group(2)))


def parse_minutes(text: str) -> int | None:
    """A typed length in hours: 2, 1.5, 1,5 or 2:30; None for nothing at all."""
    found = _HOURS_MINUTES.match(text)
    if found is not None:
        minutes = int(found.group(1)) * 60 + int(found.group(2))
    else:
        found = _HOURS.match(text)
        if found is None:
            return None
        fraction = found.group(2) or "0"
        minutes = int(found.group(1)) * 60 + round(float(f"0.{fraction}") * 60)
    return minutes if minutes > 0 else None


async def zone_of(session: AsyncSession, dialog: Dialog, member: Member) -> ZoneInfo:
    """Days and times are the person's wall clock (their zone, else their community's)."""
    community = await communities.get(session, int(dialog.data.get("community_id", 0)))
    return ZoneInfo(member.time_zone or (community.time_zone if community else "UTC"))


def started(dialog: Dialog, zone: ZoneInfo) -> datetime:
    day = date.fromisoformat(str(dialog.data["day"]))
    hour, minute = (int(part) for part in str(dialog.data["start"]).split(":"))
    return timing.at_local_time(day, time(hour, minute), zone)


@dataclass(frozen=True)
class Ready:
    """Every answer is in: either questioned (`problems`) or kept (`kept`)."""

    dialog: Dialog | None
    problems: list[str]
    kept: Contribution | None = None


async def with_length(
    session: AsyncSession,
    dialog: Dialog,
    member: Member,
    minutes: int,
    *,
    code: str,
    now: datetime,
) -> Ready:
    """The last answer: keep the report, or question it first."""
    zone = await zone_of(session, dialog, member)
    occurred_at = started(dialog, zone)
    found = await contributions.problems(
        session, member.id, occurred_at=occurred_at, minutes=minutes, now=now
    )
    dialog = await dialogs.update(session, dialog, now=now, step=CHECK, minutes=minutes)
    if found:
        return Ready(dialog, found)
    return Ready(None, [], await keep(session, dialog, member, code=code, now=now))


async def keep(
    session: AsyncSession, dialog: Dialog, member: Member, *, code: str, now: datetime
) -> Contribution:
    """Keep the report as it is (after the person saw the questions, or without any)."""
    zone = await zone_of(session, dialog, member)
    row = await contributions.report_activity(
        session,
        member,
        int(dialog.data["community_id"]),
        what=str(dialog.data["what"]),
        occurred_at=started(dialog, zone),
        minutes=int(dialog.data["minutes"]),
        code=code,
        now=now,
    )
    await dialogs.clear(session, member.id, now=now)
    return row


def earlier(today: date, days: int) -> date:
    return today - timedelta(days=days)

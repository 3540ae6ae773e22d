"""A community's check-in schedule: when reminders, follow-ups, long-term check-ins and
re-engagement messages go out, and the quiet hours. Organisers read and change it in chat
(/checkins) and on the command line (`samen checkins`); the values are validated here."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import CheckInSchedule
from bot.services import audit
from bot.services.timing import QuietHours

# The dialogue of /checkins, where an organiser edits a schedule field by field.
FLOW = "checkins"
FIELDS = ("reminders", "followup", "longterm", "reengage", "quiet", "programme_end")


class ScheduleError(ValueError):
    """A value that does not fit; `field` names the setting, str() says what is expected."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Schedule:
    reminder_offsets: tuple[int, ...] = (24 * 60, 2 * 60)  # minutes before the start
    followup_days: int = 1
    followup_time: time = time(10, 0)
    longterm_months: tuple[int, ...] = (1, 3, 6)
    reengage_days: int = 60
    quiet: QuietHours = field(default_factory=QuietHours)
    programme_end: date | None = None


DEFAULT = Schedule()


def _time(raw: str) -> time:
    return time.fromisoformat(raw)


async def get(session: AsyncSession, community_id: int) -> Schedule:
    row = await session.scalar(
        select(CheckInSchedule).where(CheckInSchedule.community_id == community_id)
    )
    if row is None:
        return DEFAULT
    return Schedule(
        reminder_offsets=tuple(row.reminder_offsets),
        followup_days=row.followup_days,
        followup_time=_time(row.followup_time),
        longterm_months=tuple(row.longterm_months),
        reengage_days=row.reengage_days,
        quiet=QuietHours(_time(row.quiet_start), _time(row.quiet_end)),
        programme_end=row.programme_end,
    )


async def save(
    session: AsyncSession,
    community_id: int,
    schedule: Schedule,
    *,
    now: datetime,
    actor_user_id: int | None = None,
) -> None:
    """Store the schedule (audited). Pending check-ins keep their times;
    new ones follow the new schedule."""
    row = await session.scalar(
        select(CheckInSchedule).where(CheckInSchedule.community_id == community_id)
    )
    if row is None:
        row = CheckInSchedule(community_id=community_id)
        session.add(row)
    row.reminder_offsets = list(schedule.reminder_offsets)
    row.followup_days = schedule.followup_days
    row.followup_time = schedule.followup_time.strftime("%H:%M")
    row.longterm_months = list(schedule.longterm_months)
    row.reengage_days = schedule.reengage_days
    row.quiet_start = schedule.quiet.start.strftime("%H:%M")
    row.quiet_end = schedule.quiet.end.strftime("%H:%M")
    row.programme_end = schedule.programme_end
    row.updated_at = now
    await session.flush()
    await audit.record(
        session,
        "checkins.schedule",
        now=now,
        actor_user_id=actor_user_id,
        community_id=community_id,
        details={"schedule": describe(schedule)},
    )


# --- reading values as organisers type them -----------------------------------------------------

_OFFSET = re.compile(r"^(\d{1,3})\s*([dhm])$")
_CLOCK = re.compile(r"^(\d{1,2})[:.](\d{2})$")


def parse_offsets(raw: str) -> tuple[int, ...]:
    """'1d, 2h, 30m' → minutes (1440, 120, 30); 'none' for no reminders."""
    if raw.strip().lower() in ("none", "-", "0"):
        return ()
    offsets = []
    for part in re.split(r"[,\s]+", raw.strip().lower()):
        if not part:
            continue
        match = _OFFSET.match(part)
        if match is None:
            raise ScheduleError("reminders", "expected times before the meeting like 1d, 2h, 30m")
        amount = int(match[1]) * {"d": 24 * 60, "h": 60, "m": 1}[match[2]]
        if not 0 < amount <= 30 * 24 * 60:
            raise ScheduleError("reminders", "reminders can be at most 30 days before")
        offsets.append(amount)
    if not offsets or len(offsets) > 5:
        raise ScheduleError("reminders", "give one to five reminders, like 1d, 2h")
    return tuple(sorted(set(offsets), reverse=True))


def parse_clock(raw: str, field: str) -> time:
    match = _CLOCK.match(raw.strip())
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise ScheduleError(field, "expected a time of day like 10:00")
    return time(int(match[1]), int(match[2]))


def parse_followup(raw: str) -> tuple[int, time]:
    """'1 10:00': days after the meeting and the local time."""
    parts = raw.split()
    if len(parts) != 2 or not parts[0].isdigit() or not 0 <= int(parts[0]) <= 14:
        raise ScheduleError("followup", "expected days after the meeting and a time, like 1 10:00")
    return int(parts[0]), parse_clock(parts[1], "followup")


def parse_months(raw: str) -> tuple[int, ...]:
    """'1, 3, 6' months after the last meeting attended; 'none' for none."""
    if raw.strip().lower() in ("none", "-", "0"):
        return ()
    parts = [p for p in re.split(r"[,\s]+", raw.strip()) if p]
    if not parts or not all(p.isdigit() and 0 < int(p) <= 36 for p in parts) or len(parts) > 6:
        raise ScheduleError("longterm", "expected up to six numbers of months, like 1, 3, 6")
    return tuple(sorted({int(p) for p in parts}))


def parse_days(raw: str) -> int:
    if not raw.strip().isdigit() or not 7 <= int(raw.strip()) <= 365:
        raise ScheduleError("reengage", "expected a number of days from 7 to 365")
    return int(raw.strip())


def parse_quiet(raw: str) -> QuietHours:
    """'21:00-09:00'; 'none' for no quiet hours."""
    if raw.strip().lower() in ("none", "-"):
        return QuietHours(time(0, 0), time(0, 0))
    parts = raw.replace("–", "-").split("-")
    if len(parts) != 2:
        raise ScheduleError("quiet", "expected a start and end like 21:00-09:00")
    return QuietHours(parse_clock(parts[0], "quiet"), parse_clock(parts[1], "quiet"))


def parse_programme_end(raw: str) -> date | None:
    if raw.strip().lower() in ("none", "-"):
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise ScheduleError("programme_end", "expected a date like 2027-06-30") from None


def change(schedule: Schedule, field: str, raw: str) -> Schedule:
    """The schedule with one setting changed from what an organiser typed."""
    match field:
        case "reminders":
            return replace(schedule, reminder_offsets=parse_offsets(raw))
        case "followup":
            days, at = parse_followup(raw)
            return replace(schedule, followup_days=days, followup_time=at)
        case "longterm":
            return replace(schedule, longterm_months=parse_months(raw))
        case "reengage":
            return replace(schedule, reengage_days=parse_days(raw))
        case "quiet":
            return replace(schedule, quiet=parse_quiet(raw))
        case "programme_end":
            return replace(schedule, programme_end=parse_programme_end(raw))
    raise ScheduleError(field, f"unknown setting {field!r}")


def offset_text(minutes: int) -> str:
    if minutes % (24 * 60) == 0:
        return f"{minutes // (24 * 60)}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


def describe(schedule: Schedule) -> dict[str, str]:
    """The schedule as organisers type it (the same form `change` reads)."""
    quiet = schedule.quiet
    return {
        "reminders": ", ".join(offset_text(m) for m in schedule.reminder_offsets) or "none",
        "followup": f"{schedule.followup_days} {schedule.followup_time:%H:%M}",
        "longterm": ", ".join(str(m) for m in schedule.longterm_months) or "none",
        "reengage": str(schedule.reengage_days),
        "quiet": "none" if quiet.start == quiet.end else f"{quiet.start:%H:%M}-{quiet.end:%H:%M}",
        "programme_end": schedule.programme_end.isoformat() if schedule.programme_end else "none",
    }

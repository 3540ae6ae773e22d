"""Local wall-clock times, quiet hours and daylight saving time, for scheduling messages.

Everything is stored in UTC; people live in local time. The two DST traps in Europe/Amsterdam:
on the last Sunday of March 02:00-03:00 does not exist, and on the last Sunday of October
02:00-03:00 happens twice. A wall-clock time is turned into exactly one UTC moment here, so a
check-in fires once on both nights.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def to_utc(local: datetime, tz: ZoneInfo) -> datetime:
    """One UTC moment for a wall-clock time in `tz`.

    A time in the spring-forward gap moves forward by the gap (02:30 → 03:30 CEST); a time
    that happens twice on the fall-back night is the first of the two (CEST).
    """
    # PEP 495: with fold=0 zoneinfo uses the offset in force *before* a transition. For a
    # time in the gap that lands after the gap; for a repeated time it is the first one.
    return local.replace(tzinfo=tz, fold=0).astimezone(UTC)


def at_local_time(day: date, wall: time, tz: ZoneInfo) -> datetime:
    return to_utc(datetime.combine(day, wall), tz)


def add_months(moment: datetime, months: int, tz: ZoneInfo) -> datetime:
    """The same wall-clock time `months` later (the 31st becomes the month's last day)."""
    local = moment.astimezone(tz)
    month_index = local.month - 1 + months
    year, month = local.year + month_index // 12, month_index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return to_utc(local.replace(year=year, month=month, day=day, tzinfo=None), tz)


@dataclass(frozen=True)
class QuietHours:
    """A nightly window without messages, in the recipient's local time (e.g. 21:00-09:00)."""

    start: time = time(21, 0)
    end: time = time(9, 0)

    def contains(self, local: time) -> bool:
        if self.start == self.end:
            return False  # no quiet hours
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def next_allowed(self, moment: datetime, tz: ZoneInfo) -> datetime:
        """`moment` itself when it is outside quiet hours, else the end of the quiet hours."""
        local = moment.astimezone(tz)
        if not self.contains(local.time().replace(tzinfo=None)):
            return moment.astimezone(UTC)
        day = local.date()
        if self.start > self.end and local.time() >= self.start:
            day += timedelta(days=1)  # evening: the quiet hours end tomorrow morning
        return at_local_time(day, self.end, tz)

"""The playground's clock: the real time plus however far the visitor fast-forwarded.

Services, the dispatcher and the scheduler's jobs read the time only through the runtime's
clock, so moving this one makes reminders and check-ins come due without waiting days.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

# At most a year ahead in one step: enough for every schedule Samen has.
MAX_STEP = timedelta(days=366)


class PlaygroundClock:
    def __init__(self, source: Callable[[], datetime] | None = None) -> None:
        self._source = source or (lambda: datetime.now(UTC))
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return self._source() + self.offset

    def advance(self, step: timedelta) -> datetime:
        if not timedelta() < step <= MAX_STEP:
            raise ValueError("a step forward is more than nothing and at most a year")
        self.offset += step
        return self()

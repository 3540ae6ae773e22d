"""How much one member may send: a sliding window of a minute per member.

A member may send `limit` messages (and button taps) in any 60 seconds. The first one over is
answered once with a "slow down" notice; the rest of the flood is dropped. At most one notice a
window, so a member who keeps flooding hears it once a minute, not once per message. What was
dropped does not count against the member: as the accepted ones age out of the window, new
messages are read again.

Kept in memory, per process, on purpose: a rate window only matters for the next minute, so
losing it on a restart costs nothing worth a database write per update (which would also put
every flood message on SQLite's write lock, the very thing the throttle protects). With two
instances behind a webhook each counts only the updates it received, so a member may get up to
`limit` per instance; set the limit per instance with that in mind.
"""

from __future__ import annotations

import enum
from collections import OrderedDict, deque
from dataclasses import dataclass, field

WINDOW_SECONDS = 60.0


class Verdict(enum.Enum):
    READ = "read"  # within the limit: handle it
    NOTICE = "notice"  # the first one over: drop it and tell the member once
    DROP = "drop"  # over the limit and told already: drop it quietly


@dataclass
class _Window:
    accepted: deque[float] = field(default_factory=deque)
    noticed_at: float | None = None
    last_seen: float = 0.0


class InboundThrottle:
    """Per-member sliding windows; members idle for a window are forgotten."""

    def __init__(self, limit: int, window: float = WINDOW_SECONDS):
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self.window = window
        # Oldest activity first, so forgetting idle members is a walk from the front.
        self._members: OrderedDict[int, _Window] = OrderedDict()

    def __len__(self) -> int:
        return len(self._members)

    def check(self, member_key: int, now: float) -> Verdict:
        """Count one message from `member_key` at `now` (seconds) and say what to do with it."""
        self._forget_idle(now)
        state = self._members.get(member_key)
        if state is None:
            state = self._members[member_key] = _Window()
        else:
            self._members.move_to_end(member_key)
        state.last_seen = now
        accepted = state.accepted
        while accepted and accepted[0] <= now - self.window:
            accepted.popleft()
        if len(accepted) < self.limit:
            accepted.append(now)
            return Verdict.READ
        if state.noticed_at is None or state.noticed_at <= now - self.window:
            state.noticed_at = now
            return Verdict.NOTICE
        return Verdict.DROP

    def _forget_idle(self, now: float) -> None:
        # A member not seen for a whole window has nothing left in it: no accepted message
        # still counts and the notice may be given again.
        members = self._members
        while members:
            key, state = next(iter(members.items()))
            if state.last_seen > now - self.window:
                break
            del members[key]

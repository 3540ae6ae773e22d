"""One Telegram budget per process: every call waits here for its turn.

Telegram allows a bot about 30 messages a second overall and about one a second to one chat,
and answers 429 (`RetryAfter`) beyond that. Replies and the outbox share one `Pacer`, so
together they stay within the limit, and a waiting reply goes before any waiting bulk send:
a broadcast only gets the slots the replies leave. A `RetryAfter` pauses every call of the
process until it has passed; calls that wait keep their place instead of being given back.

The pacer knows nothing about Telegram: the channel decides which calls count against a chat
and reports pauses. Its limits are per process: with several sending processes, divide the
rate between them (README, *One Telegram budget*).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Protocol

# A chat: its numeric id, or "@name" for a channel.
ChatKey = int | str
# Clocks that count in microseconds (datetime) would otherwise sleep for ever on the rest.
_EPSILON = 1e-6


class SendingPaused(Exception):
    """The call must not be made: its lane was closed (the dispatcher is stopping)."""


class Priority(IntEnum):
    """Lower goes first."""

    INTERACTIVE = 0  # a member is waiting for this answer
    BULK = 1  # broadcasts, reminders, check-ins: a second later does no harm


class Timer(Protocol):
    def now(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class SystemTimer:
    """Monotonic time and real sleeping; tests pass a timer that moves a fake clock."""

    def now(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


@dataclass(eq=False)
class _Ticket:
    priority: int
    order: int
    chat_id: ChatKey | None
    future: asyncio.Future[None]
    lane: Lane | None = None


class Pacer:
    """At most `rate` calls a second overall and `chat_rate` a second to one chat.

    Waiting calls are granted one slot at a time, evenly spaced (no bursts): the first
    waiting call of the highest priority whose chat may receive again goes next, so a chat
    that has to wait holds up nobody else. `pause(seconds)` holds every call back.
    """

    def __init__(self, rate: float, chat_rate: float, timer: Timer | None = None):
        self.rate = rate
        self.interval = 1.0 / rate
        self.chat_interval = 1.0 / chat_rate
        self.timer: Timer = timer or SystemTimer()
        self.paused_until = 0.0
        self.granted = 0
        self._next = 0.0
        self._chat_next: dict[ChatKey, float] = {}
        self._waiting: list[_Ticket] = []
        self._order = itertools.count()
        self._arrived = asyncio.Event()
        self._granter: asyncio.Task[None] | None = None

    # --- what callers use ------------------------------------------------------------------

    def lane(self, priority: Priority) -> Lane:
        """A way in at `priority` that its owner can close (stopping gives calls back)."""
        return Lane(self, priority)

    async def acquire(self, chat_id: ChatKey | None, priority: Priority = Priority.BULK) -> None:
        """Wait for this call's slot. `chat_id` None: the call counts only overall."""
        await self._acquire(chat_id, priority, None)

    def pause(self, seconds: float) -> None:
        """Telegram said RetryAfter: no call starts before `seconds` from now."""
        self.paused_until = max(self.paused_until, self.timer.now() + seconds)

    @property
    def paused_for(self) -> float:
        return max(0.0, self.paused_until - self.timer.now())

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    # --- granting --------------------------------------------------------------------------

    async def _acquire(self, chat_id: ChatKey | None, priority: int, lane: Lane | None) -> None:
        now = self.timer.now()
        if not self._waiting and self._may_go(chat_id, now):
            self._grant(chat_id, now)  # nobody waits and the slot is free: no task, no sleep
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        ticket = _Ticket(priority, next(self._order), chat_id, future, lane)
        self._waiting.append(ticket)
        if lane is not None:
            lane.tickets.add(ticket)
        if self._granter is None or self._granter.done():
            self._arrived = asyncio.Event()  # bound to this loop (tests run several loops)
            self._granter = asyncio.create_task(self._grant_in_turn())
        self._arrived.set()
        try:
            await future
        finally:
            if lane is not None:
                lane.tickets.discard(ticket)
            if not future.done() or future.cancelled():
                self._drop(ticket)

    def _may_go(self, chat_id: ChatKey | None, now: float) -> bool:
        now += _EPSILON
        return (
            self.paused_until <= now
            and self._next <= now
            and (chat_id is None or self._chat_next.get(chat_id, 0.0) <= now)
        )

    def _grant(self, chat_id: ChatKey | None, slot: float) -> None:
        self._next = slot + self.interval
        self.granted += 1
        if chat_id is not None:
            self._chat_next[chat_id] = slot + self.chat_interval
            if len(self._chat_next) > 10_000:
                self._chat_next = {c: t for c, t in self._chat_next.items() if t > slot}

    def _drop(self, ticket: _Ticket) -> None:
        with contextlib.suppress(ValueError):
            self._waiting.remove(ticket)

    def _next_ticket(self, slot: float) -> tuple[_Ticket | None, float]:
        """The ticket to grant at `slot`, or None and when the first waiting chat is free."""
        best: _Ticket | None = None
        free_at = float("inf")
        for ticket in self._waiting:
            ready = self._chat_next.get(ticket.chat_id, 0.0) if ticket.chat_id is not None else 0
            if ready <= slot + _EPSILON:
                if best is None or (ticket.priority, ticket.order) < (best.priority, best.order):
                    best = ticket
            else:
                free_at = min(free_at, ready)
        return best, free_at

    async def _grant_in_turn(self) -> None:
        try:
            while self._waiting:
                now = self.timer.now()
                if self.paused_until > now + _EPSILON:
                    await self.timer.sleep(self.paused_until - now)
                    continue
                if self._next > now + _EPSILON:
                    # Whoever is best when the slot comes goes then: a reply arriving during
                    # this sleep still goes before the bulk sends that were waiting already.
                    await self.timer.sleep(self._next - now)
                    continue
                ticket, free_at = self._next_ticket(now)
                if ticket is None:
                    # Every waiting call is for a chat that must wait; a new call may not be.
                    await self._sleep_or_arrival(free_at - now)
                    continue
                self._waiting.remove(ticket)
                self._grant(ticket.chat_id, now)
                if not ticket.future.done():
                    ticket.future.set_result(None)
        except BaseException as exc:
            # Never leave a caller waiting for a granter that is gone.
            for ticket in self._waiting:
                if not ticket.future.done():
                    ticket.future.set_exception(
                        exc if isinstance(exc, Exception) else SendingPaused()
                    )
            self._waiting.clear()
            if not isinstance(exc, Exception):
                raise

    async def _sleep_or_arrival(self, seconds: float) -> None:
        self._arrived.clear()
        sleeping = asyncio.ensure_future(self.timer.sleep(seconds))
        arriving = asyncio.ensure_future(self._arrived.wait())
        try:
            await asyncio.wait({sleeping, arriving}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeping, arriving):
                task.cancel()


@dataclass(eq=False)
class Lane:
    """Calls at one priority; `close()` fails the waiting ones with SendingPaused."""

    pacer: Pacer
    priority: Priority
    closed: bool = False
    tickets: set[_Ticket] = field(default_factory=set)

    async def acquire(self, chat_id: ChatKey | None) -> None:
        if self.closed:
            raise SendingPaused
        await self.pacer._acquire(chat_id, self.priority, self)
        if self.closed:
            raise SendingPaused

    def close(self) -> None:
        self.closed = True
        for ticket in list(self.tickets):
            self.pacer._drop(ticket)
            if not ticket.future.done():
                ticket.future.set_exception(SendingPaused())
        self.tickets.clear()

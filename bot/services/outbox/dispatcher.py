"""The dispatcher: claims due outbox rows, paces them to Telegram's limits, records results.

It knows nothing about Telegram: a `Channel` renders a claimed row in the recipient's
language and sends it, calling `pace()` before every API call and reporting an `Outcome`.
The database holds all state, so any number of dispatchers may run at once.

Pacing: every call waits for its turn in the process's one `Pacer` (`pacer.py`), at bulk
priority, so replies go first and a `RetryAfter` pauses replies and the outbox alike. Claimed
rows keep their place in the pacer through a pause; only stopping gives them back (`released`).

Crash safety: rows are committed as `sending` before they are handed to the channel and
their outcome is committed afterwards. Claims are kept to about one second of sending, so a
crash leaves at most that many rows `unknown`. A call that hangs until its timeout holds one
concurrency slot, not the run: rows that have not reached Telegram are topped up as they go.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.outbox import Claimed, Outcome, Reason, Verdict, claims
from bot.services.outbox.pacer import Pacer, Priority, SendingPaused, SystemTimer, Timer

log = logging.getLogger(__name__)

Pace = Callable[[], Awaitable[None]]


class RenderError(Exception):
    """A payload cannot be turned into a message; the row fails with `render_failed`."""


class Channel(Protocol):
    async def render(self, session: AsyncSession, row: Claimed, cache: dict[Any, Any]) -> Any:
        """Turn the row's payload into a message in the recipient's language."""
        ...

    async def send(self, row: Claimed, rendered: Any, pace: Pace) -> Outcome:
        """Send it; call `pace()` before each API call and report what happened."""
        ...


@dataclass(frozen=True)
class DeliveryConfig:
    rate: float = 30.0
    chat_rate: float = 1.0
    batch: int = 200
    concurrency: int = 16
    max_attempts: int = 3
    retry_seconds: float = 15.0
    lease: timedelta = timedelta(minutes=10)
    # Results are committed in groups: every `flush_every` rows or `flush_seconds`.
    flush_every: int = 50
    flush_seconds: float = 0.2

    @classmethod
    def from_settings(cls, settings: Any) -> DeliveryConfig:
        return cls(
            rate=settings.telegram_rate,
            chat_rate=settings.telegram_chat_rate,
            batch=settings.outbox_batch,
            concurrency=settings.outbox_concurrency,
            max_attempts=settings.outbox_max_attempts,
            retry_seconds=settings.outbox_retry_seconds,
            lease=timedelta(minutes=settings.outbox_lease_minutes),
        )

    @property
    def claim_size(self) -> int:
        """About one second of sending: what a crash can leave `unknown`."""
        return max(1, min(self.batch, math.ceil(self.rate)))


@dataclass
class RunSummary:
    claimed: int = 0
    skipped: int = 0
    sent: int = 0
    retried: int = 0
    throttled: int = 0
    released: int = 0
    blocked: int = 0
    failed: int = 0
    recovered: int = 0

    def count(self, outcome: Outcome) -> None:
        name = {
            Verdict.SENT: "sent",
            Verdict.RETRY: "retried",
            Verdict.THROTTLED: "throttled",
            Verdict.RELEASED: "released",
            Verdict.BLOCKED: "blocked",
            Verdict.FAILED: "failed",
        }[outcome.verdict]
        setattr(self, name, getattr(self, name) + 1)

    @property
    def anything(self) -> bool:
        return any(vars(self).values())


class Dispatcher:
    """Sends what is due. `run_once` until nothing is due; the scheduler calls it."""

    # With rows under way but none left to claim, look again this often (seconds): rows
    # queued meanwhile need not wait for a call that hangs until its timeout.
    RECLAIM_SECONDS = 1.0

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        channel: Channel,
        config: DeliveryConfig,
        *,
        instance: str,
        clock: Callable[[], datetime],
        timer: Timer | None = None,
        pacer: Pacer | None = None,
    ):
        self.sessions = sessions
        self.channel = channel
        self.config = config
        self.instance = instance
        self.clock = clock
        # The process's shared budget; on its own (a test, a benchmark) a pacer of its own.
        self.timer = timer or (pacer.timer if pacer is not None else SystemTimer())
        self.pacer = pacer or Pacer(config.rate, config.chat_rate, self.timer)
        self.lane = self.pacer.lane(Priority.BULK)
        self._slots = asyncio.Semaphore(config.concurrency)
        self._stopping = False
        self._lock = asyncio.Lock()
        # Claimed rows whose first call has not started yet (waiting in the pacer or for a
        # concurrency slot): what decides when to claim more.
        self._not_started = 0

    async def recover_on_start(self) -> int:
        """Rows this instance left in `sending` when it died become `unknown`, never resent."""
        async with self.sessions() as session:
            count = await claims.recover(
                session, instance=self.instance, now=self.clock(), lease=self.config.lease
            )
        if count:
            log.warning("%d outbox rows left in sending by a crash are now unknown", count)
        return count

    def stop(self) -> None:
        """Stop claiming; calls not yet started are given back; the current run ends soon."""
        self._stopping = True
        self.lane.close()

    @property
    def stopping(self) -> bool:
        return self._stopping

    async def run_once(self) -> RunSummary:
        """Send everything that is due now, then return what happened."""
        async with self._lock:
            summary = RunSummary()
            if self._stopping:
                return summary
            async with self.sessions() as session:
                summary.recovered = await claims.recover(
                    session, instance=None, now=self.clock(), lease=self.config.lease
                )
            await self._run(summary)
            if summary.anything:
                log.info("outbox run: %s", _describe(summary))
            return summary

    async def _run(self, summary: RunSummary) -> None:
        pending: set[asyncio.Task[Outcome]] = set()
        results: list[Outcome] = []
        last_flush = time.monotonic()
        exhausted_at: float | None = None
        claim_size = self.config.claim_size
        # Rows in `sending` stay bounded: a claim's worth waiting plus the calls under way.
        most_pending = claim_size + self.config.concurrency
        try:
            while True:
                paused = self.pacer.paused_for > 0
                if paused and not pending and not self._stopping:
                    await self._flush(results, summary)
                    await self._wait_out_pause()
                    exhausted_at = None
                    continue
                if exhausted_at is not None and (
                    time.monotonic() - exhausted_at >= self.RECLAIM_SECONDS
                ):
                    exhausted_at = None
                room = min(claim_size - self._not_started, most_pending - len(pending))
                if (
                    exhausted_at is None
                    and not self._stopping
                    and not paused
                    # Top up as calls start, not only when half a claim is done; a call that
                    # hangs has started and does not hold the others back.
                    and room >= max(1, claim_size // 2)
                ):
                    # Rows throttled or failed so far are queued again first, so a row whose
                    # pause has passed is claimed with the others.
                    await self._flush(results, summary)
                    last_flush = time.monotonic()
                    claimed, skipped, started = await self._claim_and_start(room, results)
                    summary.claimed += claimed
                    summary.skipped += skipped
                    pending |= started
                    exhausted_at = time.monotonic() if claimed == 0 else None
                if not pending:
                    await self._flush(results, summary)
                    if exhausted_at is not None or self._stopping:
                        return
                    continue
                done, pending = await asyncio.wait(
                    pending, timeout=self.config.flush_seconds, return_when=asyncio.FIRST_COMPLETED
                )
                results.extend(task.result() for task in done)
                if (
                    len(results) >= self.config.flush_every
                    or time.monotonic() - last_flush >= self.config.flush_seconds
                ):
                    await self._flush(results, summary)
                    last_flush = time.monotonic()
        finally:
            # Cancelled (the process is stopping hard): what finished is still recorded.
            if pending:
                for task in pending:
                    task.cancel()
                finished = await asyncio.gather(*pending, return_exceptions=True)
                results.extend(r for r in finished if isinstance(r, Outcome))
            with contextlib.suppress(Exception):
                await asyncio.shield(self._flush(results, summary))

    async def _claim_and_start(
        self, limit: int, results: list[Outcome]
    ) -> tuple[int, int, set[asyncio.Task[Outcome]]]:
        async with self.sessions() as session:
            claimed = await claims.claim(
                session, instance=self.instance, now=self.clock(), limit=limit
            )
            tasks: set[asyncio.Task[Outcome]] = set()
            cache: dict[Any, Any] = {}
            for row in claimed.rows:
                try:
                    rendered = await self.channel.render(session, row, cache)
                except Exception as exc:
                    # A payload we cannot render will not render on a retry either.
                    level = logging.WARNING if isinstance(exc, RenderError) else logging.ERROR
                    log.log(
                        level,
                        "outbox row cannot be rendered",
                        exc_info=exc,
                        extra={"outbox_id": row.id},
                    )
                    results.append(Outcome(row, Verdict.FAILED, Reason.RENDER_FAILED))
                    continue
                self._not_started += 1
                tasks.add(asyncio.create_task(self._deliver(row, rendered)))
            await session.rollback()  # rendering only reads; release SQLite's lock at once
        return claimed.claimed, claimed.skipped, tasks

    async def _deliver(self, row: Claimed, rendered: Any) -> Outcome:
        started = False

        async def pace() -> None:
            nonlocal started
            await self.lane.acquire(row.chat_id)
            if not started:
                started = True
                self._not_started -= 1

        try:
            async with self._slots:
                try:
                    outcome = await self.channel.send(row, rendered, pace)
                except SendingPaused:
                    outcome = Outcome(row, Verdict.RELEASED, parts_sent=row.parts_sent)
                except Exception:
                    log.exception("sending an outbox row failed", extra={"outbox_id": row.id})
                    outcome = Outcome(row, Verdict.FAILED, Reason.INTERNAL_ERROR)
        finally:
            if not started:
                self._not_started -= 1
        if outcome.verdict is Verdict.THROTTLED:
            wait = outcome.retry_after or 1.0
            self.pacer.pause(wait)
            # Due exactly when the pause ends, so this run sends it after waiting.
            outcome = replace(outcome, not_before=self.clock() + timedelta(seconds=wait))
        elif outcome.verdict is Verdict.RELEASED:
            outcome = replace(outcome, not_before=self.clock())
        log.debug(
            "outbox row %s",
            outcome.verdict.value,
            extra={"outbox_id": row.id, "state": outcome.reason or outcome.verdict.value},
        )
        return outcome

    async def _flush(self, results: list[Outcome], summary: RunSummary) -> None:
        if not results:
            return
        batch = list(results)
        results.clear()
        async with self.sessions() as session:
            await claims.record(
                session,
                batch,
                instance=self.instance,
                now=self.clock(),
                max_attempts=self.config.max_attempts,
                retry_seconds=self.config.retry_seconds,
            )
        for outcome in batch:
            summary.count(outcome)

    async def _wait_out_pause(self) -> None:
        log.info("outbox paused: Telegram asked to wait", extra={"state": "paused"})
        while not self._stopping:
            remaining = self.pacer.paused_for
            if remaining <= 0:
                return
            await self.timer.sleep(min(remaining, 1.0))


def _describe(summary: RunSummary) -> str:
    return ", ".join(f"{name} {value}" for name, value in vars(summary).items() if value)

"""The periodic jobs: a few short APScheduler jobs that hold no state (the database does).

Every job is safe to run on several instances at once. A job can be woken early (the
outbox is woken when rows are queued); a wake-up while it runs makes it run once more
straight after, so nothing queued during a run waits for the next tick.

To add a job (check-ins will): write an `async def` that does one round of work, and add a
`PeriodicJob` for it in `build_scheduler` below.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.db import disk
from bot.db.notices import OUTBOX_QUEUED, ROWS_ERASED
from bot.runtime import Clock, Heartbeats, Runtime, system_clock
from bot.services import checkins, contributions, intake, updates
from bot.services.checkins import firing as checkin_firing
from bot.services.communities import retention
from bot.services.conversations import notices as inbox_notices_service
from bot.services.members import data_rights
from bot.services.outbox.dispatcher import Dispatcher
from bot.services.proposals import digests as proposal_digests
from bot.services.proposals import notices as proposal_notices
from bot.services.translations import tasks as translation_tasks

log = logging.getLogger(__name__)

OUTBOX_JOB = "outbox"
PURGE_UPDATES_JOB = "purge-processed-updates"
EXPIRE_INPUT_JOB = "expire-input"
CHECKINS_JOB = "checkins"
PLAN_CHECKINS_JOB = "plan-checkins"
RETENTION_JOB = "retention"
INBOX_NOTICES_JOB = "inbox-notices"
SCRUB_JOB = "scrub-disk"
COHOSTED_JOB = "contributions-cohosted"
PROPOSAL_DIGESTS_JOB = "proposal-digests"
TRANSLATION_TASKS_JOB = "translation-tasks"


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    run: Callable[[], Awaitable[Any]]
    every: timedelta
    # Asked to finish early when the process stops (e.g. stop claiming outbox rows).
    on_stop: Callable[[], None] | None = None


@dataclass
class _JobState:
    running: asyncio.Task[Any] | None = None
    again: bool = False


@dataclass
class Scheduler:
    jobs: dict[str, PeriodicJob] = field(default_factory=dict)
    # Each pass that ends without an error is recorded here (shown by /healthz).
    heartbeats: Heartbeats = field(default_factory=Heartbeats)
    clock: Clock = system_clock
    _aps: AsyncIOScheduler | None = None
    _states: dict[str, _JobState] = field(default_factory=dict)
    _stopping: bool = False
    _cleanup: list[Callable[[], None]] = field(default_factory=list)

    def add(self, job: PeriodicJob) -> None:
        if job.name in self.jobs:
            raise ValueError(f"a job named {job.name!r} exists already")
        self.jobs[job.name] = job
        self._states[job.name] = _JobState()

    def on_stop(self, cleanup: Callable[[], None]) -> None:
        self._cleanup.append(cleanup)

    def start(self) -> None:
        """Start in the running event loop; every job runs once right away."""
        self._aps = AsyncIOScheduler(timezone=UTC)
        now = datetime.now(UTC)
        for job in self.jobs.values():
            self._aps.add_job(
                self._run,
                IntervalTrigger(seconds=job.every.total_seconds(), timezone=UTC),
                args=[job.name],
                id=job.name,
                name=job.name,
                next_run_time=now,
                # A tick while the job runs (a broadcast takes minutes) is skipped by `_run`
                # itself, quietly: APScheduler's own limit would log a WARNING every tick.
                max_instances=2,
                coalesce=True,
                misfire_grace_time=None,
            )
        self._aps.start()

    def wake(self, name: str) -> None:
        """Run the job now (or once more as soon as its current run ends)."""
        state = self._states.get(name)
        if state is None or self._aps is None or self._stopping:
            return
        if state.running is not None:
            state.again = True
            return
        self._aps.modify_job(name, next_run_time=datetime.now(UTC))

    @property
    def running(self) -> bool:
        return self._aps is not None and self._aps.running

    async def _run(self, name: str) -> None:
        job, state = self.jobs[name], self._states[name]
        if self._stopping:
            return
        if state.running is not None:
            # Still busy with the last round, which looks again for work as it goes.
            log.debug("periodic job still running; tick skipped", extra={"kind": name})
            return
        state.running = asyncio.current_task()
        try:
            while True:
                state.again = False
                try:
                    await job.run()
                except Exception:
                    log.exception("periodic job failed", extra={"kind": name})
                else:
                    self.heartbeats.beat(name, self.clock())
                if not state.again or self._stopping:
                    return
        finally:
            state.running = None

    async def stop(self) -> None:
        """Stop scheduling, ask running jobs to finish, wait for them, then shut down.

        APScheduler's shutdown cancels running coroutine jobs, so it comes last: a dispatcher
        cancelled mid-call would leave rows `sending` that were never sent.
        """
        self._stopping = True
        for cleanup in self._cleanup:
            cleanup()
        if self._aps is not None and self._aps.running:
            self._aps.pause()
        for job in self.jobs.values():
            if job.on_stop is not None:
                job.on_stop()
        running = [s.running for s in self._states.values() if s.running is not None]
        if running:
            await asyncio.gather(*running, return_exceptions=True)
        if self._aps is not None and self._aps.running:
            self._aps.shutdown(wait=False)


def build_scheduler(runtime: Runtime, dispatcher: Dispatcher) -> Scheduler:
    """Every periodic job, in one visible place."""
    settings = runtime.settings
    scheduler = Scheduler(heartbeats=runtime.heartbeats, clock=runtime.clock)
    scheduler.add(
        PeriodicJob(
            OUTBOX_JOB,
            dispatcher.run_once,
            every=timedelta(seconds=settings.outbox_poll_seconds),
            on_stop=dispatcher.stop,
        )
    )
    scheduler.on_stop(runtime.notices.subscribe(OUTBOX_QUEUED, lambda: scheduler.wake(OUTBOX_JOB)))

    async def purge_processed_updates() -> None:
        window = timedelta(hours=settings.update_dedupe_hours)
        async with runtime.sessions() as session:
            await updates.purge(session, before=runtime.clock() - window)

    scheduler.add(PeriodicJob(PURGE_UPDATES_JOB, purge_processed_updates, timedelta(hours=1)))

    async def expire_input() -> None:
        async with runtime.sessions() as session:
            await intake.expire_overdue(session, now=runtime.clock())
            await session.commit()

    scheduler.add(PeriodicJob(EXPIRE_INPUT_JOB, expire_input, timedelta(minutes=5)))

    async def fire_checkins() -> None:
        # Several passes when many are due at once; each pass is one short transaction.
        while True:
            async with runtime.sessions() as session:
                fired = await checkin_firing.fire_due(session, now=runtime.clock())
            if fired.queued + fired.skipped + fired.deferred < checkins.CLAIM_LIMIT:
                return

    scheduler.add(
        PeriodicJob(CHECKINS_JOB, fire_checkins, timedelta(seconds=settings.checkin_poll_seconds))
    )

    async def plan_checkins() -> None:
        async with runtime.sessions() as session:
            await checkins.plan_longterm(session, runtime.catalogs, now=runtime.clock())
            await checkins.plan_reengagement(session, now=runtime.clock())
            await session.commit()

    scheduler.add(PeriodicJob(PLAN_CHECKINS_JOB, plan_checkins, timedelta(hours=1)))
    scheduler.add(PeriodicJob(RETENTION_JOB, retention_job(runtime), timedelta(days=1)))

    async def inbox_notices() -> None:
        # Messages held back by the interval or the organisers' quiet hours are told here.
        async with runtime.sessions() as session:
            await inbox_notices_service.queue_due(session, now=runtime.clock())
            # New proposals are told to organisers the same way, batched the same way.
            await proposal_notices.queue_due(session, now=runtime.clock())
            await session.commit()

    scheduler.add(PeriodicJob(INBOX_NOTICES_JOB, inbox_notices, timedelta(minutes=1)))

    async def record_cohosted() -> None:
        # Meetings that ended: a row per co-host in the contributions log (deduplicated).
        async with runtime.sessions() as session:
            await contributions.record_cohosted(session, now=runtime.clock())
            await session.commit()

    scheduler.add(PeriodicJob(COHOSTED_JOB, record_cohosted, timedelta(minutes=15)))

    async def digests() -> None:
        # Members hear about newly accepted proposals at most once a day.
        async with runtime.sessions() as session:
            await proposal_digests.queue_due(session, now=runtime.clock())
            await session.commit()

    scheduler.add(PeriodicJob(PROPOSAL_DIGESTS_JOB, digests, timedelta(minutes=10)))

    async def translation_tasks_due() -> None:
        # Tasks nobody took in time go to the next translators, or expire.
        async with runtime.sessions() as session:
            await translation_tasks.expire_due(session, now=runtime.clock())
            await session.commit()

    scheduler.add(PeriodicJob(TRANSLATION_TASKS_JOB, translation_tasks_due, timedelta(minutes=15)))

    # Hourly as well as on each erasure here: erasures by other instances, by the command
    # line, or a checkpoint a busy reader held up, reach the disk within the hour.
    scheduler.add(PeriodicJob(SCRUB_JOB, scrub_job(runtime), timedelta(hours=1)))
    scheduler.on_stop(runtime.notices.subscribe(ROWS_ERASED, lambda: scheduler.wake(SCRUB_JOB)))
    return scheduler


def retention_job(runtime: Runtime) -> Callable[[], Awaitable[None]]:
    """Daily: delete answers and stories older than their community's retention period."""

    async def run() -> None:
        async with runtime.sessions() as session:
            done = await retention.purge(session, now=runtime.clock())
        for purged in done:
            if purged.total:
                log.info(
                    "retention purge: %d rows in community %d",
                    purged.total,
                    purged.community_id,
                    extra={"kind": RETENTION_JOB},
                )

    return run


def scrub_job(runtime: Runtime) -> Callable[[], Awaitable[None]]:
    """After erasures and purges: SQLite's WAL checkpointed, PostgreSQL's tables vacuumed."""
    tables = data_rights.ERASED_TABLES + retention.PURGED_TABLES

    async def run() -> None:
        await disk.settle(runtime.engine, tables)

    return run

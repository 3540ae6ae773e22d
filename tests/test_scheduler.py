"""Periodic jobs: run at start, woken early when rows are queued, stopped gracefully."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.runtime import Runtime
from bot.scheduler import OUTBOX_JOB, PeriodicJob, Scheduler, build_scheduler
from bot.services import outbox
from tests.fakes.bot_api import FakeBotAPI
from tests.outbox_support import make_community, make_dispatcher

# A guard against a hanging test, not a timing assumption: each wait ends on an event.
GUARD = 20
MOMENT = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


class Runs:
    """Counts a job's runs; `reached(n)` waits until there have been n."""

    def __init__(self) -> None:
        self.count = 0
        self._changed = asyncio.Condition()

    async def one(self) -> None:
        async with self._changed:
            self.count += 1
            self._changed.notify_all()

    async def reached(self, n: int) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: self.count >= n), GUARD)


async def test_a_job_runs_at_start_and_again_when_woken() -> None:
    runs = Runs()
    scheduler = Scheduler()
    scheduler.add(PeriodicJob("count", runs.one, every=timedelta(hours=1)))
    scheduler.start()
    try:
        await runs.reached(1)
        scheduler.wake("count")  # an hour early
        await runs.reached(2)
    finally:
        await scheduler.stop()


async def test_a_wake_up_during_a_run_makes_it_run_once_more() -> None:
    entered, release, second = asyncio.Event(), asyncio.Event(), asyncio.Event()
    runs = 0

    async def job() -> None:
        nonlocal runs
        runs += 1
        if runs == 1:
            entered.set()
            await release.wait()
        else:
            second.set()

    scheduler = Scheduler()
    scheduler.add(PeriodicJob("slow", job, every=timedelta(hours=1)))
    scheduler.start()
    try:
        await asyncio.wait_for(entered.wait(), GUARD)
        scheduler.wake("slow")
        scheduler.wake("slow")  # two wake-ups while running: one more run
        release.set()
        await asyncio.wait_for(second.wait(), GUARD)
    finally:
        await scheduler.stop()
    assert runs == 2


async def test_stop_asks_the_job_to_finish_and_waits_for_it() -> None:
    stop_asked, started = asyncio.Event(), asyncio.Event()
    finished = False

    async def job() -> None:
        nonlocal finished
        started.set()
        await stop_asked.wait()
        finished = True

    scheduler = Scheduler()
    scheduler.add(PeriodicJob("long", job, timedelta(hours=1), on_stop=stop_asked.set))
    scheduler.start()
    await asyncio.wait_for(started.wait(), GUARD)
    await asyncio.wait_for(scheduler.stop(), GUARD)
    assert finished


async def test_queued_rows_wake_the_outbox_at_once(runtime: Runtime, fake_api: FakeBotAPI) -> None:
    people = await make_community(runtime, locales=["nl"])
    dispatcher, channel, _ = make_dispatcher(runtime, fake_api)
    await channel.start()
    runs = Runs()
    run_once = dispatcher.run_once

    async def counted_run() -> object:
        summary = await run_once()
        await runs.one()
        return summary

    dispatcher.run_once = counted_run  # type: ignore[method-assign]
    # An hour between ticks: only the wake-up can make the second run happen in the test.
    runtime.settings = runtime.settings.model_copy(update={"outbox_poll_seconds": 3600.0})
    scheduler = build_scheduler(runtime, dispatcher)
    assert scheduler.jobs[OUTBOX_JOB].every == timedelta(hours=1)
    scheduler.start()
    try:
        await runs.reached(1)  # the run at start found nothing
        async with runtime.sessions() as session:
            await outbox.enqueue(
                session,
                purpose="announcement",
                dedupe_key="announcement:1:1",
                member_id=people.member_ids[0],
                chat_id=people.user_ids[0],
                payload={
                    "kind": "announcement",
                    "community_id": people.community_id,
                    "texts": {"nl": "Hallo"},
                },
            )
            await session.commit()
        await runs.reached(2)  # woken by the commit
        assert len(fake_api.sent()) == 1
    finally:
        await scheduler.stop()
        await channel.stop()


async def test_a_pass_is_recorded_as_a_heartbeat_and_a_failed_one_is_not() -> None:
    runs = Runs()

    async def fails() -> None:
        await runs.one()
        raise RuntimeError("invented failure")

    scheduler = Scheduler(clock=lambda: MOMENT)
    scheduler.add(PeriodicJob("count", runs.one, every=timedelta(hours=1)))
    scheduler.add(PeriodicJob("fails", fails, every=timedelta(hours=1)))
    scheduler.start()
    try:
        await runs.reached(2)
    finally:
        await scheduler.stop()  # waits for both passes to end
    assert scheduler.heartbeats.last == {"count": MOMENT}

"""Check-ins with a controllable clock: reminders, follow-ups, long-term check-ins and
re-engagement; quiet hours, both DST nights, moving and cancelling, /stop, a restart with
overdue rows, and two schedulers on one database."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.db.models import (
    CheckIn,
    CheckInKind,
    CheckInState,
    Member,
    OutboxMessage,
    RsvpStatus,
)
from bot.runtime import Runtime
from bot.services import checkins, meetings, members
from bot.services.checkins import firing as checkin_firing
from bot.services.checkins import schedules as checkin_schedules
from bot.services.checkins.schedules import Schedule
from bot.services.meetings import changes, rsvps
from bot.services.timing import QuietHours
from tests.meeting_support import make_meeting
from tests.outbox_support import make_community

NO_QUIET = QuietHours(time(0, 0), time(0, 0))
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


async def going(runtime: Runtime, member_id: int, meeting_id: int, status=RsvpStatus.GOING):
    async with runtime.sessions() as session:
        member = await session.get(Member, member_id)
        result = await rsvps.respond(session, member, meeting_id, status, now=runtime.clock())
        await session.commit()
        assert result.ok


async def rows(runtime: Runtime) -> list[CheckIn]:
    async with runtime.sessions() as session:
        return list(await session.scalars(select(CheckIn).order_by(CheckIn.due_at, CheckIn.id)))


async def fire(runtime: Runtime) -> checkin_firing.Fired:
    async with runtime.sessions() as session:
        return await checkin_firing.fire_due(session, now=runtime.clock())


async def queued(runtime: Runtime) -> int:
    async with runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)


async def set_schedule(runtime: Runtime, community_id: int, schedule: Schedule) -> None:
    async with runtime.sessions() as session:
        await checkin_schedules.save(session, community_id, schedule, now=runtime.clock())
        await session.commit()


def local(moment: datetime) -> str:
    return moment.astimezone(AMSTERDAM).strftime("%Y-%m-%d %H:%M")


async def test_going_plans_two_reminders_and_a_follow_up_that_fire_in_time(
    runtime: Runtime,
) -> None:
    people = await make_community(runtime)
    meeting = await make_meeting(runtime, people.community_id)  # Sat 5 Dec 14:00-16:00
    await going(runtime, people.member_ids[0], meeting.id)
    planned = await rows(runtime)
    assert [(r.kind, local(r.due_at)) for r in planned] == [
        (CheckInKind.REMINDER, "2026-12-04 14:00"),
        (CheckInKind.REMINDER, "2026-12-05 12:00"),
        (CheckInKind.FOLLOWUP, "2026-12-06 10:00"),
    ]
    assert (await fire(runtime)).queued == 0  # nothing is due yet
    runtime.clock.now = datetime(2026, 12, 4, 13, 0, tzinfo=UTC)  # 14:00 in Amsterdam
    assert (await fire(runtime)).queued == 1
    assert (await fire(runtime)).queued == 0  # never twice
    runtime.clock.now = datetime(2026, 12, 5, 11, 0, tzinfo=UTC)  # 12:00, two hours before
    assert (await fire(runtime)).queued == 1
    runtime.clock.now = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)  # 10:00 the next day
    assert (await fire(runtime)).queued == 1
    assert [(r.kind, r.state) for r in await rows(runtime)] == [
        (CheckInKind.REMINDER, CheckInState.QUEUED),
        (CheckInKind.REMINDER, CheckInState.QUEUED),
        (CheckInKind.FOLLOWUP, CheckInState.QUEUED),
    ]
    assert await queued(runtime) == 3


async def test_a_restart_fires_overdue_rows_once_and_skips_reminders_for_begun_meetings(
    runtime: Runtime,
) -> None:
    people = await make_community(runtime)
    meeting = await make_meeting(runtime, people.community_id)
    await going(runtime, people.member_ids[0], meeting.id)
    # The bot was down from before the first reminder until the morning after the meeting.
    runtime.clock.now = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)
    fired = await fire(runtime)
    assert (fired.queued, fired.skipped) == (1, 2)
    by_kind = {(r.kind, r.state, r.reason) for r in await rows(runtime)}
    assert (CheckInKind.REMINDER, CheckInState.SKIPPED, "meeting_started") in by_kind
    assert (CheckInKind.FOLLOWUP, CheckInState.QUEUED, None) in by_kind
    assert await queued(runtime) == 1
    assert (await fire(runtime)).queued == 0


async def test_quiet_hours_push_a_check_in_to_the_morning(runtime: Runtime) -> None:
    people = await make_community(runtime)
    # A meeting at 09:30: the 2-hour reminder would be 07:30, inside the quiet hours.
    meeting = await make_meeting(runtime, people.community_id, starts=datetime(2026, 12, 5, 9, 30))
    await going(runtime, people.member_ids[0], meeting.id)
    reminders = [r for r in await rows(runtime) if r.kind == CheckInKind.REMINDER]
    assert [local(r.due_at) for r in reminders] == ["2026-12-04 09:30", "2026-12-05 09:00"]

    # The bot was down from before the first reminder until 03:00 on the day itself: the
    # overdue reminder waits for the end of the quiet hours instead of waking someone.
    runtime.clock.now = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)  # 03:00 local
    fired = await fire(runtime)
    assert (fired.deferred, fired.queued) == (1, 0)
    first = next(r for r in await rows(runtime) if r.kind == CheckInKind.REMINDER)
    assert local(first.due_at) == "2026-12-05 09:00"
    runtime.clock.now = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)  # 09:00 local
    assert (await fire(runtime)).queued == 2


async def test_a_check_in_at_0230_fires_once_on_both_dst_nights(runtime: Runtime) -> None:
    nights = [
        ("spring", datetime(2026, 3, 28, 14), date(2026, 3, 29)),
        ("autumn", datetime(2026, 10, 24, 14), date(2026, 10, 25)),
    ]
    for number, (code, starts, night) in enumerate(nights):
        runtime.clock.now = datetime(starts.year, starts.month, 1, 12, tzinfo=UTC)
        people = await make_community(runtime, code, first_user_id=936_000_001 + number)
        no_reminders = Schedule(reminder_offsets=(), followup_time=time(2, 30), quiet=NO_QUIET)
        await set_schedule(runtime, people.community_id, no_reminders)
        meeting = await make_meeting(runtime, people.community_id, starts=starts)
        await going(runtime, people.member_ids[0], meeting.id)
        # Walk through the night in steps of ten minutes, as the periodic job would.
        runtime.clock.now = datetime.combine(night, time(0), UTC) - timedelta(hours=1)
        total = 0
        for _ in range(5 * 6):
            total += (await fire(runtime)).queued
            runtime.clock.advance(minutes=10)
        assert total == 1, code
    followups = [r for r in await rows(runtime) if r.kind == CheckInKind.FOLLOWUP]
    assert [r.due_at for r in followups] == [
        datetime(2026, 3, 29, 1, 30, tzinfo=UTC),  # 02:30 does not exist: 03:30 CEST
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # the first 02:30 (CEST)
    ]


async def test_moving_reschedules_and_cancelling_cancels(runtime: Runtime) -> None:
    people = await make_community(runtime, locales=["nl", "nl"])
    meeting = await make_meeting(runtime, people.community_id)
    await going(runtime, people.member_ids[0], meeting.id)
    await going(runtime, people.member_ids[1], meeting.id, RsvpStatus.MAYBE)
    async with runtime.sessions() as session:
        fresh = await meetings.get(session, meeting.id)
        await changes.move(session, fresh, datetime(2026, 12, 12, 14, 0), now=runtime.clock())
        await session.commit()
    planned = await rows(runtime)
    old = [r for r in planned if r.state == CheckInState.CANCELLED]
    new = [r for r in planned if r.state == CheckInState.PENDING]
    assert len(old) == len(new) == 6
    assert {r.reason for r in old} == {"meeting_moved"}
    assert min(local(r.due_at) for r in new) == "2026-12-11 14:00"
    async with runtime.sessions() as session:
        fresh = await meetings.get(session, meeting.id)
        await changes.cancel(session, fresh, now=runtime.clock())
        await session.commit()
    assert {(r.state, r.reason) for r in await rows(runtime) if r.reason != "meeting_moved"} == {
        (CheckInState.CANCELLED, "meeting_cancelled")
    }


async def test_not_going_stop_and_going_again(runtime: Runtime) -> None:
    people = await make_community(runtime)
    meeting = await make_meeting(runtime, people.community_id)
    await going(runtime, people.member_ids[0], meeting.id)
    await going(runtime, people.member_ids[0], meeting.id, RsvpStatus.NOT_GOING)
    assert {r.state for r in await rows(runtime)} == {CheckInState.CANCELLED}
    await going(runtime, people.member_ids[0], meeting.id)
    assert {r.state for r in await rows(runtime)} == {CheckInState.PENDING}
    async with runtime.sessions() as session:
        member = await session.get(Member, people.member_ids[0])
        await members.stop(session, member, runtime.clock())
        await session.commit()
    assert {(r.state, r.reason) for r in await rows(runtime)} == {
        (CheckInState.CANCELLED, "member_stopped")
    }


async def test_long_term_check_ins_follow_the_last_meeting_attended(runtime: Runtime) -> None:
    people = await make_community(runtime)
    first = await make_meeting(runtime, people.community_id)
    await going(runtime, people.member_ids[0], first.id)
    runtime.clock.now = datetime(2026, 12, 7, 12, tzinfo=UTC)
    async with runtime.sessions() as session:
        assert await checkins.plan_longterm(session, runtime.catalogs, now=runtime.clock()) == 3
        assert await checkins.plan_longterm(session, runtime.catalogs, now=runtime.clock()) == 0
        await session.commit()
    longterm = [r for r in await rows(runtime) if r.kind == CheckInKind.LONGTERM]
    assert [local(r.due_at) for r in longterm] == [
        "2027-01-05 16:00",
        "2027-03-05 16:00",
        "2027-06-05 16:00",
    ]
    second = await make_meeting(runtime, people.community_id, starts=datetime(2026, 12, 19, 14))
    await going(runtime, people.member_ids[0], second.id)
    runtime.clock.now = datetime(2026, 12, 21, 12, tzinfo=UTC)
    async with runtime.sessions() as session:
        assert await checkins.plan_longterm(session, runtime.catalogs, now=runtime.clock()) == 3
        await session.commit()
    pending = [
        r
        for r in await rows(runtime)
        if r.kind == CheckInKind.LONGTERM and r.state == CheckInState.PENDING
    ]
    assert [local(r.due_at)[:10] for r in pending] == ["2027-01-19", "2027-03-19", "2027-06-19"]


async def test_someone_quiet_for_sixty_days_gets_one_friendly_message(runtime: Runtime) -> None:
    people = await make_community(runtime, locales=["nl", "nl"])
    async with runtime.sessions() as session:
        drifted = await session.get(Member, people.member_ids[0])
        drifted.last_seen_at = runtime.clock() - timedelta(days=61)
        active = await session.get(Member, people.member_ids[1])
        active.last_seen_at = runtime.clock() - timedelta(days=3)
        await session.commit()
    async with runtime.sessions() as session:
        assert await checkins.plan_reengagement(session, now=runtime.clock()) == 1
        await session.commit()
    runtime.clock.advance(days=1)
    async with runtime.sessions() as session:
        assert await checkins.plan_reengagement(session, now=runtime.clock()) == 0
    (row,) = await rows(runtime)
    assert (row.kind, row.member_id) == (CheckInKind.REENGAGE, people.member_ids[0])


async def test_two_schedulers_never_queue_the_same_check_in_twice(runtime: Runtime) -> None:
    people = await make_community(runtime, locales=["nl"] * 60, first_user_id=937_000_001)
    meeting = await make_meeting(runtime, people.community_id)
    for member_id in people.member_ids:
        await going(runtime, member_id, meeting.id)
    runtime.clock.now = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)  # every follow-up is due
    other = Runtime.create(runtime.settings, clock=runtime.clock)
    try:

        async def scheduler(instance: Runtime) -> int:
            """Passes of seven rows until a pass finds nothing due, like the periodic job."""
            total = 0
            while True:
                async with instance.sessions() as session:
                    fired = await checkin_firing.fire_due(session, now=instance.clock(), limit=7)
                total += fired.queued
                if fired.queued + fired.skipped == 0:
                    return total
                await asyncio.sleep(0)

        counts = await asyncio.gather(scheduler(runtime), scheduler(other), scheduler(runtime))
    finally:
        await other.close()
    assert sum(counts) == 60
    assert await queued(runtime) == 60
    async with runtime.sessions() as session:
        keys = list(await session.scalars(select(OutboxMessage.dedupe_key)))
    assert len(set(keys)) == 60


async def test_a_meeting_with_its_own_reminders_uses_them(runtime: Runtime) -> None:
    from bot.services.meetings import MeetingDraft
    from tests.meeting_support import DUTCH, STARTS

    people = await make_community(runtime)
    async with runtime.sessions() as session:
        meeting = await meetings.create(
            session,
            MeetingDraft(
                community_id=people.community_id,
                source_locale="nl",
                texts={"nl": DUTCH},
                starts_local=STARTS,
                time_zone="Europe/Amsterdam",
                reminder_offsets=(3 * 60,),
            ),
            now=runtime.clock(),
        )
        await session.commit()
    await going(runtime, people.member_ids[0], meeting.id)
    reminders = [r for r in await rows(runtime) if r.kind == CheckInKind.REMINDER]
    assert [local(r.due_at) for r in reminders] == ["2026-12-05 11:00"]

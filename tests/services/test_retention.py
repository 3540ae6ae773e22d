"""Retention: answers and stories older than the community's period go, with what was derived
from them; a dry run shows it first; several instances may purge at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.db.models import (
    Answer,
    AnswerSource,
    Community,
    InputRun,
    QuestionKind,
    QuestionStage,
)
from bot.runtime import Runtime
from bot.scheduler import RETENTION_JOB, build_scheduler
from bot.services import audit
from bot.services.communities import retention
from tests.fakes.bot_api import FakeBotAPI
from tests.outbox_support import make_community, make_dispatcher

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
# 24 months before NOW: the boundary of the default period.
CUTOFF = datetime(2024, 11, 28, 12, 0, tzinfo=UTC)


def test_months_are_calendar_months_and_clamp_to_the_end_of_a_month() -> None:
    assert retention.months_before(NOW, 24) == CUTOFF
    march_31 = datetime(2026, 3, 31, 8, 30, tzinfo=UTC)
    assert retention.months_before(march_31, 1) == datetime(2026, 2, 28, 8, 30, tzinfo=UTC)
    assert retention.months_before(march_31, 25) == datetime(2024, 2, 29, 8, 30, tzinfo=UTC)


async def told(
    runtime: Runtime, community_id: int, member_id: int, at: datetime, **fields: object
) -> None:
    async with runtime.sessions() as session:
        session.add(
            Answer(
                member_id=member_id,
                community_id=community_id,
                source=fields.pop("source", AnswerSource.MEETING),
                kind=fields.pop("kind", QuestionKind.TEXT),
                locale="nl",
                created_at=at,
                updated_at=at,
                **fields,
            )
        )
        await session.commit()


async def count(runtime: Runtime, model: type, *where: object) -> int:
    async with runtime.sessions() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where)) or 0


async def old_and_new(runtime: Runtime) -> tuple[int, list[int]]:
    """A community (24 months) with rows one second outside and one second inside the period."""
    people = await make_community(runtime, "oost", locales=["nl", "ar"])
    cid, (sanne, amira) = people.community_id, people.member_ids
    outside, inside = CUTOFF - timedelta(seconds=1), CUTOFF + timedelta(seconds=1)
    await told(runtime, cid, sanne, outside, text="oud antwoord")
    await told(
        runtime,
        cid,
        amira,
        outside - timedelta(days=300),
        source=AnswerSource.STORY,
        kind=QuestionKind.VOICE,
        voice_file_id="voice-invented-old",
        voice_duration=40,
    )
    await told(runtime, cid, sanne, inside, text="net binnen de termijn")
    await told(runtime, cid, amira, inside, source=AnswerSource.STORY, text="recent verhaal")
    async with runtime.sessions() as session:
        session.add_all(
            [
                InputRun(
                    member_id=sanne,
                    community_id=cid,
                    stage=QuestionStage.BEFORE,
                    started_at=outside,
                    updated_at=outside,
                ),
                InputRun(
                    member_id=amira,
                    community_id=cid,
                    stage=QuestionStage.BEFORE,
                    started_at=inside,
                    updated_at=inside,
                ),
            ]
        )
        await session.commit()
    return cid, people.member_ids


async def test_a_dry_run_shows_what_would_go_and_changes_nothing(runtime: Runtime) -> None:
    runtime.clock.now = NOW  # type: ignore[attr-defined]
    await old_and_new(runtime)
    async with runtime.sessions() as session:
        (planned,) = await retention.plan(session, now=runtime.clock())
    assert (planned.code, planned.retention_months, planned.cutoff) == ("oost", 24, CUTOFF)
    assert (planned.answers, planned.stories, planned.voice_notes, planned.input_runs) == (
        1,
        1,
        1,
        1,
    )
    assert planned.oldest == CUTOFF - timedelta(days=300, seconds=1)
    assert await count(runtime, Answer) == 4
    assert await count(runtime, InputRun) == 2
    async with runtime.sessions() as session:
        assert await audit.events(session, action=retention.ACTION) == []


async def test_the_purge_deletes_just_outside_keeps_just_inside_and_audits_counts(
    runtime: Runtime,
) -> None:
    runtime.clock.now = NOW  # type: ignore[attr-defined]
    cid, _ = await old_and_new(runtime)
    async with runtime.sessions() as session:
        (done,) = await retention.purge(session, now=runtime.clock())
    assert (done.answers, done.stories, done.voice_notes, done.input_runs) == (1, 1, 1, 1)
    async with runtime.sessions() as session:
        kept = (await session.scalars(select(Answer).order_by(Answer.id))).all()
        assert [a.text for a in kept] == ["net binnen de termijn", "recent verhaal"]
        assert all(a.voice_file_id is None for a in kept)
        (event,) = await audit.events(session, action=retention.ACTION)
    assert event.community_id == cid
    assert event.actor_user_id is None
    assert event.row_count == 3
    assert event.details["answers"] == 1
    assert event.details["stories"] == 1
    assert event.details["voice_notes"] == 1
    assert event.details["input_runs"] == 1
    assert "member" not in str(event.details)
    assert await count(runtime, InputRun) == 1

    # A second run (another day, or another instance) finds nothing and records nothing.
    async with runtime.sessions() as session:
        (again,) = await retention.purge(session, now=runtime.clock())
        assert again.total == 0
        assert len(await audit.events(session, action=retention.ACTION)) == 1


async def test_each_community_keeps_its_own_period(runtime: Runtime) -> None:
    runtime.clock.now = NOW  # type: ignore[attr-defined]
    cid, _ = await old_and_new(runtime)
    short = await make_community(runtime, "west", locales=["uk"], first_user_id=930_100_001)
    async with runtime.sessions() as session:
        old, new = await retention.set_months(
            session, community_code="west", months=6, now=runtime.clock()
        )
    assert (old, new) == (24, 6)
    seven_months_ago = NOW - timedelta(days=7 * 31)
    await told(runtime, short.community_id, short.member_ids[0], seven_months_ago, text="oud")
    async with runtime.sessions() as session:
        (west,) = await retention.plan(session, now=runtime.clock(), community_code="west")
        assert west.answers == 1
        (only_west,) = await retention.purge(session, now=runtime.clock(), community_code="west")
    assert only_west.answers == 1
    # The other community was not touched.
    assert await count(runtime, Answer, Answer.community_id == cid) == 4
    async with runtime.sessions() as session:
        (changed,) = await audit.events(session, action="community.retention")
        assert changed.details == {"from_months": 24, "to_months": 6}


async def test_the_period_is_one_to_twenty_four_months(runtime: Runtime) -> None:
    await make_community(runtime, "oost")
    async with runtime.sessions() as session:
        for months in (0, 25):
            with pytest.raises(retention.RetentionError, match="1 to 24 months"):
                await retention.set_months(
                    session, community_code="oost", months=months, now=runtime.clock()
                )
        community = await session.scalar(select(Community))
        assert community is not None
        assert community.retention_months == 24


async def test_two_instances_purging_at_once_delete_each_row_once(runtime: Runtime) -> None:
    runtime.clock.now = NOW  # type: ignore[attr-defined]
    people = await make_community(runtime, "oost", locales=["nl"])
    for day in range(30):
        await told(
            runtime,
            people.community_id,
            people.member_ids[0],
            CUTOFF - timedelta(days=day + 1),
            text=f"oud {day}",
        )
    other = Runtime.create(runtime.settings, clock=runtime.clock)
    try:

        async def purge_in(rt: Runtime) -> int:
            async with rt.sessions() as session:
                return sum(r.answers for r in await retention.purge(session, now=rt.clock()))

        first, second = await asyncio.gather(purge_in(runtime), purge_in(other))
    finally:
        await other.close()
    assert first + second == 30
    assert await count(runtime, Answer) == 0
    async with runtime.sessions() as session:
        events = await audit.events(session, action=retention.ACTION)
    assert sum(e.details["answers"] for e in events) == 30


async def test_the_daily_job_purges(runtime: Runtime, fake_api: FakeBotAPI) -> None:
    runtime.clock.now = NOW  # type: ignore[attr-defined]
    await old_and_new(runtime)
    dispatcher, _, _ = make_dispatcher(runtime, fake_api)
    scheduler = build_scheduler(runtime, dispatcher)
    job = scheduler.jobs[RETENTION_JOB]
    assert job.every == timedelta(days=1)
    await job.run()
    assert await count(runtime, Answer) == 2
    # A day later the rows that were one second inside the period are outside it.
    runtime.clock.advance(days=1)  # type: ignore[attr-defined]
    await job.run()
    assert await count(runtime, Answer) == 0

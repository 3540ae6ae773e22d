"""Queuing, claiming, recovering and resending outbox rows."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import update

from bot.db.models import OutboxMessage, OutboxState
from bot.db.notices import OUTBOX_QUEUED
from bot.runtime import Runtime
from bot.services import audit, outbox
from bot.services.outbox import Reason, announcements
from bot.services.outbox import claims as outbox_claims
from bot.services.outbox import reports as outbox_reports
from tests import outbox_support as support
from tests.fakes.bot_api import Errors, FakeBotAPI
from tests.harness import FakeClock
from tests.outbox_support import make_community, make_dispatcher, rows


def payload(text: str = "Hallo") -> dict:
    return {"kind": "announcement", "community_id": 1, "texts": {"nl": text}}


async def test_queuing_the_same_key_twice_is_a_no_op(runtime: Runtime) -> None:
    people = await make_community(runtime, locales=["nl"])
    for expected in (True, False):
        async with runtime.sessions() as session:
            queued = await outbox.enqueue(
                session,
                purpose="announcement",
                dedupe_key="announcement:7:1",
                member_id=people.member_ids[0],
                chat_id=people.user_ids[0],
                payload=payload(),
            )
            await session.commit()
        assert queued is expected
    assert len(await rows(runtime)) == 1


async def test_a_payload_needs_a_kind(runtime: Runtime) -> None:
    people = await make_community(runtime, locales=["nl"])
    async with runtime.sessions() as session:
        with pytest.raises(ValueError, match="kind"):
            await outbox.enqueue(
                session,
                purpose="x",
                dedupe_key="x",
                member_id=people.member_ids[0],
                chat_id=people.user_ids[0],
                payload={"text": "no kind"},
            )


async def test_the_dispatcher_is_woken_after_commit_not_after_rollback(runtime: Runtime) -> None:
    people = await make_community(runtime, locales=["nl", "nl"])
    woken: list[str] = []
    runtime.notices.subscribe(OUTBOX_QUEUED, lambda: woken.append("outbox"))

    async def queue(key: str, *, commit: bool) -> None:
        async with runtime.sessions() as session:
            await outbox.enqueue(
                session,
                purpose="announcement",
                dedupe_key=key,
                member_id=people.member_ids[0],
                chat_id=people.user_ids[0],
                payload=payload(),
            )
            assert woken == []  # not before the commit
            if commit:
                await session.commit()
            else:
                await session.rollback()

    await queue("a", commit=False)
    assert woken == []
    await queue("b", commit=True)
    assert woken == ["outbox"]


async def test_two_claims_at_the_same_moment_get_different_rows(
    runtime: Runtime, clock: FakeClock
) -> None:
    await make_community(runtime, locales=["nl"] * 10)
    await announce(runtime)
    # The first claim's transaction is open (rows locked) when the second one starts.
    first_session = runtime.sessions()
    first = asyncio.create_task(
        outbox_claims.claim(first_session, instance="a", now=clock(), limit=6)
    )
    second_session = runtime.sessions()
    second = asyncio.create_task(
        outbox_claims.claim(second_session, instance="b", now=clock(), limit=6)
    )
    a, b = await asyncio.gather(first, second)
    await first_session.close()
    await second_session.close()
    ids_a = {row.id for row in a.rows}
    ids_b = {row.id for row in b.rows}
    assert not ids_a & ids_b
    assert len(ids_a | ids_b) == 10
    by_instance = {row.id: row.claimed_by for row in await rows(runtime)}
    assert all(by_instance[i] == "a" for i in ids_a)
    assert all(by_instance[i] == "b" for i in ids_b)


async def test_a_claim_takes_no_more_rows_than_its_limit(
    runtime: Runtime, clock: FakeClock
) -> None:
    # PostgreSQL may re-run `IN (SELECT … LIMIT n)` per row; the claim must not.
    await make_community(runtime, locales=["nl"] * 4)
    await announce(runtime)
    async with runtime.sessions() as session:
        claimed = await outbox_claims.claim(session, instance="a", now=clock(), limit=2)
    assert len(claimed.rows) == 2
    states = [row.state for row in await rows(runtime)]
    assert states.count(OutboxState.SENDING) == 2
    assert states.count(OutboxState.QUEUED) == 2


async def announce(runtime: Runtime, code: str = "utrecht", text: str = "Tot zaterdag!") -> int:
    return (await support.announce(runtime, code, text)).broadcast_id


async def test_rows_left_sending_by_a_crash_become_unknown_and_are_not_resent(
    runtime: Runtime, fake_api: FakeBotAPI, clock: FakeClock
) -> None:
    await make_community(runtime, locales=["nl"] * 4)
    await announce(runtime)
    async with runtime.sessions() as session:
        crashed = await outbox_claims.claim(session, instance="host:run", now=clock(), limit=2)
    async with runtime.sessions() as session:
        other = await outbox_claims.claim(session, instance="other:run", now=clock(), limit=1)

    dispatcher, channel, _ = make_dispatcher(runtime, fake_api, instance="host:run")
    await channel.start()
    assert await dispatcher.recover_on_start() == 2
    await dispatcher.run_once()
    states = {row.id: row for row in await rows(runtime)}
    for row in crashed.rows:
        assert (states[row.id].state, states[row.id].reason) == (
            OutboxState.UNKNOWN,
            Reason.OUTCOME_UNKNOWN,
        )
    # Another instance's row is its own business until its lease runs out...
    assert states[other.rows[0].id].state is OutboxState.SENDING
    assert len(fake_api.sent()) == 1  # only the row nobody had claimed
    clock.advance(minutes=11)
    await dispatcher.run_once()
    assert (await rows(runtime, id=other.rows[0].id))[0].state is OutboxState.UNKNOWN
    assert len(fake_api.sent()) == 1  # ...and unknown rows are never sent on their own
    await channel.stop()


async def test_resend_requeues_failed_or_unknown_deliberately_and_is_audited(
    runtime: Runtime, fake_api: FakeBotAPI, clock: FakeClock
) -> None:
    people = await make_community(runtime, locales=["nl"] * 3)
    broadcast = await announce(runtime)
    fake_api.fail(Errors.CHAT_NOT_FOUND, chat_id=people.user_ids[0])
    async with runtime.sessions() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.member_id == people.member_ids[2])
            .values(state=OutboxState.UNKNOWN, reason=Reason.OUTCOME_UNKNOWN)
        )
        await session.commit()
    dispatcher, channel, _ = make_dispatcher(runtime, fake_api)
    await channel.start()
    await dispatcher.run_once()
    assert [row.state for row in await rows(runtime)] == [
        OutboxState.FAILED,
        OutboxState.SENT,
        OutboxState.UNKNOWN,
    ]
    async with runtime.sessions() as session:
        count = await outbox_reports.resend(
            session, states=[OutboxState.FAILED], now=clock(), purpose="announcement"
        )
        await session.commit()  # services flush; the caller commits
    assert count == 1
    await dispatcher.run_once()
    assert [row.state for row in await rows(runtime)] == [
        OutboxState.SENT,
        OutboxState.SENT,
        OutboxState.UNKNOWN,
    ]
    async with runtime.sessions() as session:
        count = await outbox_reports.resend(
            session, states=[OutboxState.UNKNOWN], now=clock(), broadcast_id=broadcast
        )
        events = await audit.events(session, action="outbox.resend")
        await session.commit()
    assert count == 1
    await dispatcher.run_once()
    await channel.stop()
    assert all(row.state is OutboxState.SENT for row in await rows(runtime))
    assert [e.row_count for e in events] == [1, 1]
    assert sorted(call.chat_id for call in fake_api.sent()) == sorted(
        [people.user_ids[0], *people.user_ids]
    )


async def test_status_counts_by_purpose_state_and_reason(
    runtime: Runtime, fake_api: FakeBotAPI
) -> None:
    people = await make_community(runtime, locales=["nl"] * 4)
    await announce(runtime)
    fake_api.fail(Errors.BLOCKED, chat_id=people.user_ids[0])
    fake_api.fail(Errors.SERVER, chat_id=people.user_ids[1])
    dispatcher, channel, _ = make_dispatcher(runtime, fake_api)
    await channel.start()
    await dispatcher.run_once()
    await channel.stop()
    async with runtime.sessions() as session:
        counts = await outbox_reports.status(session, purpose="announcement")
        assert await outbox_reports.status(session, purpose="invitation") == []
        (summary,) = await outbox_reports.broadcast_summaries(session)
    assert [(r.state, r.reason, r.count) for r in counts] == [
        (OutboxState.QUEUED, "server_error", 1),
        (OutboxState.SENT, None, 2),
        (OutboxState.BLOCKED, "bot_blocked", 1),
    ]
    assert (summary.total, summary.done, summary.active) == (4, 3, 1)


async def test_a_long_message_resumes_after_the_parts_already_delivered(
    runtime: Runtime, fake_api: FakeBotAPI, clock: FakeClock
) -> None:
    people = await make_community(runtime, locales=["nl"])
    paragraph = "Een zin over de bijeenkomst. " * 100  # about 2,900 characters
    async with runtime.sessions() as session:
        await announcements.announce(
            session,
            community_code="utrecht",
            texts={"nl": "\n\n".join([paragraph] * 3)},
            source_locale="nl",
            now=clock(),
        )
    # The second part meets a 502; the first was delivered and must not be sent again.
    fake_api.fail(Errors.SERVER, chat_id=people.user_ids[0], after=1)
    dispatcher, channel, _ = make_dispatcher(runtime, fake_api)
    await channel.start()
    await dispatcher.run_once()
    (row,) = await rows(runtime)
    assert (row.state, row.parts_sent, row.reason) == (OutboxState.QUEUED, 1, "server_error")
    clock.advance(seconds=15)
    await dispatcher.run_once()
    await channel.stop()
    (row,) = await rows(runtime)
    assert (row.state, row.parts_sent) == (OutboxState.SENT, 3)
    texts = fake_api.texts(people.user_ids[0])
    assert len(texts) == 4  # part 1, part 2 (502), part 2 again, part 3
    assert texts[1] == texts[2]
    assert texts[0] != texts[1]


async def test_a_late_result_does_not_overwrite_a_row_requeued_meanwhile(
    runtime: Runtime, clock: FakeClock
) -> None:
    await make_community(runtime, locales=["nl"])
    await announce(runtime)
    async with runtime.sessions() as session:
        (claimed,) = (
            await outbox_claims.claim(session, instance="slow", now=clock(), limit=1)
        ).rows
    async with runtime.sessions() as session:
        await outbox_claims.recover(
            session, instance=None, now=clock() + timedelta(hours=1), lease=timedelta(minutes=10)
        )
        await outbox_reports.resend(session, states=[OutboxState.UNKNOWN], now=clock())
        await session.commit()
    async with runtime.sessions() as session:
        (reclaimed,) = (
            await outbox_claims.claim(session, instance="fast", now=clock(), limit=1)
        ).rows
        await outbox_claims.record(
            session,
            [outbox.Outcome(claimed, outbox.Verdict.FAILED, Reason.BAD_REQUEST)],
            instance="slow",
            now=clock(),
            max_attempts=3,
            retry_seconds=15,
        )
    (row,) = await rows(runtime)
    assert (row.state, row.claimed_by) == (OutboxState.SENDING, "fast")
    assert reclaimed.id == row.id


async def test_stopping_gives_back_rows_not_yet_sent(
    runtime: Runtime, fake_api: FakeBotAPI
) -> None:
    await make_community(runtime, locales=["nl"] * 3)
    await announce(runtime)
    dispatcher, channel, _ = make_dispatcher(runtime, fake_api)
    await channel.start()
    dispatcher.stop()
    summary = await dispatcher.run_once()
    assert summary.claimed == 0
    assert all(row.state is OutboxState.QUEUED for row in await rows(runtime))
    await channel.stop()

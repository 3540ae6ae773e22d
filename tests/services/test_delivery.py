"""The dispatcher against the fake Bot API: each error class ends in the right state."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.db.models import OutboxState
from bot.runtime import Runtime
from bot.services import outbox
from bot.services.outbox import Reason
from bot.services.outbox.dispatcher import Dispatcher
from tests import outbox_support as support
from tests.fakes.bot_api import Errors, FakeBotAPI, FakeRequest
from tests.harness import FakeClock
from tests.outbox_support import make_community, make_dispatcher, member, rows


@pytest.fixture
async def dispatcher(runtime: Runtime, fake_api: FakeBotAPI) -> AsyncIterator[Dispatcher]:
    dispatcher, channel, _timer = make_dispatcher(runtime, fake_api)
    await channel.start()
    yield dispatcher
    await channel.stop()


async def announce(runtime: Runtime, code: str = "utrecht", text: str = "Tot zaterdag!") -> int:
    return (await support.announce(runtime, code, text)).broadcast_id


async def test_a_broadcast_is_sent_once_to_everyone(
    runtime: Runtime, fake_api: FakeBotAPI, dispatcher: Dispatcher
) -> None:
    people = await make_community(runtime, locales=["nl"] * 5)
    await announce(runtime)
    summary = await dispatcher.run_once()
    assert summary.sent == 5
    assert sorted(call.chat_id for call in fake_api.sent()) == people.user_ids
    assert all(row.state is OutboxState.SENT for row in await rows(runtime))
    assert all(row.telegram_message_id and row.sent_at for row in await rows(runtime))
    # Nothing is sent twice, however often the dispatcher runs.
    await dispatcher.run_once()
    assert len(fake_api.sent()) == 5


async def test_a_member_who_blocked_the_bot_is_marked_and_never_retried(
    runtime: Runtime, fake_api: FakeBotAPI, dispatcher: Dispatcher, clock: FakeClock
) -> None:
    people = await make_community(runtime, locales=["nl", "nl"])
    fake_api.fail(Errors.BLOCKED, chat_id=people.user_ids[0], times=None)
    await announce(runtime)
    await dispatcher.run_once()
    clock.advance(days=1)
    await dispatcher.run_once()
    blocked, sent = await rows(runtime)
    assert (blocked.state, blocked.reason, blocked.attempts) == (
        OutboxState.BLOCKED,
        Reason.BOT_BLOCKED,
        1,
    )
    assert sent.state is OutboxState.SENT
    assert len(fake_api.sent(people.user_ids[0])) == 1
    assert (await member(runtime, people.member_ids[0])).blocked_at is not None
    assert (await member(runtime, people.member_ids[1])).blocked_at is None


async def test_a_deactivated_user_is_marked_blocked(
    runtime: Runtime, fake_api: FakeBotAPI, dispatcher: Dispatcher
) -> None:
    people = await make_community(runtime, locales=["nl"])
    fake_api.fail(Errors.DEACTIVATED, chat_id=people.user_ids[0])
    await announce(runtime)
    await dispatcher.run_once()
    (row,) = await rows(runtime)
    assert (row.state, row.reason) == (OutboxState.BLOCKED, Reason.USER_DEACTIVATED)
    assert (await member(runtime, people.member_ids[0])).blocked_at is not None


async def test_chat_not_found_fails_at_once_without_blocking_the_member(
    runtime: Runtime, fake_api: FakeBotAPI, dispatcher: Dispatcher, clock: FakeClock
) -> None:
    people = await make_community(runtime, locales=["nl"])
    fake_api.fail(Errors.CHAT_NOT_FOUND, chat_id=people.user_ids[0], times=None)
    await announce(runtime)
    await dispatcher.run_once()
    clock.advance(hours=2)
    await dispatcher.run_once()
    (row,) = await rows(runtime)
    assert (row.state, row.reason, row.attempts) == (
        OutboxState.FAILED,
        Reason.CHAT_NOT_FOUND,
        1,
    )
    assert len(fake_api.sent()) == 1
    assert (await member(runtime, people.member_ids[0])).blocked_at is None


async def test_retry_after_pauses_all_sending_and_the_message_goes_later(
    runtime: Runtime, fake_api: FakeBotAPI, clock: FakeClock
) -> None:
    people = await make_community(runtime, locales=["nl"] * 3)
    dispatcher, channel, timer = make_dispatcher(runtime, fake_api, concurrency=1)
    await channel.start()
    fake_api.fail(Errors.retry_after(7), chat_id=people.user_ids[0])
    await announce(runtime)
    started = clock()
    summary = await dispatcher.run_once()
    await channel.stop()
    assert summary.throttled == 1
    # Telegram asked for 7 seconds: nothing was sent before they had passed.
    assert clock() - started >= timedelta(seconds=7)
    assert max(timer.sleeps) >= 1.0
    first, *others = await rows(runtime)
    assert first.state is OutboxState.SENT
    assert (first.attempts, first.throttled) == (1, 1)  # the 429 gave its attempt back
    assert all(row.state is OutboxState.SENT for row in others)
    calls = [call.chat_id for call in fake_api.sent()]
    assert sorted(calls) == sorted([*people.user_ids, people.user_ids[0]])
    # The other two went out only after the pause: the 429 was the very first call.
    assert calls[0] == people.user_ids[0]
    assert (await member(runtime, people.member_ids[0])).blocked_at is None


async def test_a_chat_telegram_keeps_throttling_fails_as_rate_limited(
    runtime: Runtime, fake_api: FakeBotAPI
) -> None:
    people = await make_community(runtime, locales=["nl", "nl"])
    fake_api.fail(Errors.retry_after(2), chat_id=people.user_ids[0], times=None)
    dispatcher, channel, _ = make_dispatcher(runtime, fake_api)
    await channel.start()
    await announce(runtime)
    summary = await dispatcher.run_once()
    await channel.stop()
    throttled, sent = await rows(runtime)
    assert summary.throttled == outbox.MAX_THROTTLES
    assert (throttled.state, throttled.reason) == (OutboxState.FAILED, Reason.RATE_LIMITED)
    assert (throttled.throttled, throttled.attempts) == (outbox.MAX_THROTTLES, 0)
    assert sent.state is OutboxState.SENT
    assert (await member(runtime, people.member_ids[0])).blocked_at is None


@pytest.mark.parametrize(
    ("error", "reason"),
    [(Errors.TIMEOUT, Reason.TIMEOUT), (Errors.SERVER, Reason.SERVER_ERROR)],
    ids=["timeout", "5xx"],
)
async def test_transient_errors_back_off_then_fail_after_three_attempts(
    runtime: Runtime,
    fake_api: FakeBotAPI,
    dispatcher: Dispatcher,
    clock: FakeClock,
    error,
    reason,
) -> None:
    people = await make_community(runtime, locales=["nl"])
    fake_api.fail(error, chat_id=people.user_ids[0], times=None)
    await announce(runtime)

    await dispatcher.run_once()
    (row,) = await rows(runtime)
    assert (row.state, row.reason, row.attempts) == (OutboxState.QUEUED, reason, 1)
    assert row.next_attempt_at == clock() + timedelta(seconds=15)

    await dispatcher.run_once()  # not due yet: nothing happens
    assert len(fake_api.sent()) == 1

    clock.advance(seconds=15)
    await dispatcher.run_once()
    (row,) = await rows(runtime)
    assert (row.state, row.attempts) == (OutboxState.QUEUED, 2)
    assert row.next_attempt_at == clock() + timedelta(seconds=60)  # backing off

    clock.advance(seconds=60)
    await dispatcher.run_once()
    (row,) = await rows(runtime)
    assert (row.state, row.reason, row.attempts) == (OutboxState.FAILED, reason, 3)
    assert len(fake_api.sent()) == 3
    assert (await member(runtime, people.member_ids[0])).blocked_at is None

    clock.advance(days=1)
    await dispatcher.run_once()
    assert len(fake_api.sent()) == 3  # failed is final until someone resends


async def test_a_transient_error_then_success_is_sent(
    runtime: Runtime, fake_api: FakeBotAPI, dispatcher: Dispatcher, clock: FakeClock
) -> None:
    people = await make_community(runtime, locales=["nl"])
    fake_api.fail(Errors.TIMEOUT, chat_id=people.user_ids[0])
    await announce(runtime)
    await dispatcher.run_once()
    clock.advance(seconds=15)
    await dispatcher.run_once()
    (row,) = await rows(runtime)
    assert (row.state, row.reason, row.attempts) == (OutboxState.SENT, None, 2)


async def test_members_who_became_unreachable_are_skipped_with_a_reason(
    runtime: Runtime, fake_api: FakeBotAPI, dispatcher: Dispatcher, clock: FakeClock
) -> None:
    from bot.db.models import Member

    people = await make_community(runtime, locales=["nl"] * 5)
    await announce(runtime)
    stopped, blocked, withdrew, erased, reachable = people.member_ids
    async with runtime.sessions() as session:
        (await session.get(Member, stopped)).stopped_at = clock()
        (await session.get(Member, blocked)).blocked_at = clock()
        (await session.get(Member, withdrew)).consent_given_at = None
        await session.delete(await session.get(Member, erased))
        await session.commit()
    summary = await dispatcher.run_once()
    assert summary.skipped == 4
    assert [call.chat_id for call in fake_api.sent()] == [people.user_ids[4]]
    found = {row.member_id: row for row in await rows(runtime)}
    assert (found[stopped].state, found[stopped].reason) == (
        OutboxState.SKIPPED,
        Reason.MEMBER_STOPPED,
    )
    assert found[blocked].reason == Reason.MEMBER_BLOCKED
    assert found[withdrew].reason == Reason.NO_CONSENT
    assert found[reachable].state is OutboxState.SENT
    (gone,) = [row for row in await rows(runtime) if row.member_id is None]
    assert (gone.state, gone.reason) == (OutboxState.SKIPPED, Reason.MEMBER_ERASED)
    # Erased means erased: no chat id or text stays behind in the queue.
    assert gone.chat_id is None
    assert gone.payload == {}


async def test_an_unknown_payload_kind_fails_with_render_failed(
    runtime: Runtime, fake_api: FakeBotAPI, dispatcher: Dispatcher
) -> None:
    people = await make_community(runtime, locales=["nl"])
    async with runtime.sessions() as session:
        assert await outbox.enqueue(
            session,
            purpose="mystery",
            dedupe_key="mystery:1",
            member_id=people.member_ids[0],
            chat_id=people.user_ids[0],
            payload={"kind": "no-such-renderer"},
        )
        await session.commit()
    await dispatcher.run_once()
    (row,) = await rows(runtime)
    assert (row.state, row.reason) == (OutboxState.FAILED, Reason.RENDER_FAILED)
    assert fake_api.sent() == []


async def test_pacing_keeps_to_the_overall_rate(runtime: Runtime, fake_api: FakeBotAPI) -> None:
    await make_community(runtime, locales=["nl"] * 61)
    dispatcher, channel, timer = make_dispatcher(runtime, fake_api, rate=30.0)
    await channel.start()
    await announce(runtime)
    started = runtime.clock()
    await dispatcher.run_once()
    await channel.stop()
    assert len(fake_api.sent()) == 61
    # 61 calls at 30 a second: the last may start 2 seconds after the first, not sooner.
    assert runtime.clock() - started >= timedelta(seconds=1.99)  # float timestamps
    assert timer.slept > 0


class ClockedRequest(FakeRequest):
    """Notes the fake clock at every sendMessage, to check the pace without waiting."""

    def __init__(self, api: FakeBotAPI, clock: FakeClock):
        super().__init__(api)
        self.clock = clock
        self.moments: list[tuple[int, float]] = []

    async def do_request(self, url, method, request_data=None, *args, **kwargs):
        if url.endswith("/sendMessage") and request_data is not None:
            chat = int(request_data.parameters["chat_id"])
            self.moments.append((chat, self.clock().timestamp()))
        return await super().do_request(url, method, request_data, *args, **kwargs)


async def test_the_parts_of_a_long_message_are_a_second_apart(
    runtime: Runtime, fake_api: FakeBotAPI, clock: FakeClock
) -> None:
    people = await make_community(runtime, locales=["nl", "nl"])
    long_text = "\n\n".join(["Een zin over de bijeenkomst. " * 100] * 3)  # three parts
    async with runtime.sessions() as session:
        for member_id, user_id, text in (
            (people.member_ids[0], people.user_ids[0], long_text),
            (people.member_ids[1], people.user_ids[1], "Kort bericht."),
        ):
            await outbox.enqueue(
                session,
                purpose="announcement",
                dedupe_key=f"pace:{member_id}",
                member_id=member_id,
                chat_id=user_id,
                payload={
                    "kind": "announcement",
                    "community_id": people.community_id,
                    "texts": {"nl": text},
                },
            )
        await session.commit()
    request = ClockedRequest(fake_api, clock)
    dispatcher, channel, _ = make_dispatcher(runtime, fake_api, request=request, rate=1000.0)
    await channel.start()
    started = clock().timestamp()
    await dispatcher.run_once()
    await channel.stop()
    long_chat = [t for chat, t in request.moments if chat == people.user_ids[0]]
    assert len(long_chat) == 3
    assert all(b - a >= 0.999 for a, b in itertools.pairwise(long_chat))
    assert long_chat[0] - started < 0.5
    assert len(fake_api.sent(people.user_ids[1])) == 1


async def test_a_hung_call_does_not_hold_up_the_other_rows(
    runtime: Runtime, fake_api: FakeBotAPI
) -> None:
    people = await make_community(runtime, locales=["nl"] * 41)
    request = FakeRequest(fake_api)
    released = request.hang(people.user_ids[0])
    # Claims of 10 rows: the other 40 need several claims while the first call hangs.
    dispatcher, channel, _ = make_dispatcher(
        runtime, fake_api, request=request, rate=10.0, batch=10, concurrency=4
    )
    await channel.start()
    await announce(runtime)
    run = asyncio.create_task(dispatcher.run_once())
    await support.until(lambda: len(fake_api.sent()) == 40)
    assert not run.done()  # the hung call is still waiting for its timeout
    assert {call.chat_id for call in fake_api.sent()} == set(people.user_ids[1:])
    # A message queued while the call still hangs goes out too, without waiting for it.
    late = await make_community(runtime, "zeist", locales=["nl"], first_user_id=931_000_001)
    await support.announce(runtime, "zeist", "Nog een bericht")
    await support.until(lambda: len(fake_api.sent()) == 41)
    assert fake_api.sent()[-1].chat_id == late.user_ids[0]
    assert not run.done()
    released.set()
    summary = await run
    await channel.stop()
    assert (summary.claimed, summary.sent, summary.retried) == (42, 41, 1)
    hung, *others = await rows(runtime)
    assert hung.chat_id == people.user_ids[0]
    assert (hung.state, hung.reason) == (OutboxState.QUEUED, Reason.TIMEOUT)
    assert all(row.state is OutboxState.SENT for row in others)


async def test_a_pause_keeps_the_claimed_rows_waiting_instead_of_giving_them_back(
    runtime: Runtime, fake_api: FakeBotAPI
) -> None:
    people = await make_community(runtime, locales=["nl"] * 30)
    fake_api.fail(Errors.retry_after(5), chat_id=people.user_ids[0])
    dispatcher, channel, _ = make_dispatcher(runtime, fake_api, rate=30.0, concurrency=16)
    await channel.start()
    await announce(runtime)
    summary = await dispatcher.run_once()
    await channel.stop()
    # One claim for every row, and one more for the row Telegram did not take: nothing was
    # handed back while the pause lasted.
    assert (summary.claimed, summary.released, summary.throttled) == (31, 0, 1)
    assert summary.sent == 30
    assert sorted(call.chat_id for call in fake_api.sent() if call.result) == people.user_ids
